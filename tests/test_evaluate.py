"""Tests of builder.evaluate: hand-checked scores of real Parquet builds, and agreement with the yardstick."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import json
import random
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.errors import BuildFolderError, EvaluationError
from builder.evaluate import ACCURACY_FIELDS, MATCH_FIGURES, evaluate
from builder.evaluate.matching import (
    city_key,
    comparable,
    pair_events,
    pair_organizations,
    pair_people,
    similarity,
)
from builder.pipeline import build, score_against_gold
from tests.evaluate_builds import (
    NEGATIVE_TEXT,
    event_row,
    gold_files,
    perfect_prediction,
    rows_from_gold,
    span,
    variant,
    write_build,
    write_gold,
)

ROOT = Path(__file__).resolve().parents[1]
#: the yardstick lives in shared/tools beside the clone (CI) or beside the worktrees' parent
YARDSTICK = next(
    (
        base / "shared" / "tools" / "score_extraction.py"
        for base in ROOT.parents
        if (base / "shared" / "tools" / "score_extraction.py").is_file()
    ),
    None,
)


@pytest.fixture
def gold_dir(tmp_path: Path) -> Path:
    return write_gold(tmp_path / "gold", gold_files())


@pytest.fixture
def perfect() -> dict[str, list[dict]]:
    return perfect_prediction(gold_files())


def score(tmp_path: Path, gold_dir: Path, rows: dict[str, list[dict]]) -> dict:
    return evaluate(write_build(tmp_path / "build", rows), gold_dir).to_dict()


def figures(report: dict) -> dict[str, float | None]:
    """Precision/recall/F1 and accuracies of a report, flat."""
    flat: dict[str, float | None] = {"headline": report["headline"]}
    for name, row in report["scores"].items():
        flat.update({f"{name}.{key}": row[key] for key in ("precision", "recall", "f1")})
    flat.update({name: row["value"] for name, row in report["accuracy"].items()})
    flat["evidence_exact"] = report["evidence_exact"]["value"]
    return flat


def test_evaluate_perfect_prediction_scores_one(tmp_path: Path, gold_dir: Path, perfect: dict) -> None:
    report = score(tmp_path, gold_dir, perfect)
    assert report["scores"]["events"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "tp": 2,
        "fp": 0,
        "fn": 0,
    }
    assert report["scores"]["participants"]["tp"] == 4
    assert report["scores"]["organizations"]["tp"] == 3
    expected_totals = {
        "start_date": 2,
        "end_date": 2,
        "city": 2,
        "event_type": 2,
        "status": 2,
        "attendance": 1,
        "series": 1,
        "edition": 1,
        "theme": 0,
        "affiliation": 4,
        "position": 4,
        "talk_title": 2,
    }
    assert {name: row["total"] for name, row in report["accuracy"].items()} == expected_totals
    assert all(row["value"] == 1.0 for name, row in report["accuracy"].items() if name != "theme")
    assert report["accuracy"]["theme"]["value"] is None
    assert report["evidence_exact"] == {"value": 1.0, "correct": 9, "total": 9}
    assert report["headline"] == 1.0
    assert (report["gold_articles"], report["negative_articles"], report["gold_events"]) == (3, 1, 2)
    assert report["articles_missing_from_build"] == []


def test_evaluate_missing_event_lowers_recall(tmp_path: Path, gold_dir: Path, perfect: dict) -> None:
    rows = variant(perfect)
    summit_id = next(row["event_id"] for row in rows["events"] if row["name"].startswith("2024"))
    for table in ("events", "participants", "organizations"):
        rows[table] = [row for row in rows[table] if row["event_id"] != summit_id]
    report = score(tmp_path, gold_dir, rows)
    assert report["scores"]["events"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
        "tp": 1,
        "fp": 0,
        "fn": 1,
    }
    assert report["scores"]["participants"] == {
        "precision": 1.0,
        "recall": 0.75,
        "f1": 0.8571,
        "tp": 3,
        "fp": 0,
        "fn": 1,
    }
    assert report["scores"]["organizations"]["f1"] == 0.8
    # event fields count every gold event; person fields only the people that were found
    assert report["accuracy"]["start_date"] == {"value": 0.5, "correct": 1, "total": 2}
    assert report["accuracy"]["city"]["value"] == 0.5
    assert report["accuracy"]["affiliation"] == {"value": 1.0, "correct": 3, "total": 3}
    assert report["headline"] == round((2 / 3 + 6 / 7 + 0.8 + 0.5 + 0.5) / 5, 4) == 0.6648
    assert report["per_article"][1] == {
        "file": "seed.md",
        "gold_events": 1,
        "predicted_events": 1,
        "matched_events": 1,
        "participants": {"tp": 3, "fp": 0, "fn": 0},
        "organizations": {"tp": 2, "fp": 0, "fn": 0},
    }


def test_evaluate_extra_event_on_negative_article_lowers_precision(
    tmp_path: Path, gold_dir: Path, perfect: dict
) -> None:
    rows = variant(perfect)
    paper_id = next(row["article_id"] for row in rows["articles"] if row["text"] == NEGATIVE_TEXT)
    extra = {
        "name": "第八届网络安全学术会议",
        "event_type": "conference",
        "status": "held",
        "series": None,
        "edition": 8,
        "parent_event": None,
        "start_date": None,
        "end_date": None,
        "city": None,
        "country": None,
        "venue": None,
        "theme": None,
        "attendance": None,
    }
    rows["events"].append(event_row(paper_id, NEGATIVE_TEXT, extra))
    report = score(tmp_path, gold_dir, rows)
    assert report["scores"]["events"] == {
        "precision": 0.6667,
        "recall": 1.0,
        "f1": 0.8,
        "tp": 2,
        "fp": 1,
        "fn": 0,
    }
    assert report["events_on_negative_articles"] == 1
    assert report["scores"]["participants"]["f1"] == 1.0
    assert report["headline"] == 0.96
    assert report["evidence_exact"]["total"] == 10


def test_evaluate_wrong_role_counts_for_name_but_not_name_and_role(
    tmp_path: Path, gold_dir: Path, perfect: dict
) -> None:
    rows = variant(perfect)
    moderator = next(row for row in rows["participants"] if row["name"] == "刘建伟")
    moderator["role"] = "guest"
    report = score(tmp_path, gold_dir, rows)
    assert report["scores"]["participants_name"]["f1"] == 1.0
    assert report["scores"]["participants"] == {
        "precision": 0.75,
        "recall": 0.75,
        "f1": 0.75,
        "tp": 3,
        "fp": 1,
        "fn": 1,
    }
    assert report["headline"] == 0.95


def test_evaluate_wrong_date_still_pairs_the_event(tmp_path: Path, gold_dir: Path, perfect: dict) -> None:
    rows = variant(perfect)
    seed_event = next(row for row in rows["events"] if row["name"].startswith("第八届"))
    seed_event["start_date"] = seed_event["end_date"] = dt.date(2024, 12, 8)
    report = score(tmp_path, gold_dir, rows)
    assert report["scores"]["events"]["f1"] == 1.0
    assert report["accuracy"]["start_date"] == {"value": 0.5, "correct": 1, "total": 2}
    assert report["accuracy"]["end_date"]["value"] == 0.5
    assert report["headline"] == 0.9


def test_evaluate_pairs_latin_names_and_contained_org_names(
    tmp_path: Path, gold_dir: Path, perfect: dict
) -> None:
    rows = variant(perfect)
    kang = next(row for row in rows["participants"] if row["name"] == "江明灶")
    kang["name"], kang["name_latin"] = "MENGCHOW KANG", None
    unicom = next(row for row in rows["organizations"] if row["name"].startswith("中国联合"))
    unicom["name"], unicom["role"] = "中国联合网络通信集团", "organizer"
    report = score(tmp_path, gold_dir, rows)
    assert report["scores"]["participants"]["f1"] == 1.0
    assert report["scores"]["organizations_name"]["f1"] == 1.0
    assert report["scores"]["organizations"] == {
        "precision": 0.6667,
        "recall": 0.6667,
        "f1": 0.6667,
        "tp": 2,
        "fp": 1,
        "fn": 1,
    }


def test_evaluate_reports_articles_missing_from_build(tmp_path: Path, gold_dir: Path, perfect: dict) -> None:
    rows = variant(perfect)
    summit = next(row for row in rows["articles"] if "天津" in row["text"])
    rows["articles"].remove(summit)
    report = score(tmp_path, gold_dir, rows)
    assert report["articles_missing_from_build"] == ["summit.md"]
    assert report["scores"]["events"]["fn"] == 1
    # the orphaned event's spans cannot be checked against any text
    assert report["evidence_exact"] == {"value": 0.6667, "correct": 6, "total": 9}


def test_evaluate_counts_broken_evidence_spans(tmp_path: Path, gold_dir: Path, perfect: dict) -> None:
    rows = variant(perfect)
    rows["organizations"][0]["evidence_start"] += 1
    report = score(tmp_path, gold_dir, rows)
    assert report["evidence_exact"] == {"value": 0.8889, "correct": 8, "total": 9}


def test_evaluate_reads_single_file_tables(tmp_path: Path, gold_dir: Path, perfect: dict) -> None:
    build_dir = write_build(tmp_path / "flat", perfect, single_files=True)
    assert evaluate(build_dir, gold_dir).to_dict()["headline"] == 1.0


def test_evaluate_to_dict_layout_is_stable(tmp_path: Path, gold_dir: Path, perfect: dict) -> None:
    report = score(tmp_path, gold_dir, perfect)
    assert list(report) == [
        "report_version",
        "build",
        "raw",
        "gold",
        "gold_articles",
        "negative_articles",
        "gold_events",
        "predicted_events",
        "events_on_negative_articles",
        "headline",
        "scores",
        "accuracy",
        "evidence_exact",
        "articles_missing_from_build",
        "per_article",
    ]
    assert list(report["scores"]) == list(MATCH_FIGURES)
    assert list(report["accuracy"]) == list(ACCURACY_FIELDS)
    assert json.loads(json.dumps(report)) == report


def test_evaluate_summary_lines_show_the_table(tmp_path: Path, gold_dir: Path, perfect: dict) -> None:
    lines = evaluate(write_build(tmp_path / "build", perfect), gold_dir).summary_lines(verbose=True)
    assert "participants (name+role)    1.000  1.000  1.000     4     0     0" in lines
    assert any(line.startswith("seed.md") for line in lines)
    assert lines[-1].endswith(": 1.0000")


def test_evaluate_missing_table_names_it(tmp_path: Path, gold_dir: Path, perfect: dict) -> None:
    build_dir = write_build(tmp_path / "build", perfect)
    for path in (build_dir / "organizations").iterdir():
        path.unlink()
    with pytest.raises(BuildFolderError) as error:
        evaluate(build_dir, gold_dir)
    assert error.value.line() == (
        f"{build_dir}: no Parquet file for table organizations. "
        "Pass --build a build or release folder holding organizations/*.parquet or organizations.parquet."
    )


def test_evaluate_gold_without_url_is_an_error(tmp_path: Path, perfect: dict) -> None:
    gold_dir = write_gold(tmp_path / "gold", {"x.json": {"file": "x.md", "events": []}})
    with pytest.raises(EvaluationError) as error:
        evaluate(write_build(tmp_path / "build", perfect), gold_dir)
    assert error.value.line() == (
        f"{gold_dir / 'x.json'}: url: missing or not a str. "
        "Give every gold file the keys file, url and events (see gold.md)."
    )


def test_similarity_and_normalization() -> None:
    assert comparable("《共建“一带一路”网络空间》") == "共建一带一路网络空间"
    assert similarity("MengChow Kang", "mengchowkang") == 1.0
    assert similarity("网络安全论坛", "2024网络安全论坛") == 0.85
    assert similarity("", "网络安全论坛") == 0.0
    assert city_key("北京市") == city_key("北京") == "北京"


def test_pair_events_prefers_the_best_pair_and_uses_each_once() -> None:
    gold = [
        {"name": "网络安全论坛", "start_date": "2024-09-03"},
        {"name": "数据安全分论坛", "start_date": None},
    ]
    predicted = [
        {"name": "数据安全分论坛", "start_date": None},
        {"name": "网络安全论坛", "start_date": "2024-09-03"},
    ]
    assert pair_events(gold, predicted) == {0: 1, 1: 0}
    assert pair_events(gold[:1], [{"name": "开幕式", "start_date": dt.date(2024, 9, 3)}]) == {}


def test_pair_people_and_organizations_use_each_prediction_once() -> None:
    gold = [{"name": "张三", "role": "speaker"}, {"name": "张三", "role": "moderator"}]
    assert len(pair_people(gold, [{"name": "张三", "role": "moderator"}])) == 1
    orgs = pair_organizations(
        [{"name": "中国网络安全产业联盟"}], [{"name": "网络安全产业联盟"}, {"name": "中国网络安全产业联盟"}]
    )
    assert orgs == [({"name": "中国网络安全产业联盟"}, {"name": "中国网络安全产业联盟"})]


def scenario_builds(tmp_path: Path) -> list[Path]:
    """One build per hand-checked scenario, for the yardstick comparison."""
    base = perfect_prediction(gold_files())
    missing, wrong_role, wrong_date, broken = variant(base), variant(base), variant(base), variant(base)
    missing["events"] = missing["events"][:1]
    wrong_role["participants"][2]["role"] = "guest"
    wrong_date["events"][0]["start_date"] = dt.date(2024, 1, 1)
    broken["organizations"][0]["evidence_start"] += 1
    broken["participants"][0]["name"] = "MengChow Kang"
    paper_id = next(row["article_id"] for row in broken["articles"] if row["text"] == NEGATIVE_TEXT)
    broken["events"].append(
        {
            **base["events"][0],
            "event_id": "f" * 16,
            "article_id": paper_id,
            "name": "第八届网络安全学术会议",
            **span(NEGATIVE_TEXT, "第八届网络安全学术会议"),
        }
    )
    broken["participants"].append({**base["participants"][0], "event_id": "f" * 16, "person_order": 1})
    cases = {
        "perfect": base,
        "missing": missing,
        "wrong_role": wrong_role,
        "wrong_date": wrong_date,
        "broken": broken,
    }
    return [write_build(tmp_path / name, rows) for name, rows in cases.items()]


def run_yardstick(build_dir: Path, gold_dir: Path, out: Path) -> dict:
    """The yardstick's JSON result, from running the script as CI and people do."""
    assert YARDSTICK is not None
    command = [
        sys.executable,
        str(YARDSTICK),
        "--pred",
        str(build_dir),
        "--gold",
        str(gold_dir),
        "--json",
        str(out),
    ]
    subprocess.run(command, check=True, capture_output=True)
    return json.loads(out.read_text(encoding="utf-8"))


@functools.cache
def load_yardstick() -> ModuleType:
    """The yardstick script as a module, to call its ``score`` in-process (much faster than a process)."""
    assert YARDSTICK is not None
    spec = importlib.util.spec_from_file_location("score_extraction", YARDSTICK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def yardstick_figures(result: dict) -> dict[str, float | None]:
    """The yardstick's JSON result in the form of ``figures``."""
    flat: dict[str, float | None] = {
        "headline": result["headline"],
        "evidence_exact": result["evidence_exact"],
    }
    for name in MATCH_FIGURES:
        flat.update({f"{name}.{key}": result[name][key] for key in ("precision", "recall", "f1")})
    flat.update({name: result.get(f"{name}_accuracy") for name in ACCURACY_FIELDS})
    return flat


def assert_agree(ours: dict, theirs: dict) -> None:
    """Every figure within 0.01; a figure with nothing to count is missing (yardstick) or None (ours)."""
    assert ours.keys() == theirs.keys()
    for name, value in theirs.items():
        if value is None or ours[name] is None:
            assert value is None and ours[name] is None, name
        else:
            assert abs(ours[name] - value) <= 0.01, (name, ours[name], value)


needs_yardstick = pytest.mark.skipif(
    YARDSTICK is None,
    reason="shared/tools/score_extraction.py is not in a shared/ folder beside the repository",
)


@needs_yardstick
def test_evaluate_agrees_with_yardstick_on_hand_built_cases(tmp_path: Path, gold_dir: Path) -> None:
    builds = scenario_builds(tmp_path)
    for build_dir in builds:
        ours = figures(evaluate(build_dir, gold_dir).to_dict())
        assert_agree(ours, yardstick_figures(load_yardstick().score(build_dir, gold_dir, False)))
    # the script run as a program gives what its function gives
    broken = builds[-1]
    assert_agree(
        figures(evaluate(broken, gold_dir).to_dict()),
        yardstick_figures(run_yardstick(broken, gold_dir, tmp_path / "broken.json")),
    )


def mutate(rows: dict[str, list[dict]], rng: random.Random) -> dict[str, list[dict]]:
    """A randomly damaged copy of prediction rows: dropped, renamed, duplicated and re-dated events,
    wrong roles, Latin-only names, shortened organization names, broken spans, a missing article."""
    rows = variant(rows)
    events = rows["events"]
    for event in list(events):
        roll = rng.random()
        if roll < 0.15:
            events.remove(event)
        elif roll < 0.3:
            name = event["name"]
            renamed = [name[: max(2, len(name) // 2)], name + "开幕式", "网络安全" + name[2:], "另一个"]
            event["name"] = rng.choice(renamed)
        elif roll < 0.4:
            events.append({**event, "event_id": f"{rng.getrandbits(64):016x}"})  # a duplicate: equal scores
        if rng.random() < 0.3 and event["start_date"] is not None:
            event["start_date"] = event["start_date"] + dt.timedelta(days=rng.choice([-1, 1]))
        if rng.random() < 0.3:
            event["start_date"] = None
        event["city"] = rng.choice([event["city"], (event["city"] or "") + "市", "上海", None])
        event["event_type"] = rng.choice([event["event_type"], "other"])
        event["status"] = rng.choice([event["status"], "upcoming"])
        event["attendance"] = rng.choice([event["attendance"], 100, None])
        event["edition"] = rng.choice([event["edition"], 1])
        event["series"] = rng.choice([event["series"], (event["series"] or "")[:3] or None])
        event["theme"] = rng.choice([event["theme"], "网络安全"])
    if rows["articles"] and rng.random() < 0.5:
        article = rng.choice(rows["articles"])
        events.append({**rng.choice(rows["events"] or [{**span(article["text"], article["text"][:2])}]),
                       "event_id": f"{rng.getrandbits(64):016x}", "article_id": article["article_id"],
                       "name": "额外的活动", "event_type": "forum", "status": "held", "start_date": None,
                       "end_date": None, "topics": []})  # fmt: skip
    for person in rows["participants"]:
        roll = rng.random()
        if roll < 0.15:
            person["role"] = rng.choice(["guest", "speaker", "moderator"])
        elif roll < 0.25 and person["name_latin"]:
            person["name"], person["name_latin"] = person["name_latin"].upper(), None
        elif roll < 0.35:
            person["person_order"] += 100
        person["affiliation"] = rng.choice([person["affiliation"], (person["affiliation"] or "")[:4] or None])
        person["position"] = rng.choice([person["position"], "教授"])
        person["talk_title"] = rng.choice([person["talk_title"], None])
    rows["participants"] = [person for person in rows["participants"] if rng.random() > 0.15]
    for organization in rows["organizations"]:
        organization["role"] = rng.choice([organization["role"], organization["role"], "organizer"])
        organization["name"] = rng.choice(
            [organization["name"], organization["name"][2:] or organization["name"]]
        )
    if rows["participants"] and rng.random() < 0.5:
        rng.choice(rows["participants"])["evidence_start"] += 1
    if rows["articles"] and rng.random() < 0.2:
        rows["articles"].remove(rng.choice(rows["articles"]))
    return rows


@needs_yardstick
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_evaluate_agrees_with_yardstick_on_random_damage_to_the_dev_gold(tmp_path: Path, seed: int) -> None:
    gold_dir = ROOT / "data" / "gold"
    gold = {
        path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(gold_dir.glob("*.json"))
    }
    build_dir = write_build(tmp_path / f"build-{seed}", mutate(rows_from_gold(gold), random.Random(seed)))
    theirs = yardstick_figures(load_yardstick().score(build_dir, gold_dir, False))
    ours = figures(evaluate(build_dir, gold_dir).to_dict())
    assert_agree(ours, theirs)
    # exact agreement, not just within 0.01, except for the headline's rounding order
    assert {k: v for k, v in ours.items() if k != "headline"} == {
        k: v for k, v in theirs.items() if k != "headline"
    }


#: the evaluation-only web set; read in place, never copied into data/
DEV_WEB = None if YARDSTICK is None else YARDSTICK.parents[1] / "corpus" / "dev-web"


@needs_yardstick
def test_evaluate_agrees_with_yardstick_on_the_build_of_data_raw(tmp_path: Path) -> None:
    build_dir, gold_dir = tmp_path / "build", ROOT / "data" / "gold"
    build(ROOT / "data" / "raw", build_dir)
    ours = figures(evaluate(build_dir, gold_dir).to_dict())
    assert_agree(ours, yardstick_figures(run_yardstick(build_dir, gold_dir, tmp_path / "dev.json")))


@pytest.mark.skipif(
    DEV_WEB is None or not DEV_WEB.is_dir(), reason="shared/corpus/dev-web is not beside the repository"
)
def test_evaluate_raw_scores_dev_web_as_the_yardstick_does(tmp_path: Path) -> None:
    articles, gold_dir, build_dir = DEV_WEB / "articles", DEV_WEB / "gold", tmp_path / "build"
    from_raw = score_against_gold(gold_dir, raw_dir=articles).to_dict()
    build(articles, build_dir)
    ours = figures(evaluate(build_dir, gold_dir).to_dict())
    assert figures(from_raw) == ours
    assert from_raw["gold_articles"] == len(list(gold_dir.glob("*.json")))
    assert from_raw["articles_missing_from_build"] == []
    assert_agree(ours, yardstick_figures(run_yardstick(build_dir, gold_dir, tmp_path / "dev-web.json")))
