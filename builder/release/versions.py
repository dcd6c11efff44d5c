"""Dataset version strings (strict semver ``MAJOR.MINOR.PATCH``) and the releases folder layout."""

from __future__ import annotations

import re
from pathlib import Path

from builder.errors import ReleaseError

#: strict semver core: no leading zeros, no pre-release or build suffix (they would not sort as folders)
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
#: bump levels from smallest to largest; "none" means nothing changed
LEVELS = ("none", "patch", "minor", "major")
#: the first release of a dataset
FIRST_VERSION = "1.0.0"
#: file in the releases folder naming the newest release
LATEST_NAME = "LATEST"


def parse_version(text: str) -> tuple[int, int, int]:
    """``"1.2.3"`` → ``(1, 2, 3)``; anything else is a ReleaseError.

    Example: ``parse_version("1.10.0") > parse_version("1.9.9")``
    """
    match = SEMVER.match(text)
    if not match:
        raise ReleaseError(
            "not a strict semver version MAJOR.MINOR.PATCH",
            field="version",
            value=text,
            hint="Use three numbers without leading zeros, e.g. 1.0.0",
        )
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def is_version(text: str) -> bool:
    return bool(SEMVER.match(text))


def format_version(parts: tuple[int, int, int]) -> str:
    return ".".join(str(part) for part in parts)


def bump(version: str, level: str) -> str:
    """The next version after ``version`` at ``level`` (patch, minor or major)."""
    major, minor, patch = parse_version(version)
    if level == "major":
        return format_version((major + 1, 0, 0))
    if level == "minor":
        return format_version((major, minor + 1, 0))
    if level == "patch":
        return format_version((major, minor, patch + 1))
    raise ReleaseError(f"unknown bump level {level!r}", field="bump", hint="Use patch, minor or major")


def level_of(old: str, new: str) -> str:
    """The bump level that leads from ``old`` to ``new`` (``none`` when not greater)."""
    old_parts, new_parts = parse_version(old), parse_version(new)
    if new_parts <= old_parts:
        return "none"
    if new_parts[0] > old_parts[0]:
        return "major"
    if new_parts[1] > old_parts[1]:
        return "minor"
    return "patch"


def release_versions(releases_dir: Path) -> list[str]:
    """Versions of the complete releases in ``releases_dir``, oldest first.

    A complete release is a folder named by a strict semver version holding ``manifest.json``;
    hidden temporary folders of interrupted releases are not listed.
    """
    if not releases_dir.is_dir():
        return []
    found = [
        path.name
        for path in releases_dir.iterdir()
        if path.is_dir() and is_version(path.name) and (path / "manifest.json").is_file()
    ]
    return sorted(found, key=parse_version)


def latest_version(releases_dir: Path) -> str | None:
    """The newest release in ``releases_dir``, or None before the first release."""
    versions = release_versions(releases_dir)
    return versions[-1] if versions else None
