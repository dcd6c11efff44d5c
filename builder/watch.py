"""A resident build: build once, then rebuild whenever an input changes, reusing what did not.

``builder build`` starts from nothing each time: Python and its imports, looking at every input
and reading every chunk from the cache. ``builder watch`` keeps one process
alive instead. Between builds it knows, for each chunk of input files, keyed by what ``lstat``
says of the chunk's files, where its rows are; a rebuild processes again only the chunks with
a new, changed or removed file, and does the rest of a build (tables, validation, files, card)
as ``builder build`` does, so the build folder is byte-identical to a fresh ``builder build``.
Two things of the previous build are reused on the way, each only where it provably gives
the same result: its sorted tables, from which the rows of unchanged chunks are copied in runs
(``collect.SortedBefore``, the only copy of those rows kept), and the files of its small
tables, written again as they were when the table is exactly the same (``release.KeptFiles``).

Like git's index, a file is taken as unchanged when its size, modification and change times and
inode are; a file modified less than ``RACY_SECONDS`` before it was looked at is read again every
time until it is older (the same timestamp can cover two writes in quick succession). The rule
and its margin are the build cache's stat index's (``builder.cache.stats``), which does the same
across processes with the hashes on disk; this module keeps rows in memory instead.
"""

from __future__ import annotations

import ctypes
import operator
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from builder.cache.stats import RACY_SECONDS
from builder.collect import SortedBefore, TableCollector, is_hollow
from builder.errors import BuilderError
from builder.extract import DEFAULT_EXTRACTOR
from builder.out_folder import check_out_folder
from builder.pipeline import BackgroundImport, BuildReport, build_settings, finish_build, with_cache_pruned
from builder.release import KeptFiles
from builder.sources import DEFAULT_MAX_BYTES, scan_inputs
from builder.wakeups import FolderWakeups
from builder.workers import ArticleWork, ChunkResult, default_jobs, process_chunks, split_into_chunks

__all__ = ["RACY_SECONDS", "FileStamp", "ResidentBuild", "Snapshot", "WatchReport", "pause_after", "watch"]


#: what ``lstat`` says of one input, ``(size, mtime_ns, ctime_ns, inode, mode)``: equal stamps
#: are taken to mean equal content. A plain tuple made by ``attrgetter`` in C: a look makes one
#: per input (at 100,000 inputs a named tuple per input took 0.12-0.26 s of every look).
FileStamp = tuple[int, int, int, int, int]
_stamp_of = operator.attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_mode")
_mtime_of, _mode_of = operator.itemgetter(1), operator.itemgetter(4)
_first, _second = operator.itemgetter(0), operator.itemgetter(1)


@dataclass(frozen=True)
class Snapshot:
    """The inputs below a raw folder and their stamps at one moment."""

    #: relative POSIX names, in ``discover`` order
    names: list[str]
    #: the inputs as ``discover`` gives them
    paths: list[Path]
    #: one per input (None: it vanished while being looked at)
    stamps: list[FileStamp | None]
    #: ``time.time_ns()`` just before the first ``lstat``
    taken_at_ns: int
    #: wall seconds the look took (a rebuild's time includes finding out what changed)
    seconds: float = 0.0

    @classmethod
    def take(cls, raw_dir: Path, previous: Snapshot | None = None) -> Snapshot:
        """Look at every input below ``raw_dir`` (``builder.sources.scan_inputs``).

        The ``Path`` of a name ``previous`` saw is reused rather than made again.
        """
        started = time.perf_counter()
        taken_at_ns = time.time_ns()
        scanned = scan_inputs(raw_dir)
        names = list(map(_first, scanned))
        statuses = list(map(_second, scanned))
        if previous is not None and previous.names == names:
            paths = previous.paths
        else:
            known = dict(zip(previous.names, previous.paths, strict=True)) if previous is not None else {}
            paths = [known.get(name) or Path(raw_dir, name) for name in names]
        if None in statuses:  # a file vanished while being looked at
            stamps = [_stamp_of(status) if status is not None else None for status in statuses]
        else:
            stamps = list(map(_stamp_of, statuses))
        return cls(names, paths, stamps, taken_at_ns, time.perf_counter() - started)

    def same_inputs(self, other: Snapshot | None) -> bool:
        """Whether ``other`` saw the same files with the same stamps (nothing added, removed, changed)."""
        return other is not None and self.stamps == other.stamps and self.names == other.names


class ChunkKey:
    """A chunk's identity: the names and stamps of its files, in order, hashed once.

    A rebuild looks each of its chunks up several times; a tuple of 64 (name, stamp) pairs
    would be hashed again on every lookup (tuples do not keep their hash).
    """

    __slots__ = ("_hash", "names", "stamps")

    def __init__(self, names: tuple[str, ...], stamps: tuple[FileStamp, ...]) -> None:
        self.names = names
        self.stamps = stamps
        self._hash = hash((names, stamps))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ChunkKey)
            and self._hash == other._hash
            and self.stamps == other.stamps
            and self.names == other.names
        )


def _chunk_key(chunk: Sequence[tuple[int, Path]], snapshot: Snapshot) -> ChunkKey | None:
    """The key a chunk's rows are kept under, or None when one of its files is not trusted.

    Example: a chunk holding a file saved a second ago gets no key and is processed again by
    every rebuild until the file is ``RACY_SECONDS`` old.
    """
    newest_trusted = snapshot.taken_at_ns - RACY_SECONDS * 1_000_000_000
    first, end = chunk[0][0], chunk[-1][0] + 1
    if end - first == len(chunk):  # consecutive input numbers (split_into_chunks): slices
        stamps, names = tuple(snapshot.stamps[first:end]), tuple(snapshot.names[first:end])
    else:
        stamps = tuple(snapshot.stamps[index] for index, _ in chunk)
        names = tuple(snapshot.names[index] for index, _ in chunk)
    if None in stamps:
        return None
    # only regular files are trusted: a link's own stamp says nothing of what it points to
    if max(map(_mtime_of, stamps)) > newest_trusted or not all(map(stat.S_ISREG, map(_mode_of, stamps))):
        return None
    return ChunkKey(names, stamps)  # type: ignore[arg-type]


def _shifted(result: ChunkResult, delta: int) -> ChunkResult:
    """``result`` with its input numbers moved by ``delta`` (files were added or removed before it)."""
    if delta == 0:
        return result
    return replace(
        result,
        indexes=[index + delta for index in result.indexes],
        unreadable=[(index + delta, item) for index, item in result.unreadable],
    )


def _as_reused(result: ChunkResult) -> ChunkResult:
    """A chunk taken from memory: no work done, every readable file counted as cached."""
    return replace(
        result,
        seconds=dict.fromkeys(result.seconds, 0.0),
        work={**dict.fromkeys(result.work, 0), "cached": len(result.indexes)},
    )


class ResidentBuild:
    """Builds ``raw_dir`` into ``out_dir`` again and again, keeping the rows of unchanged chunks.

    Every ``build()`` writes the same folder a fresh ``pipeline.build`` with the same options would.
    Between builds it holds the latest sorted tables (about the size of the dataset's Arrow
    tables), the small tables' files and, per chunk, where its rows are in those tables; a
    chunk's own rows only when some of them were dropped (a duplicate file's). A failed build
    forgets the chunks whose rows only the sorted tables held.
    """

    def __init__(
        self,
        raw_dir: Path,
        out_dir: Path,
        *,
        extractor_name: str = DEFAULT_EXTRACTOR,
        max_bytes: int = DEFAULT_MAX_BYTES,
        jobs: int | None = None,
        cache_dir: Path | None = None,
        gold_dir: Path | None = None,
    ) -> None:
        self.raw_dir = Path(raw_dir)
        self.out_dir = Path(out_dir)
        self.extractor_name = extractor_name
        self.work = ArticleWork(self.raw_dir, max_bytes, extractor_name, cache_dir)
        self.jobs = jobs or default_jobs()
        self.gold_dir = gold_dir
        #: chunk key → (its result, the input number of its first file when it was made)
        self._kept: dict[ChunkKey, tuple[ChunkResult, int]] = {}
        #: the look of the latest build (its paths are reused by the next look)
        self._snapshot: Snapshot | None = None
        #: the input list of the latest build and its chunks (``split_into_chunks``)
        self._chunked: tuple[list[Path], list[list[tuple[int, Path]]]] | None = None
        #: the latest build's sorted tables, whose rows of unchanged chunks the next one copies
        self._sorted: SortedBefore | None = None
        #: the small tables' files of the latest build, written again only when they change
        self.kept_files = KeptFiles()

    def build(self, snapshot: Snapshot | None = None, *, show_progress: bool = False) -> BuildReport:
        """One build; only chunks with a new, changed, removed or untrusted file are processed.

        ``snapshot`` is a just-taken ``Snapshot.take(raw_dir)`` (default: take one now).
        """
        if snapshot is None:
            snapshot = Snapshot.take(self.raw_dir, self._snapshot)
        started = time.perf_counter()
        with build_settings():
            check_out_folder(self.out_dir, self.raw_dir)
            input_files = snapshot.paths
            if self._chunked is not None and self._chunked[0] is input_files:
                chunks = self._chunked[1]  # the same files (a look reuses the list): the same chunks
            else:
                chunks = split_into_chunks(input_files)
                self._chunked = (input_files, chunks)
            keys = [_chunk_key(chunk, snapshot) for chunk in chunks]
            # one lookup per chunk: a hit compares its key with the kept one, file by file
            found = [self._kept.get(key) if key is not None else None for key in keys]
            missing = [chunk for chunk, previous in zip(chunks, found, strict=True) if previous is None]
            # the first build loads pandas and pandera while its workers run, as builder build does
            later = BackgroundImport()
            fresh = process_chunks(missing, self.work, self.jobs, pool_started=later.start)
            kept: dict[ChunkKey, tuple[ChunkResult, int]] = {}

            def results() -> Iterator[ChunkResult]:
                for chunk, key, previous in zip(chunks, keys, found, strict=True):
                    first = chunk[0][0]
                    if key is not None and previous is not None:
                        result, was_first = previous
                        yield _as_reused(_shifted(result, first - was_first))
                        kept[key] = previous
                        continue
                    result = next(fresh)
                    if key is not None:
                        kept[key] = (result, first)
                    yield result

            collector = TableCollector(before=self._sorted, remember=True)
            try:
                report = finish_build(
                    results(),
                    len(chunks),
                    raw_dir=self.raw_dir,
                    out_dir=self.out_dir,
                    input_files=input_files,
                    extractor_name=self.extractor_name,
                    show_progress=show_progress,
                    gold_dir=self.gold_dir,
                    later=later,
                    kept=self.kept_files,
                    collector=collector,
                )
            except BaseException:
                # the previous sorted tables may be partly given up by now: the chunks whose rows
                # only they held are processed again next time (from the build cache, if any)
                self._kept = {key: value for key, value in self._kept.items() if not is_hollow(value[0].rows)}
                self._sorted = None
                raise
            report = with_cache_pruned(report, self.work) if self._snapshot is None else report  # first build
            # chunks of removed or changed files are forgotten; the sorted tables now hold every
            # kept chunk's rows, so the chunks' own copies are let go (SortedBefore.hollowed)
            after = collector.after
            if after is not None:
                kept = {
                    key: (replace(result, rows=after.hollowed(result.rows)), first)
                    for key, (result, first) in kept.items()
                }
            self._kept = kept
            self._snapshot = snapshot
            self._sorted = after
        give_back_freed_rows()
        return replace(report, seconds=snapshot.seconds + time.perf_counter() - started)


def give_back_freed_rows() -> None:
    """Hand back to the system the heap memory that held the rows a build let go of.

    The chunks' rows were read into Python bytes, which glibc keeps in its heap once freed;
    nothing else would reuse that memory (Arrow allocates its own), so ``malloc_trim`` returns
    it, where the C library has it. Arrow's pools keep their freed pages: the next rebuild
    reuses them, and handing them back made rebuilds slower (10,000 articles: median 0.476
    against 0.436 s; the pages are faulted in again). With ``SortedBefore.hollowed`` a watch of
    100,000 articles holds 0.9-1.1 GB between builds instead of 1.4-1.5 GB, and peaks at its
    first build's 1,640 MiB instead of 1,909 (10,000 articles: 305-323 MiB instead of 365-393).
    It costs about 10 ms.
    """
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is not None:
        trim(0)


#: an idle watch spends at most about 1 / (1 + LOOK_SHARE) of a core looking at its inputs
LOOK_SHARE = 9


def pause_after(look: Snapshot, interval: float, *, settling: bool = False) -> float:
    """Seconds to wait after ``look``: ``interval``, or ``LOOK_SHARE`` times the look if longer.

    Example: a look at 100,000 inputs that took 0.5 s is followed by 4.5 s of sleep, not 1 s,
    so that watching a large corpus does not keep a core half busy. A look that found a change
    (``settling``) is followed by ``interval`` only: the look that confirms the change comes once
    per change, not once per idle interval, and waiting longer would only delay the build.
    """
    if settling:
        return interval
    return max(interval, LOOK_SHARE * look.seconds)


@dataclass
class WatchReport:
    """How many builds a ``watch`` made and how many failed."""

    builds: int = 0
    failed: int = 0
    #: whether the latest build failed (``builder watch --max-builds`` exits 1 then)
    last_failed: bool = False


def watch(
    raw_dir: Path,
    out_dir: Path,
    *,
    on_build: Callable[[BuildReport], None],
    on_error: Callable[[BuilderError], None],
    interval: float = 1.0,
    max_builds: int | None = None,
    show_progress: bool = False,
    extractor_name: str = DEFAULT_EXTRACTOR,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    gold_dir: Path | None = None,
) -> WatchReport:
    """Build, then rebuild whenever a file below ``raw_dir`` is added, removed or changed.

    Looks at the inputs every ``interval`` seconds, or less often when a look is slow
    (``pause_after``), and at once when the kernel reports a change below ``raw_dir``
    (``FolderWakeups``, Linux); a change is built once the look ``interval`` seconds later agrees
    (a file still being copied in is not built half-written). ``on_build`` gets each report,
    ``on_error`` each failed build (the previous build folder stays as it was and watching goes
    on). Stops after
    ``max_builds`` builds (None: never; Ctrl-C ends it). The other options are
    ``builder.pipeline.build``'s.

    Raises ``BuilderError`` when ``raw_dir`` cannot be looked at (not a folder, unlistable).
    """
    resident = ResidentBuild(
        raw_dir,
        out_dir,
        extractor_name=extractor_name,
        max_bytes=max_bytes,
        jobs=jobs,
        cache_dir=cache_dir,
        gold_dir=gold_dir,
    )
    report = WatchReport()
    built: Snapshot | None = None
    with FolderWakeups(raw_dir) as wakeups:
        while max_builds is None or report.builds < max_builds:
            # changes reported from here on end the next wait; earlier ones this look sees
            wakeups.drain()
            seen = Snapshot.take(raw_dir, built)
            if seen.same_inputs(built):
                wakeups.wait(pause_after(seen, interval))
                continue
            if built is not None:
                time.sleep(pause_after(seen, interval, settling=True))
                settled = Snapshot.take(raw_dir, seen)
                if not settled.same_inputs(seen):  # still being written: look again
                    continue
                seen = settled
            built = seen
            report.builds += 1
            try:
                on_build(resident.build(seen, show_progress=show_progress))
            except BuilderError as error:
                report.failed += 1
                report.last_failed = True
                on_error(error)
            else:
                report.last_failed = False
    return report
