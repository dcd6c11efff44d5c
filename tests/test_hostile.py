"""Hostile and broken raw inputs (issue 6): every entry ends as an article, a duplicate or a rejection."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from builder.articles import DEFAULT_MAX_BYTES, discover, read_articles
from builder.clean import clean_body
from builder.models import Article, DuplicateFile, RejectedFile
from tests.hostile_corpus import MAX_BYTES, hostile_cases, write_hostile_corpus

CASES = hostile_cases()
KINDS = {Article: "article", DuplicateFile: "duplicate", RejectedFile: "rejected"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("hostile")
    write_hostile_corpus(root / "raw", root / "outside")
    return root / "raw", root / "outside"


@pytest.fixture(scope="module")
def results(corpus: tuple[Path, Path]) -> dict[str, Article | DuplicateFile | RejectedFile]:
    raw_dir, _ = corpus
    return {item.source_file: item for item in read_articles(raw_dir)}


def test_hostile_corpus_has_at_least_30_cases_of_each_outcome_kind() -> None:
    outcomes = [case.outcome for case in CASES]
    assert len(CASES) >= 30
    assert {"article", "duplicate", "rejected"} == set(outcomes)
    assert outcomes.count("rejected") >= 20
    assert DEFAULT_MAX_BYTES == MAX_BYTES


@pytest.mark.parametrize("case", CASES, ids=[case.about for case in CASES])
def test_read_articles_hostile_case_has_expected_outcome(case, results) -> None:
    item = results[case.source_file]
    assert KINDS[type(item)] == case.outcome, item
    if case.outcome == "rejected":
        if "line_prefix" in case.extra:
            assert item.line().startswith(case.extra["line_prefix"])
        else:
            assert item.line() == case.line
        assert "\n" not in item.line()
    elif case.outcome == "duplicate":
        assert (item.kept_file, item.reason) == (case.kept, case.reason)
        assert isinstance(results[item.kept_file], Article)
    else:
        if case.title:
            assert item.title == case.title
        for fragment in case.text_has:
            assert fragment in item.text
        for fragment in case.text_lacks:
            assert fragment not in item.text


def test_read_articles_accounts_for_every_entry(corpus, results) -> None:
    raw_dir, _ = corpus
    entries = discover(raw_dir)
    assert len(results) == len(entries) == len(CASES)
    counts = {kind: sum(KINDS[type(item)] == kind for item in results.values()) for kind in KINDS.values()}
    assert counts["article"] + counts["duplicate"] + counts["rejected"] == len(entries)


def test_read_articles_python_tag_is_never_executed(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_hostile_corpus(tmp_path / "raw", tmp_path / "outside")
    list(read_articles(tmp_path / "raw"))
    assert not (tmp_path / "PWNED").exists()
    assert not Path("PWNED").exists()


def test_read_articles_symlink_outside_is_never_read(results) -> None:
    rejected = results["link-outside.md"]
    assert rejected.raw_sha256 is None
    assert rejected.line().endswith("outside/secret.md'). Copy the article into the raw folder instead.")
    assert not any(
        isinstance(item, Article) and "outside-secret" in item.url for item in results.values()
    )


def test_read_articles_same_url_duplicate_names_the_later_fetch(results) -> None:
    kept, dropped = results["same-url-newer.md"], results["same-url-older.md"]
    assert dropped.kept_file == "same-url-newer.md"
    assert "更新后的正文" in kept.text


def test_read_articles_oversized_files_parse_when_the_limit_is_raised(corpus) -> None:
    raw_dir, _ = corpus
    started = time.perf_counter()
    results = {item.source_file: item for item in read_articles(raw_dir, max_bytes=8 * 1024 * 1024)}
    assert time.perf_counter() - started < 20
    line = results["single-5mb-line.md"]
    assert isinstance(line, Article) and line.text.startswith("网络安全网络安全") and "\n" not in line.text
    assert isinstance(results["over-limit.md"], Article)


@pytest.mark.parametrize(
    "line",
    [
        "[" * 1_000_000,
        "![" * 500_000,
        "[a](" * 250_000,
        "<a " * 330_000,
        "<https://" * 110_000,
        "#" * 1_000_000 + "x",
        "*" * 1_000_000,
        "\\" * 1_000_000,
        "&" * 1_000_000,
        "- " * 500_000 + "x",
    ],
    ids=["brackets", "image-openers", "unclosed-links", "tags", "autolinks", "hashes", "stars",
         "backslashes", "ampersands", "rule-like"],
)
def test_clean_body_pathological_line_takes_linear_time(line: str) -> None:
    started = time.perf_counter()
    clean_body(line)
    assert time.perf_counter() - started < 3


def test_clean_body_many_unclosed_scripts_take_linear_time() -> None:
    started = time.perf_counter()
    cleaned = clean_body("正文。\n" + "<script>x\n" * 100_000 + "<!--" * 100_000)
    assert cleaned.text == "正文。"
    assert time.perf_counter() - started < 3


def test_build_hostile_corpus_reports_every_file_and_adds_up(corpus, tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from builder.cli import app

    raw_dir, _ = corpus
    out = tmp_path / "build"
    result = CliRunner().invoke(app, ["build", "--raw", str(raw_dir), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    rejected = [case for case in CASES if case.outcome == "rejected"]
    duplicates = [case for case in CASES if case.outcome == "duplicate"]
    articles = len(CASES) - len(rejected) - len(duplicates)
    reported = [line for line in lines if line.startswith("rejected ")]
    assert len(reported) == len(rejected)
    for case in rejected:
        if "line_prefix" in case.extra:
            assert any(line.startswith("rejected " + case.extra["line_prefix"]) for line in reported)
        else:
            assert "rejected " + case.line in reported
    for case in duplicates:
        assert f"duplicate {case.source_file}: {case.reason} (kept {case.kept})" in lines
    total = f"read {len(CASES)} files = {articles} articles + {len(duplicates)} duplicates"
    assert f"{total} + {len(rejected)} rejected" in lines
    accounting = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["accounting"]
    assert accounting["input_files"] == len(CASES)
    assert accounting["articles"] == articles
    assert len(accounting["rejected"]) == len(rejected) and len(accounting["duplicates"]) == len(duplicates)


def test_build_max_bytes_option_sets_the_limit(tmp_path) -> None:
    from typer.testing import CliRunner

    from builder.cli import app
    from tests.hostile_corpus import article

    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    (raw_dir / "small.md").write_bytes(article("small", body="论坛在北京举行。\n"))
    (raw_dir / "large.md").write_bytes(article("large", body="论坛在北京举行。\n" * 100))
    size = (raw_dir / "large.md").stat().st_size
    args = ["build", "--raw", str(raw_dir), "--out", str(tmp_path / "b"), "--quiet", "--max-bytes", "1000"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        f"rejected large.md: size: over the 1000-byte limit (got {size}). "
        "Raise --max-bytes or remove the file."
    )
    assert "read 2 files = 1 articles + 0 duplicates + 1 rejected" in result.output.splitlines()
