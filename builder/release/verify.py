"""``builder verify``: recompute checksums, sizes, row counts and Arrow schemas against the manifest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from builder.errors import BuildFolderError, ReleaseError
from builder.release.folders import LOCK_NAME, MANIFEST_NAME, read_manifest
from builder.release.manifest import (
    MANIFEST_CHECKSUM_NAME,
    checksum_line,
    quarantine_schema,
    schema_columns,
    sha256_file,
)
from builder.release.versions import LATEST_NAME, is_version, release_versions

#: files of a releases folder that belong to no single release
RELEASES_INDEX_FILES = ("CHANGELOG.md", LATEST_NAME, LOCK_NAME)


@dataclass(frozen=True)
class Problem:
    """One difference between a folder and its manifest."""

    folder: str
    file: str
    field: str
    expected: str
    found: str

    def line(self) -> str:
        return f"{self.folder}/{self.file}: {self.field}: expected {self.expected}, found {self.found}"

    def to_dict(self) -> dict:
        return {
            "folder": self.folder,
            "file": self.file,
            "field": self.field,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass(frozen=True)
class VerifyReport:
    """Result of verifying one or more build or release folders."""

    folders: tuple[str, ...]
    files_checked: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "folders": list(self.folders),
            "files_checked": self.files_checked,
            "problems": [problem.to_dict() for problem in self.problems],
        }

    def summary_lines(self) -> list[str]:
        lines = [problem.line() for problem in self.problems]
        verdict = "OK" if self.ok else f"FAILED ({len(self.problems)} problems)"
        lines.append(f"verified {self.files_checked} files in {len(self.folders)} folders: {verdict}")
        return lines


def _expected_schema(manifest: dict, entry: dict) -> dict[str, str] | None:
    table = entry.get("table")
    if table == "quarantine":
        return schema_columns(quarantine_schema())
    if table in manifest.get("tables", {}):
        return manifest["tables"][table]["columns"]
    return None


def _check_parquet(folder: Path, relative: str, entry: dict, manifest: dict) -> list[tuple[str, str, str]]:
    """(field, expected, found) for the rows and Arrow schema of one Parquet file."""
    try:
        parquet = pq.ParquetFile(folder / relative)
        rows = parquet.metadata.num_rows
        columns = schema_columns(parquet.schema_arrow)
    except Exception as error:  # noqa: BLE001 - any read failure is a finding, not a crash
        return [("parquet", "a readable Parquet file", f"unreadable ({type(error).__name__}: {error})")]
    found = []
    if "rows" in entry and rows != entry["rows"]:
        found.append(("rows", str(entry["rows"]), str(rows)))
    expected = _expected_schema(manifest, entry)
    if expected is not None and columns != expected:
        differences = sorted(
            f"{name}: {expected.get(name, 'absent')} → {columns.get(name, 'absent')}"
            for name in set(expected) | set(columns)
            if expected.get(name) != columns.get(name)
        ) or ["column order"]
        found.append(("arrow schema", "the manifest's columns", "; ".join(differences)))
    return found


def verify_folder(folder: Path) -> tuple[int, list[Problem]]:
    """Check every file of one build or release folder; return (files checked, problems)."""
    folder = Path(folder)
    label = folder.as_posix()
    problems: list[Problem] = []

    def problem(file: str, field: str, expected: str, found: str) -> None:
        problems.append(Problem(label, file, field, expected, found))

    try:
        manifest = read_manifest(folder)
    except BuildFolderError as error:
        problem(MANIFEST_NAME, "manifest", "a readable builder manifest", error.message)
        return 1, problems
    checksum_path = folder / MANIFEST_CHECKSUM_NAME
    if not checksum_path.is_file():
        problem(MANIFEST_CHECKSUM_NAME, "file", "present", "missing")
    else:
        content = checksum_path.read_text(encoding="utf-8", errors="replace")
        recorded = content.split(" ", 1)[0]
        actual = sha256_file(folder / MANIFEST_NAME)
        if recorded != actual:
            problem(MANIFEST_NAME, "sha256", f"{recorded} (from {MANIFEST_CHECKSUM_NAME})", actual)
        elif content != checksum_line(actual):
            problem(MANIFEST_CHECKSUM_NAME, "content", repr(checksum_line(actual)), repr(content))
    checked = 2
    for relative, entry in sorted(manifest["files"].items()):
        checked += 1
        path = folder / relative
        if not path.is_file():
            problem(relative, "file", "present", "missing")
            continue
        size = path.stat().st_size
        if size != entry.get("bytes"):
            problem(relative, "bytes", str(entry.get("bytes")), str(size))
        digest = sha256_file(path)
        if digest != entry.get("sha256"):
            problem(relative, "sha256", str(entry.get("sha256")), digest)
        if relative.endswith(".parquet"):
            for field, expected, found in _check_parquet(folder, relative, entry, manifest):
                problem(relative, field, expected, found)
    listed = set(manifest["files"]) | {MANIFEST_NAME, MANIFEST_CHECKSUM_NAME}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in listed:
            problem(relative, "file", "listed in the manifest", "unlisted")
    return checked, problems


def _check_latest(releases_dir: Path) -> list[Problem]:
    """LATEST must name the newest release (``builder release`` rewrites it after every release)."""
    newest = release_versions(releases_dir)[-1]
    path = releases_dir / LATEST_NAME
    found = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else "no file"
    if found != newest + "\n":
        return [Problem(releases_dir.as_posix(), LATEST_NAME, "content", repr(newest + "\n"), repr(found))]
    return []


def resolve_targets(target: str | None, releases_dir: Path, all_releases: bool) -> list[Path]:
    """The folders named by ``builder verify [VERSION | PATH | --all]``."""
    if all_releases:
        versions = release_versions(releases_dir)
        if not versions:
            raise ReleaseError(
                "no releases to verify", path=str(releases_dir), hint="Run builder release first"
            )
        return [releases_dir / version for version in versions]
    if target is None:
        raise ReleaseError("nothing to verify", hint="Name a version (1.0.0), a folder (build) or pass --all")
    if is_version(target) and not Path(target).exists():
        folder = releases_dir / target
        if not folder.is_dir():
            known = ", ".join(release_versions(releases_dir)) or "none"
            raise ReleaseError(
                f"no release {target}", path=str(releases_dir), hint=f"Known releases: {known}"
            )
        return [folder]
    folder = Path(target)
    if not folder.is_dir():
        raise ReleaseError(
            "no such release or folder", path=target, hint="Name a version (1.0.0) or a build folder"
        )
    return [folder]


def verify(target: str | None, *, releases_dir: Path, all_releases: bool = False) -> VerifyReport:
    """Verify a release (by version), a folder (by path) or every release (``--all``)."""
    folders = resolve_targets(target, releases_dir, all_releases)
    checked = 0
    problems: list[Problem] = []
    for folder in folders:
        count, found = verify_folder(folder)
        checked += count
        problems.extend(found)
    if all_releases:
        checked += 1
        problems.extend(_check_latest(releases_dir))
    return VerifyReport(tuple(folder.as_posix() for folder in folders), checked, tuple(problems))
