"""Per-article work of a build: read, parse, clean, detect, extract and shape rows, in parallel.

Files go to workers in chunks; with ``jobs > 1`` a fork-based process pool runs them and the
results come back in input order, so nothing downstream can tell how many workers there were.
A worker hands back each chunk as Arrow rows of the four tables (``ChunkRows``), so the parent
only concatenates. Chunk boundaries depend on file names only (a file closes a chunk when its
name hashes to a multiple of the chunk size), so adding or changing a few files leaves the other
chunks, and their cache entries, as they were.
Everything here shapes an article, its extraction or its rows, so this module is part of the
cache's code fingerprint (``builder.cache``); the orchestration in ``builder.pipeline`` is not.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.abc
import itertools
import multiprocessing
import os
import stat
import sys
import tempfile
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa

from builder.articles import parse_input, read_input
from builder.cache.chunks import ChunkCache, ChunkRows, FileOutcome, read_entry
from builder.cache.stats import StatIndex, StatRecord
from builder.extract import Extractor, get_extractor
from builder.extract.detect import detector_for
from builder.models import Extraction, RejectedFile
from builder.sources import relative_name
from builder.spool import SpooledRows, read_spooled, spool_rows
from builder.tables import TableRows

#: average input files per chunk handed to a worker (small enough to balance, large enough to amortize)
CHUNK_SIZE = 64
#: per-article stages, timed in CPU seconds of the thread doing them (``time.thread_time``): a worker's,
#: or the main process's when it reads a chunk's cache entry, where the import of the later stages
#: runs on another thread and must not count as the cache's time
WORKER_STAGES = ("parse+clean", "cache", "detect", "extract", "rows")
#: what the workers count: files whose rows came from the "cache", files "trusted" by the stat
#: index (not read), articles flagged ("detected") by the cheap detector, "extracted" in full
WORK_COUNTS = ("cached", "trusted", "detected", "extracted")


@dataclass(frozen=True)
class ArticleWork:
    """What a worker needs to turn input files into articles and extractions (picklable)."""

    raw_dir: Path
    max_bytes: int
    extractor_name: str
    #: None: no cache
    cache_dir: Path | None


@dataclass
class ChunkResult:
    """One chunk of files after the per-article stages, and what producing them cost."""

    #: input number of every file in ``rows.files``
    indexes: list[int]
    #: None only on the way back from a pool worker, when ``entry`` holds the rows instead
    rows: ChunkRows | None
    #: (input number, rejection) of the files that could not be read at all (no bytes, no hash)
    unreadable: list[tuple[int, RejectedFile]]
    seconds: dict[str, float]
    work: dict[str, int]
    #: the cache entry holding the rows, read by the main process instead of a pickled copy
    entry: Path | None = None
    #: (source_file, sha256) of the chunk's readable files, to check ``entry`` against
    files: list[tuple[str, str]] | None = None
    #: where a pool worker left the rows in the build's spool (``builder.spool``): ``resolve``
    #: reads them into ``rows`` and deletes the file; None when the rows came another way
    spooled: SpooledRows | None = None


@dataclass
class ReadFiles:
    """The readable files of a chunk, in input order, with their sha256 and, unless trusted, their bytes."""

    indexes: list[int] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    #: (source_file, sha256)
    files: list[tuple[str, str]] = field(default_factory=list)
    #: None for a file the stat index trusted (not read)
    contents: list[bytes | None] = field(default_factory=list)
    unreadable: list[tuple[int, RejectedFile]] = field(default_factory=list)
    #: source_file → the stat record to keep for it
    records: dict[str, StatRecord] = field(default_factory=dict)

    def add(self, index: int, path: Path, source_file: str, raw_sha256: str, content: bytes | None) -> None:
        """One more readable file."""
        self.indexes.append(index)
        self.paths.append(path)
        self.files.append((source_file, raw_sha256))
        self.contents.append(content)


class _ChangedSinceLstat(Exception):
    """A trusted file no longer holds the bytes its stat record hashed (it changed while we ran)."""


def split_into_chunks(paths: Sequence[Path], chunk_size: int = CHUNK_SIZE) -> list[list[tuple[int, Path]]]:
    """``(input number, path)`` pairs in chunks whose ends depend only on the file names.

    A file ends a chunk when the CRC-32 of its name is a multiple of ``chunk_size`` (so chunks
    hold ``chunk_size`` files on average), and no chunk grows past ``4 * chunk_size`` files.

    Example: inserting a file changes the chunk it lands in and no other.
    """
    chunks: list[list[tuple[int, Path]]] = []
    current: list[tuple[int, Path]] = []
    for index, path in enumerate(paths):
        current.append((index, path))
        name = path.name.encode("utf-8", "surrogateescape")
        if zlib.crc32(name) % chunk_size == 0 or len(current) >= 4 * chunk_size:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


class ArticleWorker:
    """Reads, parses, detects and extracts files and shapes their rows; one per process."""

    def __init__(self, work: ArticleWork) -> None:
        self.work = work
        self.extractor: Extractor = get_extractor(work.extractor_name)
        self.might_report_event = detector_for(self.extractor.name)
        self.cache = (
            ChunkCache(work.cache_dir, self.extractor.name, self.extractor.version)
            if work.cache_dir is not None
            else None
        )
        self.stats = StatIndex(work.cache_dir, work.raw_dir) if work.cache_dir is not None else None

    def run(self, chunk: Sequence[tuple[int, Path]], *, by_reference: bool = False) -> ChunkResult:
        """Process ``chunk`` of (input number, path) pairs.

        With a cache, a file the stat index trusts is not read: its sha256 comes from the index,
        and when the whole chunk's entry exists nothing of the chunk is opened. With
        ``by_reference`` (a pool worker), rows that are in a cache entry come back as the entry's
        path: the main process reads the file faster than it unpickles a copy.
        """
        try:
            return self._run(chunk, by_reference, trust=True)
        except _ChangedSinceLstat:
            return self._run(chunk, by_reference, trust=False)

    def _run(self, chunk: Sequence[tuple[int, Path]], by_reference: bool, *, trust: bool) -> ChunkResult:
        seconds = dict.fromkeys(WORKER_STAGES, 0.0)
        work = dict.fromkeys(WORK_COUNTS, 0)
        started = time.thread_time()
        names = [relative_name(path, self.work.raw_dir) for _, path in chunk] if self.stats else []
        known = self.stats.load(names) if self.stats is not None and trust else {}
        loaded = time.thread_time()
        seconds["cache"] += loaded - started
        read = self._read(chunk, names, known, work)
        seconds["parse+clean"] += time.thread_time() - loaded
        indexes, files, unreadable = read.indexes, read.files, read.unreadable
        looked_up = time.thread_time()
        if self.cache is not None and by_reference:
            entry = self.cache.holds(files)
            if entry is not None:
                work["cached"] += len(files)
                self._save_records(names, known, read.records, seconds, looked_up)
                return ChunkResult(indexes, None, unreadable, seconds, work, entry, files)
        elif self.cache is not None:
            rows = self.cache.get(files)
            if rows is not None:
                work["cached"] += len(files)
                self._save_records(names, known, read.records, seconds, looked_up)
                return ChunkResult(indexes, rows, unreadable, seconds, work)
        seconds["cache"] += time.thread_time() - looked_up
        rows, entry = self._rows(read, seconds, work)
        self._save_records(names, known, read.records, seconds, time.thread_time())
        if by_reference and entry is not None:
            return ChunkResult(indexes, None, unreadable, seconds, work, entry, files)
        return ChunkResult(indexes, rows, unreadable, seconds, work)

    def _read(
        self,
        chunk: Sequence[tuple[int, Path]],
        names: list[str],
        known: dict[str, StatRecord],
        work: dict[str, int],
    ) -> ReadFiles:
        """Read and hash the files of ``chunk``, except those ``known`` records still describe."""
        read = ReadFiles()
        # before any lstat: a file modified after it cannot look older than this (racy rule)
        looked_at = time.time_ns()
        for position, (index, path) in enumerate(chunk):
            info = None
            if self.stats is not None:
                try:
                    info = os.lstat(path)
                except OSError:
                    info = None
                record = known.get(names[position])
                if info is not None and record is not None and record.trusts(info, self.work.max_bytes):
                    read.add(index, path, names[position], record.raw_sha256, None)
                    read.records[names[position]] = record
                    work["trusted"] += 1
                    continue
            raw = read_input(path, self.work.raw_dir, self.work.max_bytes)
            if isinstance(raw, RejectedFile):
                read.unreadable.append((index, raw))
                continue
            source_file, content = raw
            raw_sha256 = hashlib.sha256(content).hexdigest()
            read.add(index, path, source_file, raw_sha256, content)
            if info is not None and stat.S_ISREG(info.st_mode):
                read.records[source_file] = StatRecord.of(info, raw_sha256, looked_at)
        return read

    def _save_records(
        self, names: list[str], known: dict[str, StatRecord], records: dict[str, StatRecord],
        seconds: dict[str, float], started: float,
    ) -> None:
        """Write the chunk's stat records when they differ from the ones it started with."""
        if self.stats is not None and records != known:
            self.stats.save(names, records)
        seconds["cache"] += time.thread_time() - started

    def _rows(
        self, read: ReadFiles, seconds: dict[str, float], work: dict[str, int]
    ) -> tuple[ChunkRows, Path | None]:
        """A chunk missing from the cache: files found in other entries are reused, the others processed.

        A file that was trusted without being read is read here if its rows are in no entry.
        Also returns the cache entry the rows were stored in (None: no cache, or not written).
        """
        outcomes: list[FileOutcome] = []
        fresh = TableRows()
        #: id of a source entry → (its rows, {position there: position here})
        reused: dict[int, tuple[ChunkRows, dict[int, int]]] = {}
        for position, (source_file, raw_sha256) in enumerate(read.files):
            content = read.contents[position]
            started = time.thread_time()
            found = self.cache.find(source_file, raw_sha256) if self.cache is not None else None
            seconds["cache"] += time.thread_time() - started
            if found is not None:
                source, source_position = found
                reused.setdefault(id(source), (source, {}))[1][source_position] = position
                outcomes.append(source.files[source_position])
                work["cached"] += 1
                continue
            if content is None:
                content = self._read_trusted(read.paths[position], raw_sha256)
            outcomes.append(self._process(position, source_file, raw_sha256, content, fresh, seconds, work))
        started = time.thread_time()
        tables = fresh.to_arrow()
        positions = {name: pa.array(origins, pa.int32()) for name, origins in fresh.row_origins.items()}
        parts = [ChunkRows((), tables, positions)]
        parts += [source.select(renumbered) for source, renumbered in reused.values()]
        rows = ChunkRows.merge(outcomes, parts)
        seconds["rows"] += time.thread_time() - started
        entry = None
        if self.cache is not None:
            started = time.thread_time()
            entry = self.cache.put(rows)
            seconds["cache"] += time.thread_time() - started
        return rows, entry

    def _read_trusted(self, path: Path, raw_sha256: str) -> bytes:
        """The bytes of a file the stat index trusted; ``_ChangedSinceLstat`` if they are other bytes."""
        raw = read_input(path, self.work.raw_dir, self.work.max_bytes)
        if isinstance(raw, RejectedFile) or hashlib.sha256(raw[1]).hexdigest() != raw_sha256:
            raise _ChangedSinceLstat(str(path))
        return raw[1]

    def _process(
        self,
        position: int,
        source_file: str,
        raw_sha256: str,
        content: bytes,
        rows: TableRows,
        seconds: dict[str, float],
        work: dict[str, int],
    ) -> FileOutcome:
        """Parse, detect and extract one file, adding its rows to ``rows``."""
        started = time.thread_time()
        item = parse_input(source_file, content)
        parsed = time.thread_time()
        seconds["parse+clean"] += parsed - started
        if isinstance(item, RejectedFile):
            return FileOutcome(source_file, raw_sha256, item)
        detected = self.might_report_event(item)
        checked = time.thread_time()
        seconds["detect"] += checked - parsed
        if detected:
            work["detected"] += 1
            work["extracted"] += 1
            extraction = self.extractor.extract(item)
        else:
            # what the extractor reports for an article without events, without running it
            extraction = Extraction(item.article_id, self.extractor.name, self.extractor.version)
        extracted = time.thread_time()
        seconds["extract"] += extracted - checked
        rows.add(item, extraction, origin=position)
        seconds["rows"] += time.thread_time() - extracted
        return FileOutcome(source_file, raw_sha256)


_process_worker: ArticleWorker | None = None
#: where a pool worker leaves the rows of chunks that have no cache entry (None: send them pickled)
_process_spool: Path | None = None
_spooled_chunks = itertools.count()


class _RefusePandas(importlib.abc.MetaPathFinder):
    """An import finder that answers "no such module" for pandas."""

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if fullname == "pandas" or fullname.startswith("pandas."):
            raise ModuleNotFoundError("pandas is not used by a build worker", name=fullname)


def convert_without_pandas() -> None:
    """Settle that pyarrow converts Python values here without pandas, unless pandas is loaded.

    pyarrow looks for pandas the first time it converts a Python list (``Table.from_pylist``) and
    keeps the answer for such conversions. A pool worker shapes rows with plain Arrow schemas and
    never needs pandas, whose import costs ~0.2 s of CPU per process; it used to be imported in the
    parent before the fork, on the build's serial path. Anything that truly needs pandas later
    (``to_pandas``) still imports it: the refusal lasts only for this one conversion.
    """
    if "pandas" in sys.modules:
        return
    refusal = _RefusePandas()
    sys.meta_path.insert(0, refusal)
    try:
        pa.array([""])
    finally:
        sys.meta_path.remove(refusal)


def _start_process_worker(work: ArticleWork, spool: Path | None = None) -> None:
    global _process_worker, _process_spool
    convert_without_pandas()
    _process_worker = ArticleWorker(work)
    _process_spool = spool


def _run_in_process_worker(chunk: Sequence[tuple[int, Path]]) -> ChunkResult:
    assert _process_worker is not None, "the pool initializer sets the worker"
    result = _process_worker.run(chunk, by_reference=True)
    if result.rows is None or _process_spool is None:
        return result
    # a pickled copy goes through a pipe the parent drains between its own work, and a worker
    # waits at a full pipe; a spool file is written at once and read without unpickling the rows
    path = _process_spool / f"{os.getpid()}-{next(_spooled_chunks)}.rows"
    spooled = spool_rows(path, result.rows)
    if spooled is None:
        return result
    return replace(result, rows=None, spooled=spooled)


def resolve(result: ChunkResult, chunk: Sequence[tuple[int, Path]], work: ArticleWork) -> ChunkResult:
    """``result`` with its rows read from its cache entry or spool file (``builder.spool``); the
    chunk is processed again here if the file went missing or was damaged after the worker wrote
    it (someone cleared the cache or the temporary folder). A spool file is deleted once read.
    Reading a cache entry counts as "cache" time; reading a spool file is the pool's hand-over,
    like unpickling, and counts as no stage.
    """
    if result.rows is not None:
        return result
    if result.spooled is not None:
        rows = read_spooled(result.spooled)
        with contextlib.suppress(OSError):
            result.spooled.path.unlink()
        if rows is None:
            return ArticleWorker(replace(work, cache_dir=None)).run(chunk)
        return replace(result, rows=rows)
    if result.entry is None:
        return result
    started = time.thread_time()
    rows = read_entry(result.entry, result.files)
    if rows is None:
        return ArticleWorker(replace(work, cache_dir=None)).run(chunk)
    seconds = {**result.seconds, "cache": result.seconds["cache"] + time.thread_time() - started}
    return replace(result, rows=rows, seconds=seconds, entry=None, files=None)


def _spool_folder(stack: contextlib.ExitStack) -> Path | None:
    """A temporary folder for the pool's spool files, removed when ``stack`` closes; None if the
    temporary folder cannot be written (rows then come back pickled)."""
    try:
        return Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="builder-spool-")))
    except OSError:
        return None


def default_jobs() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def process_files(
    paths: Sequence[Path], work: ArticleWork, jobs: int, chunk_size: int = CHUNK_SIZE
) -> Iterator[ChunkResult]:
    """``process_chunks`` of ``split_into_chunks(paths, chunk_size)``."""
    return process_chunks(split_into_chunks(paths, chunk_size), work, jobs)


def process_chunks(
    chunks: Sequence[Sequence[tuple[int, Path]]],
    work: ArticleWork,
    jobs: int,
    *,
    pool_started: Callable[[], object] | None = None,
) -> Iterator[ChunkResult]:
    """Run the per-article stages on ``chunks`` of (input number, path); they come back in input order.

    With ``jobs > 1`` a process pool works on at most ``4 * jobs`` chunks ahead of the consumer,
    so memory stays bounded however many files there are; rows without a cache entry come back
    through files in a temporary spool folder, each deleted once read. ``pool_started`` is called once the
    pool's processes exist (never without a pool), e.g. to start a thread that must not be
    running while a process is forked.
    """
    if jobs <= 1 or len(chunks) <= 1:
        worker = ArticleWorker(work)
        for chunk in chunks:
            yield worker.run(chunk)
        return
    methods = multiprocessing.get_all_start_methods()
    # fork starts workers instantly with everything imported; elsewhere spawn re-imports
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with contextlib.ExitStack() as stack:
        spool = _spool_folder(stack)
        pool = stack.enter_context(
            ProcessPoolExecutor(
                jobs, mp_context=context, initializer=_start_process_worker, initargs=(work, spool)
            )
        )
        pending: deque[tuple[Sequence[tuple[int, Path]], Future[ChunkResult]]] = deque()
        for number, chunk in enumerate(chunks):
            pending.append((chunk, pool.submit(_run_in_process_worker, chunk)))
            if number == 0 and pool_started is not None:
                # the fork context starts every process at the first submit (spawn starts them as
                # needed, but a spawned process inherits no locks)
                pool_started()
            if len(pending) >= 4 * jobs:
                done, future = pending.popleft()
                yield resolve(future.result(), done, work)
        while pending:
            done, future = pending.popleft()
            yield resolve(future.result(), done, work)
