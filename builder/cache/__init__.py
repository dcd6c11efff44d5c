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
delete at any time; a missing, truncated or unreadable entry is a miss, never an error.
Beside the entries, ``stats/`` holds a stat index (``builder.cache.stats``): the size, times and
inode of every file a build hashed, so that a rebuild hashes only files whose metadata changed and
opens none of a chunk whose files all kept theirs.
Entries are written atomically (temporary file + rename), so concurrent workers and killed
builds never leave a half-written entry behind. The entries themselves are ``builder.cache.chunks``;
this module holds what the CLI and the fingerprint need without importing Arrow.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

#: where ``builder build`` keeps the cache unless ``--cache-dir`` says otherwise
DEFAULT_CACHE_DIR = Path(".cache/builder")
#: layout of the entries; bump when it changes (entries of other layouts are never read)
CACHE_FORMAT = "2"
#: marks the folder as a cache for backup tools (https://bford.info/cachedir/)
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# builder build cache; safe to delete.\n"
#: modules of the later stages, which cannot change an article, its extraction or its rows
LATER_STAGES = (
    "__main__.py", "accounting.py", "card", "cli.py", "collect.py", "documents.py", "evaluate",
    "pipeline.py", "progress.py", "release", "validate.py",
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
        if relative.parts[0] in LATER_STAGES or "__pycache__" in relative.parts:
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



