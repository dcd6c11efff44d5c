"""Generalization probes: our own invented articles in styles the dev sets lack (tests/probes).

The dev gold sets were read while the rules were written, so they no longer measure how the rules
carry over to new sources; these probes do, a little. Thresholds are the figures the rules reach
today, rounded down; a rule change that loses ground on an unseen style fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.evaluate import evaluate
from builder.pipeline import build

PROBES = Path(__file__).resolve().parent / "probes"


@pytest.fixture(scope="module")
def probe_scores(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("probes") / "build"
    build(PROBES / "articles", out, jobs=1)
    return evaluate(out, PROBES / "gold").to_dict()


def test_every_probe_article_has_a_gold_file() -> None:
    articles = {path.stem for path in (PROBES / "articles").glob("*.md")}
    gold = {path.stem for path in (PROBES / "gold").glob("*.json")}
    assert articles == gold and len(articles) >= 15


def test_no_event_on_the_negative_probes(probe_scores: dict) -> None:
    assert probe_scores["negative_articles"] >= 5
    assert probe_scores["events_on_negative_articles"] == 0


@pytest.mark.parametrize(
    ("figure", "floor"),
    [("events", 0.95), ("participants", 0.92), ("organizations", 0.98)],
)
def test_probe_f1_stays_above_its_floor(probe_scores: dict, figure: str, floor: float) -> None:
    assert probe_scores["scores"][figure]["f1"] >= floor


def test_probe_start_dates_and_cities(probe_scores: dict) -> None:
    assert probe_scores["accuracy"]["start_date"]["value"] >= 0.7
    assert probe_scores["accuracy"]["city"]["value"] >= 0.8
