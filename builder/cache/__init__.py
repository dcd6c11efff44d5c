"""Cache of the per-article work of a build: a rebuild redoes only the files that changed.

An entry holds the outcome of one chunk of consecutive input files: for every file its name,
the sha256 of its bytes and, if it was rejected, why; and the Arrow rows of the four tables
its articles and events became, each row tagged with the file it came from. An entry is named
by a hash of the chunk's file names and bytes, of the extractor's name and version, and of the
code and word lists that parse, clean, detect, extract and shape rows (``code_fingerprint``):
editing a rule, a lexicon, the cleaner or the schema invalidates old entries even when nobody
bumps a version.

A rebuild looks a whole chunk up first (one file read for ~64 articles). When a chunk changed,
every file of it whose name and bytes are in some entry takes its rows from there, so only the
changed files are parsed and extracted again. The folder holds nothing else and is safe to
delete at any time; a missing, truncated or unreadable entry is a miss, never an error. It does
not grow without bound: every successful build prunes it (``builder.cache.prune``).
Beside the entries, ``stats/`` holds a stat index (``builder.cache.stats``): the size, times and
inode of every file a build hashed, so that a rebuild hashes only files whose metadata changed and
opens none of a chunk whose files all kept theirs.
Entries are written atomically (temporary file + rename), so concurrent workers and killed
builds never leave a half-written entry behind. The entries themselves are ``builder.cache.chunks``;
this module holds what the CLI and the fingerprint need without importing Arrow.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from functools import cache
from pathlib import Path

#: where ``builder build`` keeps the cache unless ``--cache-dir`` says otherwise
DEFAULT_CACHE_DIR = Path(".cache/builder")
#: layout of the entries; bump when it changes (entries of other layouts are never read)
CACHE_FORMAT = "2"
#: marks the folder as a cache for backup tools (https://bford.info/cachedir/)
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# builder build cache; safe to delete.\n"
#: the entries of one code version live in ``<cache>/<ENTRIES_PREFIX><16 hex digits of its identity>``
ENTRIES_PREFIX = "chunks-"
#: file in a folder of entries whose mtime says when a build last used that code version
USED_MARKER = "last-used"
#: a build refreshes the mtime of an entry or stat record it used once that mtime is this old,
#: so that a rebuild writes no inode while pruning still sees what was used lately
REFRESH_SECONDS = 24 * 3600
#: modules of the later stages (and cache pruning), which cannot change an article, its extraction
#: or its rows: a folder or file of ``builder/``, or a module's path relative to it
LATER_STAGES = (
    "__main__.py", "accounting.py", "allocator.py", "card", "cli.py", "collect.py", "documents.py",
    "evaluate", "out_folder.py", "pipeline.py", "progress.py", "release", "spool.py", "validate.py",
    "wakeups.py", "watch.py", "cache/prune.py",
)

_PACKAGE = Path(__file__).resolve().parents[1]
_SCHEMA_PACKAGE = _PACKAGE.parent / "schema"


def fingerprinted_files(package: Path) -> list[Path]:
    """The files of ``package`` (a copy of ``builder/``) an article and its extraction depend on.

    That is every source and data file except the later stages' modules: a new module is
    included by default, so forgetting to list it can only cost a cache miss, never a stale entry.
    """
    files = []
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if not path.is_file() or path.suffix not in (".py", ".txt", ".tsv", ".json", ".yaml"):
            continue
        if relative.parts[0] in LATER_STAGES or relative.as_posix() in LATER_STAGES:
            continue
        if "__pycache__" in relative.parts:
            continue
        files.append(path)
    return files


def fingerprint_of(package: Path, schema_package: Path | None = None) -> str:
    """sha256 over the names and bytes of ``fingerprinted_files(package)`` and ``schema_package``'s modules.

    Cached rows are shaped by the contract's Arrow schema, so ``schema/`` counts too.
    """
    digest = hashlib.sha256()
    for path in fingerprinted_files(package):
        name = path.relative_to(package).as_posix().encode("utf-8")
        digest.update(name + b"\0" + path.read_bytes() + b"\0")
    if schema_package is not None:
        for path in sorted(schema_package.glob("*.py")):
            digest.update(b"schema/" + path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def code_fingerprint() -> str:
    """The fingerprint of the installed ``builder`` and ``schema`` packages (computed once per process)."""
    return fingerprint_of(_PACKAGE, _SCHEMA_PACKAGE)


def cache_identity(extractor_name: str, extractor_version: str) -> str:
    """sha256 (hex) of the cache layout, the extractor and ``code_fingerprint()``: what entries depend on."""
    identity = "\0".join((CACHE_FORMAT, extractor_name, extractor_version, code_fingerprint()))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def entries_folder(cache_folder: Path, identity: str) -> Path:
    """The folder of the entries of the code version ``identity`` (``cache_identity``)."""
    return cache_folder / f"{ENTRIES_PREFIX}{identity[:16]}"


def mark_used(entries: Path) -> None:
    """Record that a build uses the code version whose entries are in ``entries`` (an existing folder).

    Touches ``USED_MARKER`` (pruning keeps the versions used last); errors are ignored.
    """
    touch(entries / USED_MARKER)


def touch(marker: Path) -> None:
    """Set the mtime of the file ``marker`` to now, making it if missing; errors are ignored.

    A link's own time is set: nothing outside the cache is touched.
    """
    try:
        os.utime(marker, follow_symlinks=False)
    except FileNotFoundError:
        with contextlib.suppress(OSError):
            marker.touch()
    except OSError:  # a read-only cache only loses the time of this use
        pass


def refresh_use(path: Path, mtime: float) -> None:
    """Mark the entry or stat record ``path`` as used now if its ``mtime`` is ``REFRESH_SECONDS`` old.

    Pruning deletes what no build used for a while, by mtime; refreshing only old ones keeps a
    warm rebuild from writing. Errors are ignored (the file may have been replaced or removed).
    """
    if mtime < time.time() - REFRESH_SECONDS:
        with contextlib.suppress(OSError):
            os.utime(path, follow_symlinks=False)
