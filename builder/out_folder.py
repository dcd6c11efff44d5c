"""Where a build may write: the checks made on ``--out`` before any work starts.

A build replaces its output folder, so it refuses one that holds anything but a previous build,
and one that overlaps the raw folder. Kept apart from ``builder.release`` so that a build can
check its ``--out`` at once without loading the release stage, which it needs only at its end.
"""

from __future__ import annotations

import json
from pathlib import Path

from builder.errors import BuildFolderError

#: name of the file that marks a folder as a build or release
MANIFEST_NAME = "manifest.json"


def check_replaceable(out_dir: Path) -> None:
    """Refuse to replace anything but a missing folder, an empty one, or a previous build.

    Raises:
        BuildFolderError: for a file, a symlink, a repository root, a release, or a folder
            with other content.
    """
    if out_dir.is_symlink():
        raise BuildFolderError(
            "is a symbolic link; refusing to replace it",
            path=str(out_dir),
            hint="Choose another --out folder",
        )
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise BuildFolderError("is not a folder", path=str(out_dir), hint="Choose another --out folder")
    if (out_dir / ".git").exists() or out_dir.resolve() == Path.cwd().resolve():
        raise BuildFolderError(
            "is a repository root or the working folder; refusing to replace it",
            path=str(out_dir),
            hint="Choose a build folder such as --out build",
        )
    if not any(out_dir.iterdir()):
        return
    manifest_path = out_dir / MANIFEST_NAME
    if not manifest_path.is_file():
        raise BuildFolderError(
            "is not empty and holds no previous build (no manifest.json); refusing to replace it",
            path=str(out_dir),
            hint="Choose an empty or new --out folder",
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or "files" not in manifest:
        raise BuildFolderError(
            "holds a manifest.json that is not a builder manifest; refusing to replace it",
            path=str(out_dir),
            hint="Choose an empty or new --out folder",
        )
    if manifest.get("version"):
        raise BuildFolderError(
            f"holds release {manifest['version']}, which is immutable; refusing to replace it",
            path=str(out_dir),
            hint="Build into another --out folder, then run builder release",
        )


def check_out_folder(out_dir: Path, raw_dir: Path) -> None:
    """``check_replaceable``, and refuse an ``out_dir`` inside ``raw_dir`` or around it.

    Inside, its card (``README.md``) would be read as an article by the next build, and a
    ``builder watch`` would rebuild for ever; around it, replacing the build would delete the
    articles.

    Raises:
        BuildFolderError: as ``check_replaceable``, or for an overlap.
    """
    check_replaceable(out_dir)
    out, raw = Path(out_dir).resolve(), Path(raw_dir).resolve()
    if out == raw or out.is_relative_to(raw):
        raise BuildFolderError(
            f"is inside the raw folder {raw_dir}; the next build would read its card as an article",
            path=str(out_dir),
            hint="Choose an --out folder outside --raw",
        )
    if raw.is_relative_to(out):
        raise BuildFolderError(
            f"holds the raw folder {raw_dir}; replacing the build would delete the articles",
            path=str(out_dir),
            hint="Choose an --out folder outside --raw",
        )
