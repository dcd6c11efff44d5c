"""Stage 5: write builds and releases (Parquet, manifest, checksums), diff, verify and publish them."""

from __future__ import annotations

from builder.release.folders import clean_leftovers, read_manifest, release_lock, staged_folder
from builder.release.manifest import SHARD_NAME, TABLE_KEYS, fingerprint, seal, table_path, write_build

__all__ = [
    "SHARD_NAME",
    "TABLE_KEYS",
    "clean_leftovers",
    "fingerprint",
    "read_manifest",
    "release_lock",
    "seal",
    "staged_folder",
    "table_path",
    "write_build",
]
