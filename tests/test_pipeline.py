"""The build pipeline: streamed, parallel and cached builds give exactly the tables of a plain one.

Also: the cheap event detector never turns away an article the full extractor finds an event in.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.articles import DEFAULT_MAX_BYTES, discover, find_duplicates, read_articles
from builder.collect import TableCollector
from builder.extract import get_extractor, mentions
from builder.extract.detect import (
    LATIN_REPORT_VERBS,
    detector_for,
    has_event_word,
    may_name_latin_event,
    might_report_event,
)
from builder.models import Article, DuplicateFile
from builder.pipeline import STAGES, ArticleWork, build, process_files
from builder.release.manifest import input_hashes
from builder.tables import build_tables
from builder.workers import split_into_chunks

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "data" / "gold"
#: the evaluation-only dev-web set lives in shared/ beside the clone or beside the worktrees' parent
DEV_WEB = next(
    (
        base / "shared" / "corpus" / "dev-web"
        for base in ROOT.parents
        if (base / "shared" / "corpus" / "dev-web" / "articles").is_dir()
    ),
    None,
)
needs_dev_web = pytest.mark.skipif(
    DEV_WEB is None, reason="shared/corpus/dev-web is not in a shared/ folder beside the repository"
)


def plain_tables(raw_dir: Path):
    """The tables of the simplest possible build: read everything, extract everything."""
    items = list(read_articles(raw_dir))
    articles = [item for item in items if isinstance(item, Article)]
    extractor = get_extractor()
    duplicates = [item for item in items if isinstance(item, DuplicateFile)]
    return build_tables(articles, [extractor.extract(article) for article in articles]), duplicates


def streamed_tables(raw_dir: Path, *, jobs: int, cache_dir: Path | None, chunk_size: int):
    """The pipeline's per-article stages and table collection, with small chunks."""
    collector = TableCollector()
    work = ArticleWork(raw_dir, DEFAULT_MAX_BYTES, "rules", cache_dir)
    counts: dict[str, int] = {}
    for chunk in process_files(discover(raw_dir), work, jobs, chunk_size=chunk_size):
        for key, value in chunk.work.items():
            counts[key] = counts.get(key, 0) + value
        collector.add(chunk)
    duplicates = collector.duplicates()
    # the build looks only at articles that share bytes or a URL; that must find what a full look finds
    assert duplicates == sorted(find_duplicates(collector.articles()), key=lambda item: item.source_file)
    return collector.tables(duplicates), duplicates, counts


def assert_same_tables(left, right) -> None:
    assert left.source_files == right.source_files
    for name, table in right.tables.items():
        assert left.tables[name].schema == table.schema, name
        assert left.tables[name].equals(table), name


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_tables_equal_a_plain_build_cold_and_warm(tmp_path, jobs):
    expected, _ = plain_tables(RAW)
    cache = tmp_path / "cache"
    cold, _, cold_counts = streamed_tables(RAW, jobs=jobs, cache_dir=cache, chunk_size=3)
    assert_same_tables(cold, expected)
    assert cold_counts["cached"] == 0
    warm, _, warm_counts = streamed_tables(RAW, jobs=jobs, cache_dir=cache, chunk_size=4)
    assert_same_tables(warm, expected)
    # other chunk sizes, other stat records: whether files were trusted depends on the chunking
    warm_counts.pop("trusted")
    assert warm_counts == {"cached": len(discover(RAW)), "detected": 0, "extracted": 0}


def test_duplicates_are_dropped_as_a_plain_build_drops_them(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    seed = (raw / "cnis-2024-12-10-seed.md").read_text(encoding="utf-8")
    # a byte-identical copy, and a later fetch of the same URL that replaces the original
    (raw / "zz-copy.md").write_text(seed, encoding="utf-8")
    (raw / "aa-refetch.md").write_text(
        seed.replace("fetch_date: 2025-10-06T19:40:10.489119", "fetch_date: 2025-10-07T08:00:00")
        .replace("中国信息安全\n", "中国信息安全（重抓）\n", 1),
        encoding="utf-8",
    )
    expected, expected_duplicates = plain_tables(raw)
    tables, duplicates, _ = streamed_tables(raw, jobs=2, cache_dir=None, chunk_size=5)
    assert_same_tables(tables, expected)
    assert sorted(duplicates, key=lambda item: item.source_file) == sorted(
        expected_duplicates, key=lambda item: item.source_file
    )
    assert {item.source_file for item in duplicates} == {"zz-copy.md", "cnis-2024-12-10-seed.md"}
    assert tables.source_files[expected.tables["articles"]["article_id"][0].as_py()]


def test_one_changed_file_is_the_only_one_parsed_again(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cache = tmp_path / "cache"
    streamed_tables(raw, jobs=1, cache_dir=cache, chunk_size=8)
    with (raw / "cnis-2024-12-10-seed.md").open("a", encoding="utf-8") as stream:
        stream.write("\n本文已更新。\n")
    tables, _, counts = streamed_tables(raw, jobs=1, cache_dir=cache, chunk_size=8)
    counts.pop("trusted")  # tests/test_cache_stats.py counts what the stat index trusts
    assert counts == {"cached": len(discover(raw)) - 1, "detected": 1, "extracted": 1}
    expected, _ = plain_tables(raw)
    assert_same_tables(tables, expected)


def corpus_articles() -> list[tuple[str, Article]]:
    folders = [RAW] + ([DEV_WEB / "articles"] if DEV_WEB is not None else [])
    found = []
    for folder in folders:
        for item in read_articles(folder):
            if isinstance(item, Article):
                found.append((f"{folder.name}/{item.source_file}", item))
    return found


def test_the_detector_passes_every_article_the_extractor_finds_an_event_in():
    extractor = get_extractor()
    missed = [
        name
        for name, article in corpus_articles()
        if extractor.extract(article).events and not might_report_event(article)
    ]
    assert missed == []


@pytest.mark.parametrize(
    ("gold_dir", "raw_dir"),
    [
        pytest.param(GOLD, RAW, id="data"),
        pytest.param(
            DEV_WEB / "gold" if DEV_WEB else None,
            DEV_WEB / "articles" if DEV_WEB else None,
            id="dev-web",
            marks=needs_dev_web,
        ),
    ],
)
def test_the_detector_passes_every_gold_event_article(gold_dir, raw_dir):
    with_events = {stem for stem, has_events in gold_kinds(gold_dir).items() if has_events}
    articles = articles_by_stem(raw_dir)
    assert with_events and with_events <= set(articles)
    assert [stem for stem in sorted(with_events) if not might_report_event(articles[stem])] == []


def test_the_detector_turns_away_some_articles_without_events():
    articles = articles_by_stem(RAW)
    without_events = [stem for stem, has_events in gold_kinds(GOLD).items() if not has_events]
    turned_away = [stem for stem in without_events if not might_report_event(articles[stem])]
    assert len(turned_away) >= 3, turned_away


def gold_kinds(gold_dir: Path) -> dict[str, bool]:
    """Gold file stem → whether it lists any event."""
    return {
        path.stem: bool(json.loads(path.read_text(encoding="utf-8")).get("events"))
        for path in gold_dir.glob("*.json")
    }


def articles_by_stem(raw_dir: Path) -> dict[str, Article]:
    return {Path(item.source_file).stem: item for item in read_articles(raw_dir) if isinstance(item, Article)}


def test_event_words_are_found_in_simplified_and_traditional_text():
    assert has_event_word("第八届峰会网络安全国际合作专题论坛在京举办")
    assert has_event_word("第二屆湖北網路安全宣傳周在武漢大學啟動")
    assert has_event_word("國際網絡安全論壇")
    assert not has_event_word("微软发布紧急安全补丁，修复Windows系统漏洞。")


def test_english_names_need_a_capital_letter_and_a_reporting_verb():
    assert may_name_latin_event("2024年8月3日至8日，Black Hat USA 2024在美国拉斯维加斯举行。")
    assert may_name_latin_event("DEF CON 32於拉斯維加斯舉辦")
    assert not may_name_latin_event("会议在北京举行。")
    assert not may_name_latin_event("Black Hat USA 2024 发布了议程。")


def test_the_reporting_verbs_are_those_of_the_english_name_rule():
    """The detector's verbs must cover the verb group of the rule that reads English event names."""
    group = re.search(r"\(\?P<verb>([^)]*)\)", mentions._LATIN_REPORT.pattern)
    assert group is not None
    assert set(group[1].split("|")) <= set(LATIN_REPORT_VERBS)


def test_only_the_rule_extractor_gets_the_event_word_check():
    assert detector_for("rules") is might_report_event
    other = detector_for("a-model")
    assert all(other(article) for _, article in corpus_articles())


def build_files(folder: Path) -> dict[str, bytes]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files}


def test_builds_are_byte_identical_whatever_jobs_and_cache(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cache = tmp_path / "cache"
    # the card names the build folder, so every build goes to a folder called "build"
    plain = build(raw, tmp_path / "plain" / "build", jobs=1, cache_dir=None)
    cold = build(raw, tmp_path / "cold" / "build", jobs=2, cache_dir=cache)
    warm = build(raw, tmp_path / "warm" / "build", jobs=2, cache_dir=cache)
    expected = build_files(tmp_path / "plain" / "build")
    assert build_files(tmp_path / "cold" / "build") == expected
    assert build_files(tmp_path / "warm" / "build") == expected
    assert plain.work["cached"] == 0 and cold.work["cached"] == 0
    warm.work.pop("trusted")  # tests/test_cache_stats.py counts what the stat index trusts
    assert warm.work == {"cached": len(discover(raw)), "detected": 0, "extracted": 0}
    assert set(plain.timings) == set(STAGES)


def test_the_manifest_hashes_inputs_as_a_fresh_read_would_even_on_hostile_inputs(tmp_path):
    """The build hands the hashes its workers computed to the manifest instead of reading every file again."""
    from tests.hostile_corpus import write_hostile_corpus

    raw, outside = tmp_path / "raw", tmp_path / "outside"
    raw.mkdir()
    outside.mkdir()
    write_hostile_corpus(raw, outside)
    for path in list(RAW.glob("*.md"))[:3]:
        shutil.copy(path, raw / path.name)
    report = build(raw, tmp_path / "out" / "build", jobs=2, cache_dir=tmp_path / "cache")
    assert report.manifest["inputs"] == input_hashes(raw, discover(raw))
    assert any(value is None for value in report.manifest["inputs"].values())


file_names = st.lists(
    st.text(alphabet="abcdefgh-0123456789", min_size=1, max_size=8), unique=True, max_size=60
)


@settings(max_examples=60, deadline=None)
@given(file_names, st.integers(1, 6), st.data())
def test_chunks_cover_every_file_once_and_an_insertion_changes_only_its_own_chunk(names, chunk_size, data):
    paths = sorted(Path(f"{name}.md") for name in names)
    chunks = split_into_chunks(paths, chunk_size)
    assert [pair for chunk in chunks for pair in chunk] == list(enumerate(paths))
    assert all(0 < len(chunk) <= 4 * chunk_size for chunk in chunks)
    new = Path(data.draw(st.text(alphabet="ijklmn", min_size=1, max_size=6)) + ".md")
    grown = split_into_chunks(sorted([*paths, new]), chunk_size)
    before = {tuple(path for _, path in chunk) for chunk in chunks}
    after = {tuple(path for _, path in chunk) for chunk in grown}
    # the chunk the new file lands in changes (split in two if the new name ends a chunk); past
    # the size cap the chunks after it may shift too
    changed = [chunk for chunk in after if chunk not in before]
    assert any(new in chunk for chunk in changed)
    if all(len(chunk) < 4 * chunk_size for chunk in grown):
        assert len(changed) <= 2
        assert len([chunk for chunk in before if chunk not in after]) <= 1


def test_the_build_leaves_the_memory_pool_as_it_found_it_and_its_files_do_not_depend_on_it(tmp_path):
    import os
    import subprocess
    import sys

    import pyarrow as pa

    before = pa.default_memory_pool().backend_name
    build(RAW, tmp_path / "default" / "build", jobs=1)
    assert pa.default_memory_pool().backend_name == before
    # a pool chosen in the environment wins; the files are the same with the system allocator
    out = tmp_path / "system" / "build"
    command = [sys.executable, "-m", "builder", "build", "--raw", str(RAW), "--out", str(out), "--no-cache"]
    environment = {**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "system"}
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert build_files(tmp_path / "system" / "build") == build_files(tmp_path / "default" / "build")


def test_the_memory_pool_is_jemalloc_inside_a_build_unless_the_environment_chooses(monkeypatch):
    import pyarrow as pa

    from builder.pipeline import arrow_memory_pool

    before = pa.default_memory_pool().backend_name
    try:
        pa.jemalloc_memory_pool()
        expected = "jemalloc"
    except NotImplementedError:
        expected = before
    with arrow_memory_pool() as backend:
        assert backend == pa.default_memory_pool().backend_name == expected
    assert pa.default_memory_pool().backend_name == before
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    with arrow_memory_pool() as backend:
        assert backend == before


def test_a_build_freezes_the_older_objects_only_while_it_runs_and_never_unfreezes_someone_elses(tmp_path):
    import gc

    from builder.pipeline import older_objects_frozen

    assert gc.get_freeze_count() == 0
    with older_objects_frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    build(RAW, tmp_path / "build", jobs=1)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        build(RAW, tmp_path / "build", jobs=1)
        assert gc.get_freeze_count() > 0  # (frozen objects that were freed no longer count)
    finally:
        gc.unfreeze()


def test_a_failed_background_import_raises_its_error_where_the_build_waits_for_it(tmp_path, monkeypatch):
    from builder.pipeline import BackgroundImport

    (tmp_path / "later_stage_ok.py").write_text("VALUE = 1\n", encoding="utf-8")
    broken = "raise ValueError('broken on import')\n"
    (tmp_path / "later_stage_broken.py").write_text(broken, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    started = BackgroundImport(["later_stage_ok", "later_stage_broken"])
    started.start()
    with pytest.raises(ValueError, match="broken on import"):
        started.wait()
    with pytest.raises(ValueError, match="broken on import"):
        BackgroundImport(["later_stage_broken"]).wait()  # never started: imported (and raised) here
    BackgroundImport(["later_stage_ok"]).wait()
    import later_stage_ok

    assert later_stage_ok.VALUE == 1


def test_pool_workers_hand_back_cache_entries_and_a_vanished_entry_is_processed_again(tmp_path):
    from builder.workers import ArticleWorker, resolve

    chunk = list(enumerate(discover(RAW)))[:6]
    plain = ArticleWorker(ArticleWork(RAW, DEFAULT_MAX_BYTES, "rules", None)).run(chunk)
    work = ArticleWork(RAW, DEFAULT_MAX_BYTES, "rules", tmp_path / "cache")
    for attempt in ("cold", "warm"):
        result = ArticleWorker(work).run(chunk, by_reference=True)
        assert result.rows is None and result.entry is not None and result.entry.is_file(), attempt
        resolved = resolve(result, chunk, work)
        assert resolved.rows.files == plain.rows.files
        assert all(resolved.rows.tables[name].equals(plain.rows.tables[name]) for name in plain.rows.tables)
    result.entry.unlink()
    again = resolve(result, chunk, work)
    assert again.rows.files == plain.rows.files and again.indexes == plain.indexes
    assert all(again.rows.tables[name].equals(plain.rows.tables[name]) for name in plain.rows.tables)


def test_pool_workers_without_a_cache_hand_rows_back_through_a_spool_that_is_removed(tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    expected, _ = plain_tables(RAW)
    work = ArticleWork(RAW, DEFAULT_MAX_BYTES, "rules", None)
    collector = TableCollector()
    spooled = []
    for chunk in process_files(discover(RAW), work, 2, chunk_size=3):
        spooled.append(chunk.spooled)
        collector.add(chunk)
    assert spooled and all(item is not None for item in spooled)
    assert_same_tables(collector.tables(collector.duplicates()), expected)
    assert list(scratch.iterdir()) == []


def test_without_a_writable_temporary_folder_pool_workers_send_rows_pickled(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    expected, _ = plain_tables(RAW)
    collector = TableCollector()
    work = ArticleWork(RAW, DEFAULT_MAX_BYTES, "rules", None)
    chunks = list(process_files(discover(RAW), work, 2, chunk_size=3))
    assert chunks and not any(chunk.spooled for chunk in chunks)
    for chunk in chunks:
        collector.add(chunk)
    assert_same_tables(collector.tables(collector.duplicates()), expected)


def test_a_spool_file_that_vanished_before_it_was_read_is_processed_again(tmp_path):
    from builder import workers

    chunk = list(enumerate(discover(RAW)))[:6]
    work = ArticleWork(RAW, DEFAULT_MAX_BYTES, "rules", None)
    plain = workers.ArticleWorker(work).run(chunk)
    spool = tmp_path / "spool"
    spool.mkdir()
    workers._start_process_worker(work, spool)
    result = workers._run_in_process_worker(chunk)
    assert result.spooled is not None and result.rows is None and result.spooled.path.parent == spool
    result.spooled.path.unlink()
    again = workers.resolve(result, chunk, work)
    assert again.rows.files == plain.rows.files and again.indexes == plain.indexes
    assert all(again.rows.tables[name].equals(plain.rows.tables[name]) for name in plain.rows.tables)
    read = workers.resolve(workers._run_in_process_worker(chunk), chunk, work)
    assert all(read.rows.tables[name].equals(plain.rows.tables[name]) for name in plain.rows.tables)
    assert list(spool.iterdir()) == []


def test_a_pool_worker_shapes_rows_without_importing_pandas_yet_pandas_stays_importable():
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from builder import workers\n"
        "from builder.articles import DEFAULT_MAX_BYTES, discover\n"
        f"raw = Path({str(RAW)!r})\n"
        "workers._start_process_worker(workers.ArticleWork(raw, DEFAULT_MAX_BYTES, 'rules', None))\n"
        "result = workers._run_in_process_worker(list(enumerate(discover(raw)))[:8])\n"
        "print('pandas' in sys.modules, result.rows.tables['articles'].num_rows)\n"
        "import pyarrow as pa\n"
        "print(type(pa.table({'a': [1]}).to_pandas()).__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True, timeout=120
    )
    assert done.stdout.split("\n")[:2] == ["False 8", "DataFrame"]
