"""Crash-safe folder replacement: write into a temporary sibling, swap it in, clean leftovers.

A run that is killed leaves only hidden siblings (``.<name>.tmp-<pid>``, ``.<name>.old-<pid>``)
next to the target; the next run removes them, or restores ``.old`` when the swap was cut
between its two renames. Only folders that are empty or hold a previous build are replaced.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from builder.errors import BuildFolderError, ReleaseError
from builder.out_folder import MANIFEST_NAME, check_replaceable

#: name of the lock file inside a releases folder
LOCK_NAME = ".release.lock"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(target: Path) -> list[tuple[str, int, Path]]:
    """Hidden siblings of ``target`` left by earlier runs: (kind, pid, path)."""
    prefix = f".{target.name}."
    found = []
    if not target.parent.is_dir():
        return found
    for sibling in target.parent.iterdir():
        if not sibling.name.startswith(prefix):
            continue
        kind, _, pid = sibling.name[len(prefix) :].partition("-")
        if kind in ("tmp", "old") and pid.isdigit():
            found.append((kind, int(pid), sibling))
    return sorted(found)


def clean_leftovers(target: Path) -> list[Path]:
    """Remove what crashed runs left next to ``target``; restore it if a swap was cut short.

    Siblings of a process that is still running are left alone. Returns the removed paths.
    """
    removed = []
    for kind, pid, sibling in _leftovers(target):
        if _pid_alive(pid) and pid != os.getpid():
            continue
        if kind == "old" and not target.exists() and not target.is_symlink():
            # killed between "move old aside" and "move new in": the old folder is still complete
            sibling.rename(target)
            continue
        _remove(sibling)
        removed.append(sibling)
    return removed


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def read_manifest(folder: Path) -> dict:
    """The parsed ``manifest.json`` of a build or release folder."""
    path = folder / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildFolderError(
            "no manifest.json", path=str(folder), hint="Pass a build or release folder, e.g. build"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BuildFolderError(
            f"manifest.json is not valid JSON ({error})", path=str(path), hint="Rebuild the folder"
        ) from None
    if not isinstance(manifest, dict) or "files" not in manifest:
        raise BuildFolderError(
            "manifest.json is not a builder manifest", path=str(path), hint="Rebuild the folder"
        )
    return manifest


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` in one rename so that readers never see half a file."""
    temporary = path.parent / f".{path.name}.tmp-{os.getpid()}"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def fsync_tree(folder: Path) -> None:
    """Flush every file and folder below ``folder`` to disk before it is renamed into place."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for directory in [folder, *[path for path in folder.rglob("*") if path.is_dir()]]:
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@contextmanager
def staged_folder(out_dir: Path, *, replace: bool = True) -> Iterator[Path]:
    """Yield a temporary sibling of ``out_dir``; on success swap it in, on failure remove it.

    With ``replace=False`` an existing ``out_dir`` is an error (releases are never replaced);
    otherwise it must be empty or hold a previous build (see ``check_replaceable``).
    """
    out_dir = Path(out_dir)
    if replace:
        check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out_dir)
    if not replace and (out_dir.exists() or out_dir.is_symlink()):
        raise BuildFolderError("already exists", path=str(out_dir), hint="Choose another folder")
    pid = os.getpid()
    staging = out_dir.parent / f".{out_dir.name}.tmp-{pid}"
    aside = out_dir.parent / f".{out_dir.name}.old-{pid}"
    if staging.exists():
        _remove(staging)
    staging.mkdir()
    try:
        yield staging
        fsync_tree(staging)
        if out_dir.exists():
            out_dir.rename(aside)
            staging.rename(out_dir)
            shutil.rmtree(aside)
        else:
            staging.rename(out_dir)
    except BaseException:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        raise


@contextmanager
def release_lock(releases_dir: Path, *, timeout: float = 10.0) -> Iterator[Path]:
    """Hold an exclusive lock on ``releases_dir`` so that two releases never interleave.

    Waits up to ``timeout`` seconds for another release to finish, then fails with ReleaseError.
    """
    releases_dir.mkdir(parents=True, exist_ok=True)
    path = releases_dir / LOCK_NAME
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ReleaseError(
                        f"another release is in progress (lock held for more than {timeout:g} s)",
                        path=str(path),
                        hint="Wait for it to finish and run builder release again",
                    ) from None
                time.sleep(0.1)
        try:
            yield path
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
