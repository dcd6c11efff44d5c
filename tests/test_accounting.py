"""The build's accounting invariant (issue 6 item 1): inputs and rows add up, or the build stops."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from builder.accounting import check_inputs, check_rows
from builder.articles import read_article
from builder.errors import BuilderError
from builder.extract import DEFAULT_EXTRACTOR, get_extractor
from builder.tables import build_tables
from builder.validate import ValidationResult, validate_tables

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "cnis-2024-12-10-seed.md"
BUG = "This is a bug in builder: report it with the raw folder; no file or row may be lost."


@pytest.fixture(scope="module")
def seed_result() -> ValidationResult:
    article = read_article(SEED, SEED.parent)
    return validate_tables(build_tables([article], [get_extractor(DEFAULT_EXTRACTOR).extract(article)]))


def test_check_inputs_passes_when_files_add_up() -> None:
    check_inputs(5, 3, 1, 1)


def test_check_inputs_lost_file_line() -> None:
    with pytest.raises(BuilderError) as caught:
        check_inputs(5, 2, 1, 1)
    assert caught.value.line() == (
        "accounting: input files do not add up "
        "(got '5 files != 2 articles + 1 duplicates + 1 rejected'). " + BUG
    )


def test_check_rows_passes_on_a_real_build(seed_result: ValidationResult) -> None:
    assert seed_result.extracted_counts["participants"] == 11
    check_rows(seed_result, 1)


def test_check_rows_row_dropped_without_quarantine_line(seed_result: ValidationResult) -> None:
    published = dict(seed_result.published)
    published["participants"] = published["participants"].slice(1)
    dropped = dataclasses.replace(seed_result, published=published)
    with pytest.raises(BuilderError) as caught:
        check_rows(dropped, 1)
    assert caught.value.line() == (
        "participants: accounting: rows do not add up "
        "(got '11 extracted, 10 published, 0 quarantined records'). " + BUG
    )


def test_check_rows_article_lost_before_tables_line(seed_result: ValidationResult) -> None:
    with pytest.raises(BuilderError) as caught:
        check_rows(seed_result, 2)
    assert caught.value.line() == (
        "accounting: articles extracted differ from articles parsed (got '1 != 2'). " + BUG
    )
