"""The benchmark: a deterministic, valid synthetic corpus, and the runner in a tiny smoke mode.

Nothing here is timed: the tests check that the bench measures a correct build.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from bench.generate import EVENT_SHARE, generate, load_sources
from builder.articles import read_articles
from builder.models import Article, DuplicateFile, RejectedFile

ROOT = Path(__file__).resolve().parents[1]


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*.md"))}


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path):
    generate(40, tmp_path / "a", seed=3)
    generate(40, tmp_path / "b", seed=3)
    generate(40, tmp_path / "c", seed=4)
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    assert files_of(tmp_path / "a") != files_of(tmp_path / "c")


def test_every_generated_article_is_valid_and_unique(tmp_path):
    corpus = generate(300, tmp_path / "corpus", seed=1)
    items = list(read_articles(tmp_path / "corpus"))
    assert not [item for item in items if isinstance(item, (RejectedFile, DuplicateFile))]
    articles = [item for item in items if isinstance(item, Article)]
    assert len(articles) == corpus.files == 300
    assert len({article.canonical_url for article in articles}) == 300
    assert all(article.text and article.title for article in articles)
    event_files = [path for path in (tmp_path / "corpus").rglob("*-e.md")]
    assert len(event_files) == corpus.event_files
    # about one article in 20, as in a real crawl (seeded, so the bound is loose, not flaky)
    assert 0.3 * EVENT_SHARE * 300 <= corpus.event_files <= 3 * EVENT_SHARE * 300


def test_non_event_articles_recombine_paragraphs_of_real_non_event_articles(tmp_path):
    sources, _ = load_sources(ROOT / "data" / "raw")
    assert any(source.is_event for source in sources) and not all(source.is_event for source in sources)
    other_paragraphs = {part for source in sources if not source.is_event for part in source.paragraphs}
    generate(120, tmp_path / "corpus", seed=2)
    for path in (tmp_path / "corpus").rglob("*-n.md"):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        parts = [part.strip("\n") for part in body.split("\n\n") if part.strip()]
        assert parts and all(part in other_paragraphs for part in parts), path.name


def test_the_runner_measures_correct_builds_in_a_tiny_smoke_run(tmp_path):
    """Every measurement of ``bench/run.py`` on 24 articles; only what it ran is checked, never a time."""
    from bench.run import print_results, run

    results = run(24, 2, seed=5, compare_jobs=True, pairs=3, work_dir=tmp_path)
    print_results(results)
    articles = results["cold"]["articles"]
    assert articles == 24 == results["corpus"]["files"]
    # the builds read bytecode, as an installed builder does, even where Python does not write it
    assert results["machine"]["bytecode"]["compiled_ahead"] is True
    assert Path(importlib.util.cache_from_source(str(ROOT / "builder" / "cli.py"))).is_file()
    assert results["cold"]["work"]["cached"] == 0
    # files generated within the last 2 s are racy, so how many the stat index trusted varies
    assert results["warm_unchanged"]["work"].keys() == {"cached", "trusted", "detected", "extracted"}
    assert {**results["warm_unchanged"]["work"], "trusted": 0} == {
        "cached": 24, "trusted": 0, "detected": 0, "extracted": 0
    }
    assert results["warm_one_changed"]["work"]["cached"] == 23
    assert results["warm_one_changed"]["work"]["extracted"] == 1
    # the repeat changes another article (here a non-event one): again only that one is not from the cache
    assert results["warm_one_changed_repeat"]["work"]["cached"] == 23
    assert results["changed_file"] != results["changed_file_repeat"]
    assert results["cold_repeat"]["work"]["cached"] == 0
    # the first build released as 1.0.0, the build after the first change as a patch of it
    assert (results["release_first"]["version"], results["release_first"]["bump"]) == ("1.0.0", "major")
    assert (results["release_patch"]["version"], results["release_patch"]["bump"]) == ("1.0.1", "patch")
    reasons = results["release_patch"]["reasons"]
    assert any(reason.startswith("articles: 1 record changed") for reason in reasons)
    # builder watch: two rebuilds, each of one changed article (24 files are one chunk, the
    # others of which come from the cache)
    resident = results["resident"]["rebuilds"]
    assert [item["work"]["cached"] for item in resident] == [23, 23]
    assert len({item["file"] for item in resident}) == 2
    assert all(item["latency_s"] >= item["seconds"] > 0 for item in resident)
    assert results["resident"]["peak_rss_mib"] is None or results["resident"]["peak_rss_mib"] > 0
    assert len(results["jobs_pairs_wall_s"]) == len(results["jobs_pair_ratios"]) == 3
    # validation + write of all ten builds, each timed
    assert len(results["validate_write_s"]) == 10 and all(value > 0 for value in results["validate_write_s"])
    assert results["jobs_identical"] is True
    assert results["cold"]["counts"] == results["jobs_1"]["counts"] == results["jobs_2"]["counts"]
    stages = {"parse+clean", "detect", "extract", "tables", "validate", "write", "card"}
    assert set(results["cold"]["timings"]) >= stages
    assert sum(results["baseline_write"]["rows"].values()) > 0
    assert results["help"]["heavy_modules_loaded"] == []


def test_copies_of_a_real_event_article_report_events_with_distinct_event_ids(tmp_path):
    from builder.articles import parse_article
    from builder.extract import get_extractor
    from builder.tables import event_id_for

    generate(600, tmp_path / "corpus", seed=6)
    extractor = get_extractor()
    event_ids = [
        event_id_for(event.name, event.start_date)
        for path in sorted((tmp_path / "corpus").rglob("*-e.md"))
        for event in extractor.extract(parse_article(path.read_bytes(), path.name)).events
    ]
    # 600 articles hold ~30 copies of 11 real event articles: without renaming, ids would collide
    assert len(event_ids) > 11
    assert len(set(event_ids)) == len(event_ids)
