"""Benchmark the build on a synthetic crawl of N articles (see ``bench/generate.py``).

    python bench/run.py --articles 10000 [--jobs 2] [--compare-jobs] [--json results.json]

Prints, for one run on one machine:
- per-core rates of the per-article stages, measured in this process: parse+clean+detect on
  non-event articles, full extraction on event articles;
- two cold builds (``python -m builder build``, empty caches) with per-stage times, peak RSS and
  wall time; the per-article stages report CPU seconds summed over the workers;
- the baseline: ``pyarrow.parquet.write_table`` (default options) of the same published tables,
  three times in the same run, with Arrow's memory from the allocator ``builder`` uses
  (``builder.allocator``), and validation + write (median over every build of the run, and
  the first cold build alone) as a ratio to its median;
- a rebuild with the cache warm and nothing changed, and two after changing 1 article each;
- ``builder release`` of the first cold build (1.0.0), then of the build after the first change
  (a patch: checks, diff with 1.0.0, copy, card), with wall time and peak RSS;
- two rebuilds after changing 1 article each in a running ``builder watch`` (no start-up);
- with ``--compare-jobs``, pairs of cold builds with ``--jobs 1`` and ``--jobs J`` (no cache; two
  pairs unless ``--pairs N``): the speed-up of the faster of each, and each pair's own ratio;
- the start-up floor of a build, the start time of ``builder --help`` and whether importing
  ``builder.cli`` pulls heavy libraries.
Before anything is timed the checkout's modules are compiled to bytecode, as an install does
(``compile_bytecode``), so no build pays for compiling them on a Python that does not write it.
Machines are noisy: noise only adds time, so the wall-time ratios take the faster build of each
kind, and every ratio is measured against a baseline of the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from builder.allocator import ARROW_POOL_VARIABLE, prefer_jemalloc  # noqa: E402

# before pyarrow loads: the per-core rates and the baseline write use the allocator the builds use
prefer_jemalloc()

from bench.generate import generate  # noqa: E402
from builder.cache.stats import RACY_SECONDS  # noqa: E402

#: the packages of this checkout every ``builder`` process imports
PACKAGES = ("builder", "schema")
#: libraries whose import ``builder --help`` must not pay for
HEAVY = ("pandas", "pandera", "datasets", "pyarrow")
#: at most this many articles of each kind go into the per-core rates
SAMPLE = 3000
#: seconds between two changes seen by ``builder watch``: longer than its RACY_SECONDS, so a file
#: changed for one rebuild is trusted again by the next
RACY_WAIT_S = RACY_SECONDS + 0.5


def per_core_rates(corpus: Path) -> dict:
    """Single-process rates: parse+clean+detect of non-event articles, extraction of event articles."""
    from builder.extract import get_extractor
    from builder.extract.detect import might_report_event
    from builder.models import Article

    files = sorted(corpus.rglob("*.md"))
    others = [path for path in files if path.name.endswith("-n.md")][:SAMPLE]
    events = [path for path in files if path.name.endswith("-e.md")][:SAMPLE]
    # one article first: lexicons, patterns and OpenCC load once per process, not per article
    for path in (others[:1] + events[:1]):
        article = _read(path, corpus)
        if isinstance(article, Article):
            might_report_event(article)
            get_extractor().extract(article)
    started = time.process_time()
    flagged = 0
    for path in others:
        article = _read(path, corpus)
        flagged += isinstance(article, Article) and might_report_event(article)
    non_event_seconds = time.process_time() - started
    parsed = [_read(path, corpus) for path in events]
    extractor = get_extractor()
    started = time.process_time()
    found = sum(bool(extractor.extract(article).events) for article in parsed if isinstance(article, Article))
    extract_seconds = time.process_time() - started
    return {
        "non_event_articles": len(others),
        "non_event_flagged_by_detector": flagged,
        "parse_clean_detect_per_s": _rate(len(others), non_event_seconds),
        "event_articles": len(events),
        "event_articles_with_events": found,
        "extraction_per_s": _rate(len(events), extract_seconds),
    }


def run_build(corpus: Path, out: Path, cache: Path | None, jobs: int) -> dict:
    """One ``python -m builder build`` in a child process: wall time, peak RSS, its JSON report."""
    command = [sys.executable, "-m", "builder", "build", "--raw", str(corpus), "--out", str(out), "--json"]
    command += ["--jobs", str(jobs)]
    command += ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"build failed ({done.returncode}):\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout)
    return {
        "wall_s": wall,
        "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        # ru_maxrss of children: the largest single descendant so far (KiB on Linux)
        "peak_rss_mib": after.ru_maxrss / 1024,
        "timings": report.get("timings", {}),
        "work": report.get("work", {}),
        "counts": report.get("counts", {}),
        "articles": report.get("articles"),
    }


def run_release(build: Path, releases: Path, corpus: Path) -> dict:
    """One ``python -m builder release`` of ``build`` into ``releases``: wall time, peak RSS, its report."""
    command = [sys.executable, "-m", "builder", "release", "--build", str(build), "--releases", str(releases)]
    command += ["--raw", str(corpus), "--json"]
    with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO, stdout=output, stderr=errors)
        # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN is the largest child so far)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        errors.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"release failed ({child.returncode}):\n{errors.read().decode()[-3000:]}")
        report = json.loads(output.read().decode())
    return {
        "wall_s": wall,
        "peak_rss_mib": usage.ru_maxrss / 1024,
        "version": report.get("version"),
        "bump": report.get("bump"),
        "reasons": report.get("reasons"),
    }


def baseline_write(build_dir: Path, scratch: Path, repeats: int = 3) -> dict:
    """Time ``pyarrow.parquet.write_table`` (default options) of the build's published tables.

    ``repeats`` times; ``seconds`` is the median.
    """
    import pyarrow.parquet as pq

    tables = {path.parent.name: pq.read_table(path) for path in sorted(build_dir.glob("*/train-*.parquet"))}
    scratch.mkdir(parents=True, exist_ok=True)
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        for name, table in tables.items():
            pq.write_table(table, scratch / f"{name}.parquet")
        runs.append(time.perf_counter() - started)
    return {
        "seconds": statistics.median(runs),
        "runs": runs,
        "rows": {name: table.num_rows for name, table in tables.items()},
    }


def change_one_article(corpus: Path, nth: int = 0) -> Path:
    """Append a sentence to one event article (the ``nth``), as an editor's fix would."""
    files = sorted(corpus.rglob("*-e.md"))
    if len(files) <= nth:  # a tiny corpus: any article will do
        files = sorted(corpus.rglob("*.md"))
    path = files[nth % len(files)]
    with path.open("a", encoding="utf-8") as stream:
        stream.write("\n本文已更新。\n")
    return path


def resident_rebuilds(
    corpus: Path, out: Path, cache: Path, jobs: int, changes: tuple[int, ...] = (2, 3)
) -> dict:
    """``builder watch`` in a child process: its first build, then one rebuild per changed article.

    Each rebuild's ``seconds`` is the build's own wall time as the watch reports it (looking at
    every input, processing the changed chunk, tables, validation, files, card);
    ``latency_s`` runs from the change to the report and adds the watch's looks (two, ``--interval``
    apart). Changes are ``RACY_WAIT_S`` apart so that each rebuild sees one changed file.
    """
    interval = 0.5
    command = [sys.executable, "-m", "builder", "watch", "--raw", str(corpus), "--out", str(out), "--json"]
    command += ["--cache-dir", str(cache), "--jobs", str(jobs), "--interval", str(interval)]

    def next_report(child: subprocess.Popen) -> dict:
        line = child.stdout.readline()
        if not line:
            child.wait(timeout=60)
            raise SystemExit(f"builder watch stopped ({child.returncode}):\n{child.stderr.read()[-3000:]}")
        return json.loads(line)

    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    with subprocess.Popen(command, cwd=REPO, **pipes) as child:
        first = next_report(child)
        rebuilds = []
        for nth in changes:
            time.sleep(RACY_WAIT_S)
            changed_at = time.perf_counter()
            path = change_one_article(corpus, nth)
            report = next_report(child)
            rebuilds.append({
                "file": str(path.relative_to(corpus)),
                "seconds": report["seconds"],
                "latency_s": time.perf_counter() - changed_at,
                "work": report["work"],
                "timings": report["timings"],
            })
        peak_rss_mib = _peak_rss_mib(child.pid)
        # SIGTERM, not Ctrl-C's SIGINT: a bench started in the background ignores SIGINT, and so
        # would its children. The watch is between looks, so stopping it loses nothing.
        child.terminate()
        child.wait(timeout=60)
    return {
        "interval_s": interval,
        "first_build_s": first["seconds"],
        "rebuilds": rebuilds,
        "peak_rss_mib": peak_rss_mib,
    }


def _peak_rss_mib(pid: int) -> float | None:
    """Peak resident memory of a running process (``VmHWM``; None where /proc does not tell)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def help_start(repeats: int = 5) -> dict:
    """Wall time of ``builder --help`` (best, median) and the heavy modules ``import builder.cli`` loads."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "builder", "--help"], cwd=REPO, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    probe = (
        "import sys, builder.cli; "
        f"print(','.join(name for name in {HEAVY!r} if name in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True)
    bare = time.perf_counter() - started
    return {
        "best_s": min(times),
        "median_s": statistics.median(times),
        "bare_python_s": bare,
        "heavy_modules_loaded": loaded.split(",") if loaded else [],
    }


def build_start(repeats: int = 3) -> dict:
    """Wall time to start Python and import what every build imports (the floor of any rebuild)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        command = [sys.executable, "-c", "import builder.pipeline"]
        subprocess.run(command, cwd=REPO, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return {"best_s": min(times), "median_s": statistics.median(times)}


def compile_bytecode() -> dict:
    """Compile this checkout's modules into their ``__pycache__`` folders, as installing it would.

    Python writes a module's bytecode at its first import unless told not to
    (``PYTHONDONTWRITEBYTECODE``, set on this bench's machine); then every build process compiled
    the checkout's ~80 modules from source, about 0.1 s of CPU per start (a new-process rebuild
    took 1.78-1.97 s against 1.63-1.79 s with bytecode), which an installed ``builder`` never pays.
    Bytecode that exists is read whatever that setting says. Returns what was done, for the
    machine facts of the run.
    """
    import compileall

    compiled = all(compileall.compile_dir(REPO / name, quiet=1) for name in PACKAGES)
    return {"python_writes_bytecode": not sys.flags.dont_write_bytecode, "compiled_ahead": compiled}


def machine() -> dict:
    """The facts that make figures comparable."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    libraries = {}
    for name in ("pyarrow", "pandas", "pandera", "datasets", "pyyaml", "typer", "opencc"):
        try:
            libraries[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libraries[name] = "not installed"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": libraries,
        # what ``builder.allocator`` chose for this process and the builds (None: Arrow's default)
        "arrow_memory_pool": os.environ.get(ARROW_POOL_VARIABLE),
    }


def run(
    articles: int, jobs: int, *, seed: int = 0, compare_jobs: bool = False, pairs: int = 2, work_dir: Path
) -> dict:
    """Every measurement of the module docstring; returns them as a dict."""
    corpus_dir = work_dir / "corpus"
    started = time.perf_counter()
    corpus = generate(articles, corpus_dir, seed=seed)
    results: dict = {
        "articles": articles,
        "jobs": jobs,
        # compiled before anything is timed, and recorded with the machine's facts
        "machine": {**machine(), "bytecode": compile_bytecode()},
        "corpus": {
            "files": corpus.files,
            "event_files": corpus.event_files,
            "generate_s": time.perf_counter() - started,
            "sources_by": corpus.classified_by,
        },
    }
    results["per_core"] = per_core_rates(corpus_dir)
    cache = work_dir / "cache"
    # every timed build twice (or in two pairs): noise on a shared machine only ever adds time,
    # so the ratios take the faster of each
    cold = run_build(corpus_dir, work_dir / "build-cold", cache, jobs)
    results["cold"] = cold
    results["cold_repeat"] = run_build(corpus_dir, work_dir / "build-cold-2", work_dir / "cache-2", jobs)
    cold_wall = min(cold["wall_s"], results["cold_repeat"]["wall_s"])
    baseline = baseline_write(work_dir / "build-cold", work_dir / "baseline")
    results["baseline_write"] = baseline
    results["warm_unchanged"] = run_build(corpus_dir, work_dir / "build-warm", cache, jobs)
    releases = work_dir / "releases"
    results["release_first"] = run_release(work_dir / "build-cold", releases, corpus_dir)
    results["changed_file"] = str(change_one_article(corpus_dir, 0).relative_to(corpus_dir))
    results["warm_one_changed"] = run_build(corpus_dir, work_dir / "build-changed", cache, jobs)
    # the maintainer's loop after a fix: rebuild, then release the patch
    results["release_patch"] = run_release(work_dir / "build-changed", releases, corpus_dir)
    results["changed_file_repeat"] = str(change_one_article(corpus_dir, 1).relative_to(corpus_dir))
    results["warm_one_changed_repeat"] = run_build(corpus_dir, work_dir / "build-changed-2", cache, jobs)
    changed_wall = min(results["warm_one_changed"]["wall_s"], results["warm_one_changed_repeat"]["wall_s"])
    results["rebuild_ratio"] = changed_wall / cold_wall
    results["resident"] = resident_rebuilds(corpus_dir, work_dir / "build-watch", cache, jobs)
    results["resident_rebuild_ratio"] = (
        min(item["seconds"] for item in results["resident"]["rebuilds"]) / cold_wall
    )
    builds = [results[key] for key in ("cold", "cold_repeat", "warm_unchanged", "warm_one_changed")]
    if compare_jobs:
        compared = []
        for repeat in range(max(1, pairs)):
            suffix = "" if repeat == 0 else f"-{repeat + 1}"
            single = run_build(corpus_dir, work_dir / f"build-jobs1{suffix}", None, 1)
            many = run_build(corpus_dir, work_dir / f"build-jobs{jobs}{suffix}", None, jobs)
            compared.append((single, many))
        results["jobs_1"], results[f"jobs_{jobs}"] = compared[0]
        results["jobs_pairs_wall_s"] = [[single["wall_s"], many["wall_s"]] for single, many in compared]
        results["jobs_speedup"] = min(single["wall_s"] for single, _ in compared) / min(
            many["wall_s"] for _, many in compared
        )
        # the builds of one pair run back to back, so each pair's ratio sees the same machine
        results["jobs_pair_ratios"] = [single["wall_s"] / many["wall_s"] for single, many in compared]
        results["jobs_identical"] = _same_tables(work_dir / "build-jobs1", work_dir / f"build-jobs{jobs}")
        builds += [build for pair in compared for build in pair]
    # validation + write of every build in this run (same tables each time) against the median baseline
    validate_write = [build["timings"]["validate"] + build["timings"]["write"] for build in builds]
    results["validate_write_s"] = validate_write
    seconds = baseline["seconds"]
    results["validate_write_ratio"] = statistics.median(validate_write) / seconds if seconds else None
    results["validate_write_ratio_cold"] = validate_write[0] / seconds if seconds else None
    results["help"] = help_start()
    results["build_start"] = build_start()
    return results


def _same_tables(left: Path, right: Path) -> bool:
    names = sorted(path.relative_to(left) for path in left.rglob("*.parquet"))
    return names == sorted(path.relative_to(right) for path in right.rglob("*.parquet")) and all(
        (left / name).read_bytes() == (right / name).read_bytes() for name in names
    )


def _read(path: Path, corpus: Path) -> object:
    from builder.articles import parse_input, read_input

    item = read_input(path, corpus)
    return parse_input(*item) if isinstance(item, tuple) else item


def _rate(count: int, seconds: float) -> float | None:
    return count / seconds if seconds > 0 else None


def _bytecode_text(bytecode: dict) -> str:
    how = "compiled ahead" if bytecode["compiled_ahead"] else "not compiled (compileall failed)"
    return how if bytecode["python_writes_bytecode"] else f"{how} (this Python does not write it)"


def print_results(results: dict) -> None:
    """The human-readable summary."""
    facts = results["machine"]
    print(
        f"machine: {facts['nproc']} cores, {facts['memory_gib']} GiB, Python {facts['python']}, "
        f"load {', '.join(f'{value:.2f}' for value in facts['load_average'])}; {facts['date']}; "
        f"Arrow memory: {facts.get('arrow_memory_pool') or 'default pool'}; "
        f"bytecode: {_bytecode_text(facts['bytecode'])}"
    )
    corpus = results["corpus"]
    print(
        f"corpus: {corpus['files']} articles, {corpus['event_files']} event articles "
        f"(sources told apart by {corpus['sources_by']})"
    )
    per_core = results["per_core"]
    print(
        f"per core: parse+clean+detect {per_core['parse_clean_detect_per_s']:.0f} non-event articles/s "
        f"({per_core['non_event_flagged_by_detector']}/{per_core['non_event_articles']} flagged); "
        f"extraction {_fmt(per_core['extraction_per_s'])} event articles/s"
    )
    cold = results["cold"]
    files = results["articles"]
    print(
        f"cold build, --jobs {results['jobs']}: {cold['wall_s']:.2f} s wall, "
        f"peak RSS {cold['peak_rss_mib']:.0f} MiB"
    )
    work = cold["work"]
    for stage, seconds in cold["timings"].items():
        count = {"detect": files, "extract": work.get("detected", 0)}.get(stage, files)
        print(f"  {stage:<12} {seconds:8.2f} s  {_fmt(_rate(count, seconds)):>9} articles/s")
    baseline = results["baseline_write"]
    print(
        f"baseline pyarrow write_table: median {baseline['seconds']:.3f} s of "
        f"{', '.join(f'{value:.3f}' for value in baseline.get('runs', [baseline['seconds']]))}; "
        f"validation + write: median of {len(results['validate_write_s'])} builds "
        f"{statistics.median(results['validate_write_s']):.3f} s = "
        f"{_fmt(results['validate_write_ratio'], '.2f')}x baseline "
        f"(cold build alone {_fmt(results['validate_write_ratio_cold'], '.2f')}x)"
    )
    print(f"cold builds: {results['cold']['wall_s']:.2f} s, {results['cold_repeat']['wall_s']:.2f} s")
    print(f"rebuild, nothing changed: {results['warm_unchanged']['wall_s']:.2f} s")
    if "build_start" in results:
        print(
            f"of which starting Python and importing the build's libraries: best "
            f"{results['build_start']['best_s']:.2f} s"
        )
    print(
        f"rebuild, 1 article changed: {results['warm_one_changed']['wall_s']:.2f} s, "
        f"{results['warm_one_changed_repeat']['wall_s']:.2f} s; faster one "
        f"= {results['rebuild_ratio']:.1%} of the faster cold build"
    )
    if "release_patch" in results:
        first, patch = results["release_first"], results["release_patch"]
        print(
            f"builder release: first ({first['version']}) {first['wall_s']:.2f} s; after 1 article changed "
            f"({patch['version']}, {patch['bump']}) {patch['wall_s']:.2f} s = "
            f"{patch['wall_s'] / min(results['cold']['wall_s'], results['cold_repeat']['wall_s']):.1%} "
            f"of the faster cold build; peak RSS {first['peak_rss_mib']:.0f}, {patch['peak_rss_mib']:.0f} MiB"
        )
    resident = results.get("resident")
    if resident:
        rebuilds = resident["rebuilds"]
        print(
            f"rebuild in a running builder watch, 1 article changed: "
            f"{', '.join(format(item['seconds'], '.2f') for item in rebuilds)} s (change to report: "
            f"{', '.join(format(item['latency_s'], '.2f') for item in rebuilds)} s with --interval "
            f"{resident['interval_s']}); faster one = {results['resident_rebuild_ratio']:.1%} of the faster "
            f"cold build; peak RSS of the watch {_fmt(resident['peak_rss_mib'])} MiB"
        )
    if "jobs_speedup" in results:
        walls = results["jobs_pairs_wall_s"]
        pairs = "; ".join(f"{single:.2f} / {many:.2f} s" for single, many in walls)
        ratios = results["jobs_pair_ratios"]
        print(
            f"--jobs 1 / --jobs {results['jobs']} ({len(walls)} pairs): {pairs}; speed-up of the faster of "
            f"each {results['jobs_speedup']:.2f}x (pairs {min(ratios):.2f}-{max(ratios):.2f}x, median "
            f"{statistics.median(ratios):.2f}x); identical output: {results['jobs_identical']}"
        )
    start = results["help"]
    print(
        f"builder --help: best {start['best_s']:.3f} s, median {start['median_s']:.3f} s "
        f"(bare python {start['bare_python_s']:.3f} s); heavy modules on import: "
        f"{', '.join(start['heavy_modules_loaded']) or 'none'}"
    )


def _fmt(value: float | None, spec: str = ".0f") -> str:
    return "n/a" if value is None else format(value, spec)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark the build on a synthetic crawl.")
    parser.add_argument("--articles", type=int, required=True, help="number of articles to generate")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compare-jobs", action="store_true", help="also build with --jobs 1 and compare")
    parser.add_argument(
        "--pairs", type=int, default=2, help="pairs of --jobs 1 and --jobs J builds with --compare-jobs"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    options = parser.parse_args(argv)
    work_dir = options.keep or Path(tempfile.mkdtemp(prefix="builder-bench-"))
    try:
        results = run(
            options.articles,
            options.jobs,
            seed=options.seed,
            compare_jobs=options.compare_jobs,
            pairs=options.pairs,
            work_dir=work_dir,
        )
    finally:
        if options.keep is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    print_results(results)
    if options.json:
        options.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
