"""Score a build's extraction against gold annotations (``shared/spec/gold.md``): ``builder evaluate``.

Articles and gold files are paired by canonical URL. Within an article, gold and predicted events
are paired by name similarity (plus a bonus when the start dates agree); within a pair of events,
people are paired by name (Chinese or Latin) and organizations by name similarity. From those pairs
come precision, recall and F1 of events, participants and organizations, and the accuracy of each
scored field over the gold values that are known. The figures follow the semantics of the project's
yardstick, ``shared/tools/score_extraction.py``, and a test checks that both agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from builder.articles import canonical_url
from builder.errors import BuildFolderError, EvaluationError
from builder.evaluate.matching import (
    city_key,
    day,
    pair_events,
    pair_organizations,
    pair_people,
    similar_text,
)
from builder.evaluate.report import (
    ACCURACY_FIELDS,
    HEADLINE_PARTS,
    MATCH_FIGURES,
    REPORT_VERSION,
    ArticleScore,
    EvaluationReport,
    Ratio,
    Tally,
)

#: the tables a build folder must hold
PREDICTED_TABLES = ("articles", "events", "participants", "organizations")


@dataclass
class PredictedEvent:
    """One ``events`` row with its ``participants`` and ``organizations`` rows in their order."""

    row: dict
    participants: list[dict] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Prediction:
    """A build folder's tables, grouped for scoring."""

    #: canonical URL → the events predicted for that article (an article without events maps to [])
    events_by_url: dict[str, list[PredictedEvent]]
    #: every row of the four tables, for the evidence check
    tables: dict[str, list[dict]]


def find_parquet(build_dir: Path, table: str) -> list[Path]:
    """A table's Parquet files: ``<dir>/<table>.parquet``, else every ``*.parquet`` in ``<dir>/<table>/``."""
    single = build_dir / f"{table}.parquet"
    if single.is_file():
        return [single]
    folder = build_dir / table
    files = sorted(folder.rglob("*.parquet")) if folder.is_dir() else []
    if not files:
        raise BuildFolderError(
            f"no Parquet file for table {table}",
            path=str(build_dir),
            hint=f"Pass --build a build or release folder holding {table}/*.parquet or {table}.parquet",
        )
    return files


def read_prediction(build_dir: Path) -> Prediction:
    """Read the four tables of a build or release folder and group the events by article URL."""
    if not build_dir.is_dir():
        raise BuildFolderError(
            "build folder not found", path=str(build_dir), hint="Run `builder build` first or pass --build"
        )
    tables = {
        table: [row for path in find_parquet(build_dir, table) for row in pq.read_table(path).to_pylist()]
        for table in PREDICTED_TABLES
    }
    url_of = {row["article_id"]: canonical_url(row["url"]) for row in tables["articles"]}
    by_url: dict[str, list[PredictedEvent]] = {url: [] for url in url_of.values()}
    by_id: dict[str, PredictedEvent] = {}
    for row in tables["events"]:
        event = by_id[row["event_id"]] = PredictedEvent(row)
        if row["article_id"] in url_of:  # an event of an unknown article cannot meet any gold file
            by_url[url_of[row["article_id"]]].append(event)
    for table, order in (("participants", "person_order"), ("organizations", "org_order")):
        for row in sorted(tables[table], key=lambda item: (item["event_id"], item.get(order) or 0)):
            if row["event_id"] in by_id:
                getattr(by_id[row["event_id"]], table).append(row)
    return Prediction(events_by_url=by_url, tables=tables)


def read_gold(gold_dir: Path) -> list[dict]:
    """Every ``*.json`` gold file directly in ``gold_dir``, in file-name order, with ``file`` set."""
    files = sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else []
    if not files:
        raise EvaluationError(
            "no gold *.json files",
            path=str(gold_dir),
            hint="Pass --gold a folder of gold files (see gold.md)",
        )
    gold = []
    for path in files:
        try:
            item = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise EvaluationError(
                f"not a UTF-8 JSON file ({error})", path=str(path), hint="Fix the gold file"
            ) from error
        for key, kind in (("url", str), ("events", list)):
            if not isinstance(item, dict) or not isinstance(item.get(key), kind):
                raise EvaluationError(
                    f"missing or not a {kind.__name__}",
                    path=str(path),
                    field=key,
                    hint="Give every gold file the keys file, url and events (see gold.md)",
                )
        gold.append({**item, "file": item.get("file") or path.name})
    return gold


def score_event_fields(report: EvaluationReport, gold: dict, predicted: dict | None) -> None:
    """Count the event-level accuracies of one gold event; an unpaired gold event is wrong on each."""
    row = predicted or {}

    def check(name: str, ok: bool) -> None:
        report.accuracy[name].add(predicted is not None and ok)

    check("start_date", day(gold.get("start_date")) == day(row.get("start_date")))
    check("end_date", day(gold.get("end_date")) == day(row.get("end_date")))
    check("event_type", gold.get("event_type") == row.get("event_type"))
    check("status", gold.get("status") == row.get("status"))
    if gold.get("city"):
        check("city", city_key(gold["city"]) == city_key(row.get("city")))
    for name in ("attendance", "edition"):
        if gold.get(name) is not None:
            check(name, gold[name] == row.get(name))
    for name in ("series", "theme"):
        if gold.get(name):
            check(name, similar_text(gold[name], row.get(name)))


def score_people_and_orgs(
    report: EvaluationReport, gold: dict, predicted: PredictedEvent | None, article: tuple[Tally, Tally]
) -> None:
    """Count the participants and organizations of one gold event against its paired prediction."""
    people = predicted.participants if predicted else []
    organizations = predicted.organizations if predicted else []
    gold_people, gold_orgs = gold.get("participants") or [], gold.get("organizations") or []
    people_pairs = pair_people(gold_people, people)
    same_role = sum(a.get("role") == b.get("role") for a, b in people_pairs)
    report.matches["participants_name"].add(len(people_pairs), len(people), len(gold_people))
    report.matches["participants"].add(same_role, len(people), len(gold_people))
    article[0].add(same_role, len(people), len(gold_people))
    for gold_person, person in people_pairs:
        for name in ("affiliation", "position", "talk_title"):
            if gold_person.get(name):
                report.accuracy[name].add(similar_text(gold_person[name], person.get(name)))
    org_pairs = pair_organizations(gold_orgs, organizations)
    same_org_role = sum(a.get("role") == b.get("role") for a, b in org_pairs)
    report.matches["organizations_name"].add(len(org_pairs), len(organizations), len(gold_orgs))
    report.matches["organizations"].add(same_org_role, len(organizations), len(gold_orgs))
    article[1].add(same_org_role, len(organizations), len(gold_orgs))


def score_article(report: EvaluationReport, gold: dict, predicted: list[PredictedEvent]) -> ArticleScore:
    """Score one gold file against the events predicted for its article."""
    gold_events = gold["events"]
    pairs = pair_events(gold_events, [event.row for event in predicted])
    report.matches["events"].add(len(pairs), len(predicted), len(gold_events))
    tallies = (Tally(), Tally())
    for index, gold_event in enumerate(gold_events):
        event = predicted[pairs[index]] if index in pairs else None
        score_event_fields(report, gold_event, event.row if event else None)
        score_people_and_orgs(report, gold_event, event, tallies)
    paired = set(pairs.values())
    for index, event in enumerate(predicted):
        if index not in paired:
            # the people and organizations of an event that is not in the gold are all false positives
            score_people_and_orgs(report, {}, event, tallies)
    return ArticleScore(gold["file"], len(gold_events), len(predicted), len(pairs), *tallies)


def check_evidence(tables: dict[str, list[dict]]) -> Ratio:
    """How many evidence spans of events, participants and organizations reproduce their sentence."""
    text_of = {row["article_id"]: row.get("text") or "" for row in tables["articles"]}
    article_of_event = {row["event_id"]: row["article_id"] for row in tables["events"]}
    exact = Ratio()
    for table in ("events", "participants", "organizations"):
        for row in tables[table]:
            if row.get("evidence") is None or row.get("evidence_start") is None:
                continue
            article_id = row["article_id"] if table == "events" else article_of_event.get(row["event_id"])
            exact.add(
                text_of.get(article_id, "")[row["evidence_start"] : row["evidence_end"]] == row["evidence"]
            )
    return exact


def score_prediction(
    prediction: Prediction, gold: Iterable[dict], report: EvaluationReport
) -> EvaluationReport:
    """Fill ``report`` with the scores of ``prediction`` against the gold files, and return it."""
    for item in gold:
        url = canonical_url(item["url"])
        if url not in prediction.events_by_url:
            report.missing.append(item["file"])
        report.articles.append(score_article(report, item, prediction.events_by_url.get(url, [])))
    report.evidence = check_evidence(prediction.tables)
    return report


def evaluate(build_dir: Path, gold_dir: Path) -> EvaluationReport:
    """Score the build or release folder ``build_dir`` against the gold files in ``gold_dir``.

    Raises ``BuildFolderError`` when a table is missing and ``EvaluationError`` for bad gold files.
    """
    gold = read_gold(gold_dir)
    return score_prediction(read_prediction(build_dir), gold, EvaluationReport(gold_dir, build_dir=build_dir))


__all__ = [
    "ACCURACY_FIELDS",
    "HEADLINE_PARTS",
    "MATCH_FIGURES",
    "REPORT_VERSION",
    "EvaluationReport",
    "evaluate",
    "read_gold",
    "read_prediction",
]
