"""Stat index: which input files a build has hashed, so that a rebuild need not read them again.

Like git's index, it trusts file system metadata: a file whose ``lstat`` still gives the size,
mtime, ctime and inode recorded when its bytes were hashed is taken to hold the same bytes, and
its sha256 comes from the record. ctime catches an ``os.utime`` that put an old mtime back after
an edit. A file written just before it was read could be written again within the file system's
timestamp granularity and keep its mtime ("racy clean"), so a record is trusted only when its
mtime is ``RACY_SECONDS`` older than the moment the file was looked at; younger files are read
every time until they are old enough.

One record file per chunk of input files (``stats/<hash of raw folder and names>.stat``),
written atomically. A missing, damaged or foreign record file only means "read everything".
Records do not depend on the code, so they survive a change of rules or lexicons; record files
no build has loaded or saved for a week are pruned (``builder.cache.prune``).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from builder.cache import refresh_use

#: first bytes of a record file; bump the digit when the layout changes
MAGIC = b"builder-stat-index 1\n"
#: a file modified less than this before it was looked at may change again unseen (mtime granularity)
RACY_SECONDS = 2
_RACY_NS = RACY_SECONDS * 1_000_000_000
_HEX_DIGITS = "0123456789abcdef"


class StatRecord(NamedTuple):
    """What ``lstat`` said about a file just before its bytes were read, and the sha256 of those bytes.

    A named tuple: a rebuild decodes one per input file, and tuples are the cheapest to make.
    """

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    raw_sha256: str
    #: ``time.time_ns()`` taken before the ``lstat``
    recorded_at: int

    @staticmethod
    def of(info: os.stat_result, raw_sha256: str, recorded_at: int) -> StatRecord:
        """The record of a file whose ``lstat`` (taken after ``recorded_at``) was ``info``."""
        return StatRecord(
            info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, raw_sha256, recorded_at
        )

    def trusts(self, info: os.stat_result, max_bytes: int) -> bool:
        """Whether a file whose ``lstat`` is now ``info`` still holds the bytes hashed for this record.

        Only a regular file (not a link) within ``max_bytes`` whose size, mtime, ctime and inode
        are unchanged, and whose mtime was ``RACY_SECONDS`` older than the recording.

        Example: a record taken at 12:00:10 of a file modified at 12:00:09 is not trusted (racy);
        one of a file modified at 11:00:00 is, until the file's size or times change.
        """
        return (
            stat.S_ISREG(info.st_mode)
            and info.st_size <= max_bytes
            and info.st_size == self.size
            and info.st_mtime_ns == self.mtime_ns
            and info.st_ctime_ns == self.ctime_ns
            and info.st_ino == self.inode
            and self.mtime_ns < self.recorded_at - _RACY_NS
        )


class StatIndex:
    """The stat records of the input files below one raw folder, one record file per chunk."""

    def __init__(self, cache_folder: Path, raw_dir: Path) -> None:
        self.folder = cache_folder / "stats"
        # the same relative names below another raw folder are other files
        self._raw = str(raw_dir.resolve()).encode("utf-8", "surrogateescape")

    def path_for(self, names: Sequence[str]) -> Path:
        """The record file of the chunk made of the files ``names`` (relative to the raw folder), in order."""
        digest = hashlib.sha256(MAGIC + self._raw + b"\0")
        for name in names:
            digest.update(name.encode("utf-8", "surrogatepass") + b"\0")
        return self.folder / f"{digest.hexdigest()}.stat"

    def load(self, names: Sequence[str]) -> dict[str, StatRecord]:
        """The records of the chunk ``names``: empty when there are none or they cannot be read."""
        path = self.path_for(names)
        try:
            with path.open("rb") as stream:
                # loading records is using them: pruning deletes record files unused for days
                refresh_use(path, os.fstat(stream.fileno()).st_mtime)
                data = stream.read()
        except OSError:
            return {}
        return decode_records(data)

    def save(self, names: Sequence[str], records: dict[str, StatRecord]) -> bool:
        """Store the records of the chunk ``names`` atomically; False (no error) when that failed."""
        path = self.path_for(names)
        # unique among live processes; a leftover of a killed one is overwritten, never read
        temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(encode_records(records))
            os.replace(temporary, path)
        except OSError:
            # a read-only or full disk only costs the next build some reading
            return False
        return True


def encode_records(records: dict[str, StatRecord]) -> bytes:
    """``MAGIC`` then a JSON list of ``[name, size, mtime, ctime, inode, sha256, recorded_at]``.

    Example: ``encode_records({"a.md": StatRecord(5, 1, 2, 3, "ab…", 9)})``
    → ``MAGIC + b'[["a.md",5,1,2,3,"ab…",9]]'``
    """
    items = [
        [name, item.size, item.mtime_ns, item.ctime_ns, item.inode, item.raw_sha256, item.recorded_at]
        for name, item in records.items()
    ]
    text = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    return MAGIC + text.encode("utf-8", "surrogatepass")


def decode_records(data: bytes) -> dict[str, StatRecord]:
    """The records of a record file; empty when it is damaged, truncated or of another layout."""
    if not data.startswith(MAGIC):
        return {}
    try:
        items = json.loads(data[len(MAGIC):].decode("utf-8", "surrogatepass"))
    except ValueError:
        return {}
    if not isinstance(items, list):
        return {}
    records: dict[str, StatRecord] = {}
    for item in items:
        if type(item) is not list or len(item) != 7:
            return {}
        name, size, mtime_ns, ctime_ns, inode, raw_sha256, recorded_at = item
        # type(...) is int: JSON true/false are bools, which are ints to isinstance
        if not (
            type(name) is str and type(size) is int and type(mtime_ns) is int and type(ctime_ns) is int
            and type(inode) is int and type(recorded_at) is int and type(raw_sha256) is str
            and len(raw_sha256) == 64 and not raw_sha256.strip(_HEX_DIGITS)
        ):
            return {}
        records[name] = StatRecord(size, mtime_ns, ctime_ns, inode, raw_sha256, recorded_at)
    return records
