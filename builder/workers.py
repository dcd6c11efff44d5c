"""Per-article work of a build: read, parse, clean, detect and extract input files, in parallel.

Files go to workers in chunks; with ``jobs > 1`` a fork-based process pool runs them and the
results come back in input order, so nothing downstream can tell how many workers there were.
Everything here shapes an article or its extraction, so this module is part of the article
cache's code fingerprint (``builder.cache``); the orchestration in ``builder.pipeline`` is not.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from builder.articles import parse_input, read_input
from builder.cache import ArticleCache
from builder.extract import Extractor, get_extractor
from builder.extract.detect import detector_for
from builder.models import Article, Extraction, RejectedFile

#: input files per task handed to a worker (small enough to balance, large enough to amortize)
CHUNK_SIZE = 64


@dataclass(frozen=True)
class ArticleWork:
    """What a worker needs to turn input files into articles and extractions (picklable)."""

    raw_dir: Path
    max_bytes: int
    extractor_name: str
    #: None: no cache
    cache_dir: Path | None


@dataclass(frozen=True)
class FileResult:
    """One input file after the per-article stages."""

    index: int
    item: Article | RejectedFile
    #: None for a rejected file
    extraction: Extraction | None = None


@dataclass
class ChunkResult:
    """The results of one chunk of files, in input order, and what producing them cost."""

    files: list[FileResult]
    seconds: dict[str, float]
    work: dict[str, int]


class ArticleWorker:
    """Reads, parses, detects and extracts files; one per process."""

    def __init__(self, work: ArticleWork) -> None:
        self.work = work
        self.extractor: Extractor = get_extractor(work.extractor_name)
        self.might_report_event = detector_for(self.extractor.name)
        self.cache = (
            ArticleCache(work.cache_dir, self.extractor.name, self.extractor.version)
            if work.cache_dir is not None
            else None
        )

    def run(self, chunk: Sequence[tuple[int, Path]]) -> ChunkResult:
        """Process ``chunk`` of (input number, path) pairs."""
        seconds = dict.fromkeys(("parse+clean", "detect", "extract", "cache"), 0.0)
        work = dict.fromkeys(("cached", "detected", "extracted"), 0)
        files = []
        for index, path in chunk:
            started = time.process_time()
            raw = read_input(path, self.work.raw_dir, self.work.max_bytes)
            if isinstance(raw, RejectedFile):
                seconds["parse+clean"] += time.process_time() - started
                files.append(FileResult(index, raw))
                continue
            source_file, content = raw
            if self.cache is not None:
                hit = self.cache.get(source_file, content)
                seconds["cache"] += time.process_time() - started
                if hit is not None:
                    work["cached"] += 1
                    files.append(FileResult(index, *hit))
                    continue
            files.append(self._parse_and_extract(index, source_file, content, seconds, work))
        return ChunkResult(files, seconds, work)

    def _parse_and_extract(
        self, index: int, source_file: str, content: bytes, seconds: dict[str, float], work: dict[str, int]
    ) -> FileResult:
        started = time.process_time()
        item = parse_input(source_file, content)
        parsed = time.process_time()
        seconds["parse+clean"] += parsed - started
        if isinstance(item, RejectedFile):
            return FileResult(index, item)
        detected = self.might_report_event(item)
        checked = time.process_time()
        seconds["detect"] += checked - parsed
        if detected:
            work["detected"] += 1
            work["extracted"] += 1
            extraction = self.extractor.extract(item)
        else:
            # what the extractor reports for an article without events, without running it
            extraction = Extraction(item.article_id, self.extractor.name, self.extractor.version)
        extracted = time.process_time()
        seconds["extract"] += extracted - checked
        if self.cache is not None:
            self.cache.put(content, item, extraction)
            seconds["cache"] += time.process_time() - extracted
        return FileResult(index, item, extraction)


_process_worker: ArticleWorker | None = None


def _start_process_worker(work: ArticleWork) -> None:
    global _process_worker
    _process_worker = ArticleWorker(work)


def _run_in_process_worker(chunk: Sequence[tuple[int, Path]]) -> ChunkResult:
    assert _process_worker is not None, "the pool initializer sets the worker"
    return _process_worker.run(chunk)


def default_jobs() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def process_files(
    paths: Sequence[Path], work: ArticleWork, jobs: int, chunk_size: int = CHUNK_SIZE
) -> Iterator[ChunkResult]:
    """Run the per-article stages on ``paths``; chunks come back in input order.

    With ``jobs > 1`` a process pool works on at most ``4 * jobs`` chunks ahead of the consumer,
    so memory stays bounded however many files there are.
    """
    numbered = list(enumerate(paths))
    chunks = [numbered[start : start + chunk_size] for start in range(0, len(numbered), chunk_size)]
    if jobs <= 1 or len(chunks) <= 1:
        worker = ArticleWorker(work)
        for chunk in chunks:
            yield worker.run(chunk)
        return
    methods = multiprocessing.get_all_start_methods()
    # fork starts workers instantly with everything imported; elsewhere spawn re-imports
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_start_process_worker, initargs=(work,)
    ) as pool:
        pending: deque[Future[ChunkResult]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_run_in_process_worker, chunk))
            if len(pending) >= 4 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
