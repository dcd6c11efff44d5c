"""The build job: raw articles → parsed articles → extractions → validated tables → build folder + card.

Per-article work (read, parse, clean, detect, extract, shape rows) runs in bounded chunks, on a
process pool when ``jobs > 1`` (``builder.workers``); each chunk comes back, in input order, as
Arrow rows, so the output is byte-identical whatever the number of jobs and memory holds the
output tables, not the parsed corpus. Full extraction runs only on articles the cheap detector
flags, and each chunk's rows are cached by the content of its files, the extractor and the code
(``builder.cache``). The workers never load pandas' pandera models: with a pool, the main
process imports them on a thread while the workers run (``BackgroundImport``).
"""

from __future__ import annotations

import dataclasses
import gc
import importlib
import os
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from builder.allocator import ARROW_POOL_VARIABLE
from builder.articles import DEFAULT_MAX_BYTES, discover
from builder.cache import code_fingerprint
from builder.cache.prune import prune_after_build
from builder.collect import TableCollector
from builder.extract import DEFAULT_EXTRACTOR, get_extractor
from builder.models import DuplicateFile, RejectedFile
from builder.out_folder import check_out_folder
from builder.progress import track
from builder.workers import (
    WORK_COUNTS,
    WORKER_STAGES,
    ArticleWork,
    ChunkResult,
    default_jobs,
    process_chunks,
    process_files,
    split_into_chunks,
)

if TYPE_CHECKING:
    from builder import release
    from builder.evaluate import EvaluationReport

__all__ = [
    "STAGES", "ArticleWork", "BackgroundImport", "BuildReport", "build", "build_settings",
    "finish_build", "process_files", "with_cache_pruned",
]

#: stages timed on every build, in pipeline order
STAGES = (*WORKER_STAGES, "tables", "validate", "write", "card")
#: what only the stages after the per-article work need: the pandera models, with pandas and
#: pandera (~0.45 s to import), validation, the release stage and the card (~0.08 s more); the
#: worker processes never import them, and a pool's workers start before they load
LATER_STAGE_MODULES = (
    "schema.models", "builder.validate", "builder.accounting", "builder.release", "builder.card",
)

@dataclass(frozen=True)
class BuildReport:
    """What one build read, published, quarantined and rejected."""

    out_dir: Path
    input_files: int
    articles: int
    rejected: tuple[RejectedFile, ...]
    duplicates: tuple[DuplicateFile, ...]
    #: table → {"extracted": n, "published": n, "quarantined": n}
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    #: stage → seconds: CPU seconds of the threads doing the per-article stages, summed (so they do
    #: not depend on --jobs or on other load), wall seconds in this process for the others
    timings: dict[str, float] = field(default_factory=dict)
    #: ``builder.workers.WORK_COUNTS``: files cached, trusted (not read); articles detected, extracted
    work: dict[str, int] = field(default_factory=dict)
    #: wall seconds of the whole build, from the call to the sealed folder
    seconds: float = 0.0
    #: what pruning the build cache removed (``builder.cache.prune``); empty when it did not run
    cache: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-ready form (``builder build --json``)."""
        return {
            "out_dir": str(self.out_dir),
            "input_files": self.input_files,
            "articles": self.articles,
            "rejected": [
                {"file": item.source_file, "field": item.field, "reason": item.reason}
                for item in self.rejected
            ],
            "duplicates": [
                {"file": item.source_file, "kept": item.kept_file, "reason": item.reason}
                for item in self.duplicates
            ],
            "counts": self.counts,
            "work": self.work,
            "timings": {stage: round(seconds, 3) for stage, seconds in self.timings.items()},
            "seconds": round(self.seconds, 3),
            "cache": self.cache,
        }

    def summary_lines(self) -> list[str]:
        """The plain-text report printed at the end of ``builder build``."""
        lines = [f"rejected {item.line()}" for item in self.rejected]
        lines += [
            f"duplicate {item.source_file}: {item.reason} (kept {item.kept_file})" for item in self.duplicates
        ]
        lines.append(
            f"read {self.input_files} files = {self.articles} articles + {len(self.duplicates)} duplicates"
            f" + {len(self.rejected)} rejected"
        )
        for table, count in self.counts.items():
            lines.append(
                f"{table:<14} {count['published']:>6} published  {count['quarantined']:>4} quarantined"
            )
        quarantined = sum(count["quarantined"] for count in self.counts.values())
        lines.append(f"wrote {self.out_dir} ({quarantined} rows in {self.out_dir / 'quarantine'})")
        return lines


class BackgroundImport:
    """Imports ``modules`` on a thread of its own (``start``), or in the caller (``wait`` alone).

    Start it only once the build's worker processes exist: a process forked while another thread
    holds an import lock inherits the lock held and can hang on its next import.
    """

    def __init__(self, modules: Sequence[str] = LATER_STAGE_MODULES) -> None:
        self.modules = tuple(modules)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        """Start importing on a thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._import, name="import-later-stages", daemon=True)
            self._thread.start()

    def _import(self) -> None:
        try:
            for name in self.modules:
                importlib.import_module(name)
        except BaseException as error:  # raised again by wait(), in the thread that needs the modules
            self._error = error

    def wait(self) -> None:
        """Return once the modules are imported (here, if ``start`` was never called).

        Raises what importing them raised, in this thread.
        """
        if self._thread is None:
            self._import()
        else:
            self._thread.join()
        if self._error is not None:
            raise self._error


def _input_sha256(
    raw_dir: Path, articles: dict[str, str], rejected: Sequence[RejectedFile], unread: Sequence[Path]
) -> dict[str, str | None]:
    """The manifest's input hashes from what the workers already hashed; only unread files are looked at."""
    from builder.release.manifest import input_hashes

    hashes: dict[str, str | None] = dict(articles)
    hashes.update({item.source_file: item.raw_sha256 for item in rejected if item.raw_sha256 is not None})
    hashes.update(input_hashes(raw_dir, unread))
    return hashes


@contextmanager
def arrow_memory_pool() -> Iterator[str]:
    """Use jemalloc for Arrow memory while the block runs, when pyarrow has it and nobody chose a pool.

    Sorting, writing and regrouping the tables allocate fresh buffers; pyarrow's default pool
    (mimalloc) takes them from the system each time. Measured on the 10,000-article bench
    (in-process builds, alternating, 3 each): write 0.34-0.41 → 0.24 s, tables 0.28-0.41 → 0.19 s,
    peak RSS 400 → 345 MiB, same files; a plain ``write_table`` of the same tables is no faster.
    ``ARROW_DEFAULT_MEMORY_POOL`` set in the environment wins; the command line sets it to
    jemalloc before pyarrow loads (``builder.allocator``), so that Arrow's C++ allocations, which
    this pool does not reach, come from jemalloc too. Yields the pool's backend name.
    """
    if os.environ.get(ARROW_POOL_VARIABLE):
        yield pa.default_memory_pool().backend_name
        return
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        yield pa.default_memory_pool().backend_name
        return
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pool)
    try:
        yield pool.backend_name
    finally:
        pa.set_memory_pool(previous)


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    """Keep the objects that exist now out of garbage collection while the block runs (``gc.freeze``).

    They are mostly the imported libraries (pandas, pandera, pyarrow); a full collection during
    the build walked them all to free nothing (0.05-0.06 s in the manifest write of a
    10,000-article build). Objects made in the block are collected as usual. Does nothing when
    someone froze objects already.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def build_settings() -> Iterator[None]:
    """What every build runs inside: ``arrow_memory_pool()`` and ``older_objects_frozen()``."""
    with arrow_memory_pool(), older_objects_frozen():
        yield


def build(
    raw_dir: Path,
    out_dir: Path,
    *,
    extractor_name: str = DEFAULT_EXTRACTOR,
    max_bytes: int = DEFAULT_MAX_BYTES,
    show_progress: bool = False,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    gold_dir: Path | None = None,
) -> BuildReport:
    """Build the dataset from every ``*.md`` below ``raw_dir`` into ``out_dir``.

    Bad files are reported and skipped, bad rows quarantined; the folder is replaced atomically.
    ``jobs`` processes do the per-article work (default: every core); the rows each chunk of
    input files became are cached in ``cache_dir`` (default: no cache; ``builder build`` uses
    ``DEFAULT_CACHE_DIR``). The output depends on neither. With ``gold_dir`` the build is
    scored against those gold files and the figures go into the manifest and the card's Quality.
    Arrow memory comes from jemalloc while it runs (``arrow_memory_pool``), and the objects that
    existed before it are left out of garbage collection (``older_objects_frozen``).
    """
    started = time.perf_counter()
    with build_settings():
        # an --out folder that cannot be replaced, or overlaps --raw, fails now, not after minutes of work
        check_out_folder(Path(out_dir), Path(raw_dir))
        input_files = discover(raw_dir)
        work = ArticleWork(raw_dir, max_bytes, extractor_name, cache_dir)
        if cache_dir is not None:
            code_fingerprint()  # once, before the pool forks: the workers and the pruning share it
        chunks = split_into_chunks(input_files)
        # pandas and pandera load while the pool's workers, which need neither, run the first chunks
        later = BackgroundImport()
        report = finish_build(
            process_chunks(chunks, work, jobs or default_jobs(), pool_started=later.start),
            len(chunks),
            raw_dir=raw_dir,
            out_dir=out_dir,
            input_files=input_files,
            extractor_name=extractor_name,
            show_progress=show_progress,
            gold_dir=gold_dir,
            later=later,
        )
        report = with_cache_pruned(report, work)
    return dataclasses.replace(report, seconds=time.perf_counter() - started)


def with_cache_pruned(report: BuildReport, work: ArticleWork) -> BuildReport:
    """``report`` of a successful build once its cache is pruned, with what was removed in ``cache``.

    Without a cache (``work.cache_dir`` None), ``report`` as it is.
    """
    if work.cache_dir is None:
        return report
    extractor = get_extractor(work.extractor_name)
    removed = prune_after_build(work.cache_dir, extractor.name, extractor.version)
    return dataclasses.replace(report, cache=removed)


def finish_build(
    chunk_results: Iterable[ChunkResult],
    chunk_count: int,
    *,
    raw_dir: Path,
    out_dir: Path,
    input_files: Sequence[Path],
    extractor_name: str,
    show_progress: bool = False,
    gold_dir: Path | None = None,
    later: BackgroundImport | None = None,
    kept: release.KeptFiles | None = None,
    collector: TableCollector | None = None,
) -> BuildReport:
    """The rest of a build once its per-article work is under way: tables, validation, files, card.

    ``chunk_results`` are the chunks of ``split_into_chunks(input_files)`` in input order
    (``process_chunks``, or a resident build's results of unchanged chunks: ``builder.watch``).
    ``later`` imports what the later stages need (default: here, once the chunks are in, before
    any stage is timed). A resident build (``builder.watch``) passes the ``collector`` (default: a
    new ``TableCollector``) and the files it ``kept``; the files written depend on neither.
    Call it inside ``arrow_memory_pool()``.
    """
    extractor = get_extractor(extractor_name)
    timings = dict.fromkeys(STAGES, 0.0)
    counts = dict.fromkeys(WORK_COUNTS, 0)
    collector = collector if collector is not None else TableCollector()
    for chunk in track(chunk_results, chunk_count, "reading and extracting", enabled=show_progress):
        for stage, seconds in chunk.seconds.items():
            timings[stage] += seconds
        for key, value in chunk.work.items():
            counts[key] += value
        started = time.perf_counter()
        collector.add(chunk)
        timings["tables"] += time.perf_counter() - started
    (later or BackgroundImport()).wait()
    from builder import accounting, card, release
    from builder.validate import validate_tables

    if gc.get_freeze_count():  # the modules just imported join the objects collections skip
        gc.freeze()
    rejected = collector.rejected()
    #: input files that could not be read (hashed at the end the way the manifest hashes inputs)
    unread = [input_files[index] for index, item in collector.rejections if item.raw_sha256 is None]
    started = time.perf_counter()
    duplicates = collector.duplicates()
    input_sha256 = collector.input_sha256()
    tables = collector.tables(duplicates)
    articles = tables.tables["articles"].num_rows
    timings["tables"] += time.perf_counter() - started
    accounting.check_inputs(len(input_files), articles, len(duplicates), len(rejected))

    started = time.perf_counter()
    result = validate_tables(tables)
    timings["validate"] = time.perf_counter() - started
    accounting.check_rows(result, articles)
    with release.staged_folder(out_dir) as staging:
        started = time.perf_counter()
        manifest = release.write_build(
            staging,
            result,
            raw_dir=raw_dir,
            input_files=input_files,
            rejected=rejected,
            duplicates=duplicates,
            extractor=(extractor.name, extractor.version),
            input_sha256=_input_sha256(raw_dir, input_sha256, rejected, unread),
            kept=kept,
            sealed_later=True,  # written once, by release.seal below
        )
        timings["write"] = time.perf_counter() - started
        started = time.perf_counter()
        if gold_dir is not None:
            manifest = {**manifest, "quality": card.build_quality(staging, gold_dir)}
        # the card's snippets name the final folder, not the temporary one it is written in
        card.write_card(staging, manifest, location=Path(out_dir).name)
        manifest = release.seal(staging, manifest)
        timings["card"] = time.perf_counter() - started
    return BuildReport(
        out_dir=out_dir,
        input_files=len(input_files),
        articles=articles,
        rejected=tuple(rejected),
        duplicates=tuple(duplicates),
        counts=result.counts(),
        manifest=manifest,
        timings=timings,
        work=counts,
    )


def release_build(
    build_dir: Path,
    releases_dir: Path,
    *,
    raw_dir: Path,
    root: Path | None = None,
    level: str | None = None,
    version: str | None = None,
    notes: str | None = None,
) -> release.ReleaseReport:
    """Promote a checked build into ``releases_dir/X.Y.Z`` with its card ("Changes since X" included).

    Then LATEST, CHANGELOG.md and, when the releases live in ``<root>/data/releases`` (or ``root``
    is given), the root ``dataset_card.md`` and ``.huggingface.yaml`` name the new release.
    Arrow memory comes from jemalloc (``arrow_memory_pool``): reading the build's and the previous
    release's articles at 100,000 articles took 0.8-2.5 s each from pyarrow's default pool
    against 0.4-0.85 s (same tables).
    """
    from builder import card, release

    root = root if root is not None else release.default_root(releases_dir)
    with arrow_memory_pool():
        return release.make_release(
            build_dir,
            releases_dir,
            raw_dir=raw_dir,
            write_card=lambda folder, manifest, changes: card.write_card(folder, manifest, changes=changes),
            write_root_card=(
                (lambda folder, manifest: card.write_root_card(folder, manifest, root))
                if root is not None
                else None
            ),
            level=level,
            version=version,
            notes=notes,
        )


def score_against_gold(
    gold_dir: Path, *, build_dir: Path | None = None, raw_dir: Path | None = None
) -> EvaluationReport:
    """Score a build folder, or the articles of ``raw_dir`` built into a temporary folder, against gold.

    ``raw_dir`` is for evaluation-only sets (``shared/corpus/dev-web``) that must never enter
    ``data/`` or a release: their build is deleted once scored.
    """
    from builder.evaluate import EvaluationReport, evaluate, read_gold, read_prediction, score_prediction

    if raw_dir is None:
        return evaluate(build_dir if build_dir is not None else Path("build"), gold_dir)
    gold = read_gold(gold_dir)
    with tempfile.TemporaryDirectory(prefix="builder-evaluate-") as folder:
        scratch_build = Path(folder) / "build"
        build(raw_dir, scratch_build)
        prediction = read_prediction(scratch_build)
    return score_prediction(prediction, gold, EvaluationReport(gold_dir, raw_dir=raw_dir))
