"""``builder release``: promote a checked build into an immutable ``data/releases/X.Y.Z/``.

The release is written into a hidden sibling and renamed into place under an exclusive lock.
The releases index (``LATEST``, ``CHANGELOG.md``, the root card) is regenerated from the
releases themselves, so an interrupted run is repaired by the next one.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from builder.errors import ReleaseError, ReleaseExistsError
from builder.release.changelog import RootCardWriter, changes_markdown, repair_index, write_index
from builder.release.diff import DiffReport, diff_folders
from builder.release.folders import clean_leftovers, read_manifest, release_lock, staged_folder
from builder.release.manifest import input_hashes_below, seal, source_date, write_manifest
from builder.release.verify import verify_folder
from builder.release.versions import (
    FIRST_VERSION,
    LEVELS,
    bump,
    latest_version,
    level_of,
    parse_version,
)

#: a hidden sibling written by ``staged_folder`` or ``write_text_atomic``: ``.<name>.tmp-<pid>``
LEFTOVER = re.compile(r"^\.(.+)\.(?:tmp|old)-\d+$")
#: renders a release's card into its folder: (folder, manifest, "Changes since X" Markdown or None)
CardWriter = Callable[[Path, dict, "str | None"], object]


@dataclass(frozen=True)
class ReleaseReport:
    """What ``builder release`` made."""

    version: str
    folder: Path
    previous: str | None
    bump: str
    reasons: tuple[str, ...]
    manifest: dict

    def to_dict(self) -> dict:
        return {
            "version": self.version,
            "folder": str(self.folder),
            "previous": self.previous,
            "bump": self.bump,
            "reasons": list(self.reasons),
        }

    def summary_lines(self) -> list[str]:
        since = f" since {self.previous}" if self.previous else ""
        lines = [f"released {self.version} ({self.bump}{since}) into {self.folder}"]
        lines += [f"  {reason}" for reason in self.reasons]
        return lines


def default_root(releases_dir: Path) -> Path | None:
    """The repository root when ``releases_dir`` is its ``data/releases`` folder, else None."""
    resolved = Path(releases_dir).resolve()
    if resolved.parts[-2:] == ("data", "releases"):
        return resolved.parent.parent
    return None


def release_time() -> str:
    """``SOURCE_DATE_EPOCH`` when set, else the current UTC time (a release is a dated event)."""
    return source_date() or datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def check_build(build_dir: Path, raw_dir: Path) -> tuple[dict, dict[str, pa.Table]]:
    """Refuse a build that is a release, differs from its manifest, fails validation or is stale.

    Returns its manifest and its tables, read once for validation and the diff.
    """
    from builder.validate import read_build_tables, validate_build

    manifest = read_manifest(build_dir)
    if manifest.get("version"):
        raise ReleaseError(
            f"is already release {manifest['version']}", path=str(build_dir), hint="Release a build folder"
        )
    _, problems = verify_folder(build_dir)
    if problems:
        raise ReleaseError(
            f"build differs from its manifest ({problems[0].line()})",
            path=str(build_dir),
            hint="Run builder build again",
        )
    tables = read_build_tables(build_dir)
    report = validate_build(build_dir, tables)
    if not report.ok:
        raise ReleaseError(
            f"build fails validation ({len(report.violations)} violations)",
            path=str(build_dir),
            hint=f"Run builder validate {build_dir} and fix them",
        )
    current = input_hashes_below(raw_dir)
    built = manifest.get("inputs", {})
    for name in sorted(set(current) | set(built)):
        if current.get(name) != built.get(name):
            what = "added" if name not in built else "removed" if name not in current else "changed"
            raise ReleaseError(
                f"input {what} since the build",
                path=(raw_dir / name).as_posix(),
                hint=f"Run builder build again before releasing {build_dir}",
            )
    return manifest, tables


def choose_version(
    previous: str | None, required: str, reasons: list[str], *, level: str | None, version: str | None
) -> tuple[str, str]:
    """(version, bump level) for the new release; refuses a bump smaller than the changes need."""
    if previous is None:
        chosen = version or FIRST_VERSION
        parse_version(chosen)
        return chosen, "major"
    if version is not None:
        parse_version(version)
        level = level_of(previous, version)
        if level == "none":
            raise ReleaseError(
                f"is not after the latest release {previous}",
                field="version",
                value=version,
                hint=f"Use {bump(previous, max(required, 'patch', key=LEVELS.index))}",
            )
    if level is None:
        if required == "none":
            raise ReleaseError(
                f"nothing changed since {previous}",
                hint="Pass --bump patch to release anyway (for example after a card fix)",
            )
        level = required
    if LEVELS.index(level) < LEVELS.index(required):
        raise ReleaseError(
            f"a {level} bump is too small; the changes since {previous} require {required}: "
            + "; ".join(reasons),
            field="bump",
            hint=f"Use --bump {required} or omit --bump",
        )
    return version or bump(previous, level), level


def _clean_release_leftovers(releases_dir: Path) -> None:
    """Remove what killed releases left: hidden ``.X.Y.Z.tmp-<pid>`` folders and index temp files."""
    for path in releases_dir.iterdir():
        match = LEFTOVER.match(path.name)
        if match:
            clean_leftovers(releases_dir / match.group(1))


def _release_manifest(
    build_manifest: dict,
    version: str,
    previous: str | None,
    level: str,
    reasons: list[str],
    changes: str | None,
    notes: str | None,
) -> dict:
    # data files are copied; the card and its metadata files are rendered again for the release
    copied = {
        relative: entry
        for relative, entry in build_manifest["files"].items()
        if relative.endswith(".parquet")
    }
    return {
        **build_manifest,
        "version": version,
        "created_at": release_time(),
        "release": {
            "previous": previous,
            "bump": level,
            "reasons": reasons,
            "changes": changes,
            "notes": notes,
        },
        "files": copied,
    }


def make_release(
    build_dir: Path,
    releases_dir: Path,
    *,
    raw_dir: Path,
    write_card: CardWriter,
    write_root_card: RootCardWriter | None = None,
    level: str | None = None,
    version: str | None = None,
    notes: str | None = None,
    lock_timeout: float = 10.0,
) -> ReleaseReport:
    """Promote ``build_dir`` into ``releases_dir/X.Y.Z`` and regenerate the releases index.

    Raises:
        ReleaseError: a stale, unverified or invalid build, a bump smaller than required,
            nothing changed, or another release holding the lock.
        ReleaseExistsError: the version already exists.
    """
    build_dir, releases_dir = Path(build_dir), Path(releases_dir)
    build_manifest, build_tables = check_build(build_dir, Path(raw_dir))
    with release_lock(releases_dir, timeout=lock_timeout):
        _clean_release_leftovers(releases_dir)
        repair_index(releases_dir, write_root_card)
        previous = latest_version(releases_dir)
        report: DiffReport | None = None
        required, reasons = "major", ["first release"]
        if previous is not None:
            _, problems = verify_folder(releases_dir / previous)
            if problems:
                raise ReleaseError(
                    f"the previous release {previous} fails verify ({problems[0].line()})",
                    path=str(releases_dir / previous),
                    hint=f"Run builder verify {previous} and restore it from version control",
                )
            report = diff_folders(
                releases_dir / previous, build_dir, old_label=previous, new_label=str(build_dir),
                new_tables=build_tables,
            )
            required, reasons = report.bump, list(report.reasons)
        del build_tables  # its last use: the rows are freed before the files are copied
        if version is not None and (releases_dir / version).exists():
            suggestion = bump(previous or version, max(required, "patch", key=LEVELS.index))
            raise ReleaseExistsError(
                f"release {version} already exists and is immutable",
                path=str(releases_dir / version),
                hint=f"Release as {suggestion} instead",
            )
        chosen, chosen_level = choose_version(previous, required, reasons, level=level, version=version)
        target = releases_dir / chosen
        if target.exists():
            raise ReleaseExistsError(
                f"release {chosen} already exists and is immutable",
                path=str(target),
                hint=f"Release as {bump(chosen, 'patch')} instead",
            )
        changes = changes_markdown(report) if report is not None else None
        manifest = _release_manifest(build_manifest, chosen, previous, chosen_level, reasons, changes, notes)
        with staged_folder(target, replace=False) as staging:
            for relative in manifest["files"]:
                (staging / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(build_dir / relative, staging / relative)
            write_manifest(staging, manifest)
            write_card(staging, manifest, changes)
            manifest = seal(staging, manifest)
        write_index(releases_dir, write_root_card)
    return ReleaseReport(chosen, target, previous, chosen_level, tuple(reasons), manifest)
