"""Stage 5: write builds and releases (Parquet, manifest, checksums), diff, verify and publish them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from builder.models import DuplicateFile, RejectedFile
from builder.validate import ValidationResult

#: file name of every table's single shard inside its config folder
SHARD_NAME = "train-00000-of-00001.parquet"


@contextmanager
def staged_folder(out_dir: Path) -> Iterator[Path]:
    """Yield a temporary sibling of ``out_dir``; on success swap it in, on failure remove it."""
    raise NotImplementedError
    yield out_dir


def write_build(
    folder: Path,
    result: ValidationResult,
    *,
    raw_dir: Path,
    input_files: Sequence[Path],
    rejected: Sequence[RejectedFile],
    duplicates: Sequence[DuplicateFile],
    extractor: tuple[str, str],
) -> dict:
    """Write the tables, quarantine and ``manifest.json`` of one build into ``folder``; return the manifest."""
    raise NotImplementedError
