"""Pruning of the build cache, so that it does not grow without bound.

After every successful build with a cache (``prune_cache``):

1. Code versions: the folder of entries of the build's own version stays, and so do the
   ``KEEP_OTHER_VERSIONS`` other ``chunks-*`` folders used most recently (switching back to the
   previous rules stays fast); the others are deleted. A folder's last use is the mtime of its
   ``USED_MARKER``, touched by every build that writes into it or prunes after using it; a folder
   without one (left by a version of builder without markers) counts from its own mtime.
2. Entries of the build's own version and stat records that no build has used for
   ``UNUSED_SECONDS`` are deleted. Builds refresh the mtime of what they read or write once it is
   a day old (``builder.cache.refresh_use``), so whatever this build used is at most a day "old"
   and stays, and a warm rebuild writes nothing. Entries of the kept other versions are not aged:
   they are bounded by the number of versions, and age again once their version is built.
3. Temporary files (``.tmp-*``) of killed writers older than ``TEMPORARY_SECONDS`` are deleted.

Rules 2 and 3 need a ``stat`` of every entry and record (~3,000 at 100,000 articles, ~7 ms), so
their scan runs at most once per ``SCAN_SECONDS`` (the mtime of ``PRUNED_MARKER``): a file goes
between 7 days and 7 days and an hour after its last use, and other rebuilds pay one listing of
the cache folder and a few ``stat`` calls (~0.1 ms). A deleted version's folder goes whole.

Safety: nothing happens unless the cache folder holds our own ``CACHEDIR.TAG``; only regular files
whose names builds write (hex digits and fixed suffixes) are removed, links are never followed, and
a folder is removed only once empty, so a foreign file keeps it. Every ``OSError`` (a file deleted
by a concurrent build, a read-only disk) skips that file: pruning never fails a build. A build
that loses an entry to a concurrent prune processes its chunk again (a vanished entry is a miss).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, fields
from pathlib import Path

from builder.cache import (
    CACHEDIR_TAG,
    ENTRIES_PREFIX,
    USED_MARKER,
    cache_identity,
    entries_folder,
    mark_used,
    touch,
)

#: other code versions whose entries are kept besides the current one's
KEEP_OTHER_VERSIONS = 2
#: entries of the current version and stat records unused this long are deleted
UNUSED_DAYS = 7
UNUSED_SECONDS = UNUSED_DAYS * 24 * 3600
#: a temporary file this old belongs to a writer that was killed
TEMPORARY_SECONDS = 3600
#: the scan for unused entries and records runs when the previous one is this old
SCAN_SECONDS = 3600
#: file at the top of the cache whose mtime says when that scan last ran
PRUNED_MARKER = "last-pruned"
#: names of the files builds write (a temporary one is ``.tmp-<pid>-`` and the final name)
_VERSION_FOLDER = re.compile(re.escape(ENTRIES_PREFIX) + r"[0-9a-f]{16}")
_ENTRY = re.compile(r"(\.tmp-[0-9]+-)?[0-9a-f]{64}\.chunk")
_RECORD = re.compile(r"(\.tmp-[0-9]+-)?[0-9a-f]{64}\.stat")


@dataclass
class PruneReport:
    """What one pruning removed."""

    #: ``chunks-*`` folders of code versions deleted (with every entry in them)
    versions_removed: int = 0
    #: entries deleted, in those folders and, unused for ``UNUSED_DAYS``, in the current one
    entries_removed: int = 0
    #: stat record files deleted
    stat_records_removed: int = 0
    #: temporary files of killed writers deleted
    temporary_removed: int = 0
    #: bytes of every file deleted
    bytes_removed: int = 0
    #: whether this pruning scanned for unused entries and records (at most once per ``SCAN_SECONDS``)
    scanned: bool = False

    def to_dict(self) -> dict[str, int | bool]:
        """A JSON-ready form (``cache`` in ``builder build --json``)."""
        return {item.name: getattr(self, item.name) for item in fields(self)}


def prune_after_build(folder: Path, extractor_name: str, extractor_version: str) -> dict[str, float]:
    """``prune_cache`` after a build with this extractor and the running code.

    Returns ``PruneReport.to_dict()`` and the ``seconds`` pruning took.
    """
    started = time.perf_counter()
    current = entries_folder(folder, cache_identity(extractor_name, extractor_version))
    report = prune_cache(folder, current)
    return {**report.to_dict(), "seconds": round(time.perf_counter() - started, 4)}


def is_our_cache(folder: Path) -> bool:
    """Whether ``folder`` holds the ``CACHEDIR.TAG`` that builds write (and so may be pruned)."""
    try:
        return (folder / "CACHEDIR.TAG").read_bytes() == CACHEDIR_TAG.encode("utf-8")
    except OSError:
        return False


def prune_cache(folder: Path, current: Path, *, now: float | None = None) -> PruneReport:
    """Prune the cache ``folder`` after a build whose entries are in ``current`` (module docstring).

    ``now`` (default: the clock) is the moment ages are measured from. Never raises ``OSError``.
    """
    report = PruneReport()
    if not is_our_cache(folder):
        return report
    now = time.time() if now is None else now
    try:
        with os.scandir(folder) as listing:
            versions = [
                item.path for item in listing
                if _VERSION_FOLDER.fullmatch(item.name) and item.is_dir(follow_symlinks=False)
            ]
    except OSError:
        return report
    current_path = os.path.join(folder, current.name)
    if current_path in versions:
        mark_used(Path(current_path))
    marker = os.path.join(folder, PRUNED_MARKER)
    if _mtime(marker) <= now - SCAN_SECONDS:
        report.scanned = True
        if current_path in versions:
            _prune_files(current_path, _ENTRY, now, report, "entries_removed")
        stats = os.path.join(folder, "stats")
        if os.path.isdir(stats) and not os.path.islink(stats):
            _prune_files(stats, _RECORD, now, report, "stat_records_removed")
        touch(Path(marker))
    others = sorted((path for path in versions if path != current_path), key=_last_used, reverse=True)
    for path in others[KEEP_OTHER_VERSIONS:]:
        _prune_files(path, _ENTRY, None, report, "entries_removed")
        try:
            os.remove(os.path.join(path, USED_MARKER))
        except OSError:
            pass
        try:
            os.rmdir(path)
        except OSError:  # a foreign file, or a concurrent build that wrote an entry since
            continue
        report.versions_removed += 1
    return report


def _mtime(path: str) -> float:
    """The mtime of ``path`` (not followed if a link), or 0 when it cannot be told."""
    try:
        return os.stat(path, follow_symlinks=False).st_mtime
    except OSError:
        return 0.0


def _last_used(path: str) -> float:
    """When a build last used the version whose entries are in ``path`` (its marker, else itself)."""
    return _mtime(os.path.join(path, USED_MARKER)) or _mtime(path)


def _prune_files(
    folder: str, pattern: re.Pattern[str], now: float | None, report: PruneReport, kind: str
) -> None:
    """Delete the files of ``folder`` named by ``pattern``: all (``now`` None) or the unused ones."""
    try:
        with os.scandir(folder) as listing:
            for item in listing:
                try:
                    # is_file comes with the listing; the name is checked only for files old enough
                    if not item.is_file(follow_symlinks=False):
                        continue
                    info = item.stat(follow_symlinks=False)
                    temporary = item.name.startswith(".tmp-")
                    if now is not None:
                        limit = TEMPORARY_SECONDS if temporary else UNUSED_SECONDS
                        if info.st_mtime > now - limit:
                            continue
                    if not pattern.fullmatch(item.name):
                        continue
                    os.remove(item.path)
                except OSError:  # gone already, or not ours to delete (read-only disk)
                    continue
                report.bytes_removed += info.st_size
                if temporary:
                    report.temporary_removed += 1
                else:
                    setattr(report, kind, getattr(report, kind) + 1)
    except OSError:
        return
