"""Stage 5: write builds and releases (Parquet, manifest, checksums), diff, verify and publish them.

Modules: ``folders`` (crash-safe folder swap, path safety, lock), ``manifest`` (build output),
``versions`` (semver), ``verify``, ``diff``, ``changelog`` (LATEST, CHANGELOG.md), ``root_card``,
``promote`` (``builder release``) and ``publish`` (Hugging Face Hub).
"""

from __future__ import annotations

from builder.out_folder import check_out_folder, check_replaceable
from builder.release.changelog import changes_markdown, write_index
from builder.release.diff import DiffReport, diff, diff_folders
from builder.release.folders import (
    clean_leftovers,
    read_manifest,
    release_lock,
    staged_folder,
)
from builder.release.kept_files import KeptFiles
from builder.release.manifest import SHARD_NAME, TABLE_KEYS, fingerprint, seal, table_path, write_build
from builder.release.promote import ReleaseReport, default_root, make_release
from builder.release.publish import PublishPlan, check_card, publish
from builder.release.verify import VerifyReport, verify, verify_folder

__all__ = [
    "check_out_folder",
    "check_replaceable",
    "SHARD_NAME",
    "TABLE_KEYS",
    "DiffReport",
    "PublishPlan",
    "ReleaseReport",
    "VerifyReport",
    "changes_markdown",
    "check_card",
    "clean_leftovers",
    "default_root",
    "diff",
    "diff_folders",
    "fingerprint",
    "make_release",
    "publish",
    "read_manifest",
    "release_lock",
    "seal",
    "staged_folder",
    "table_path",
    "verify",
    "verify_folder",
    "write_build",
    "write_index",
    "KeptFiles",
]
