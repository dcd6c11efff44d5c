"""``builder validate DIR`` on real build folders written in tmp_path."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import schema
from builder.cli import app
from builder.tables import event_id_for
from builder.validate import validate_build
from tests.validation_data import FORUM, RAW, SEED_FILE, forum, real_articles, seed_of, write_real_build

SHARD = "train-00000-of-00001.parquet"
EVENT_ID = event_id_for(FORUM, dt.date(2024, 12, 7))
#: every readable article of data/raw is published; the one event has 2 people and 2 organizations
ARTICLES = len(real_articles()[0])
ROWS = f"articles {ARTICLES}, events 1, participants 2, organizations 2"


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    articles = real_articles()[0]
    return write_real_build(tmp_path_factory.mktemp("clean") / "build", forum(seed_of(articles)))


@pytest.fixture
def build(clean_build: Path, tmp_path: Path) -> Path:
    """A private copy of the clean build that a test may break."""
    return Path(shutil.copytree(clean_build, tmp_path / "build"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def rewrite(build: Path, table: str, column: str, values: list) -> None:
    """Replace one column of a table's shard, keeping the contract's Arrow schema."""
    path = build / table / SHARD
    data = pq.read_table(path)
    position = data.schema.get_field_index(column)
    column_type = schema.arrow_schema(table).field(column).type
    replaced = data.set_column(position, pa.field(column, column_type), pa.array(values, column_type))
    pq.write_table(replaced, path)


def test_validate_clean_build_exits_0(runner, build):
    result = runner.invoke(app, ["validate", str(build)])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{build}: valid ({ROWS} rows)"
    ]


def test_validate_reports_every_violation_with_its_source_file(runner, build):
    rewrite(build, "events", "end_date", [dt.date(2024, 12, 6)])
    rewrite(build, "participants", "name", ["吴昀国", " "])
    rewrite(build, "organizations", "role", ["organizer", "fan"])

    result = runner.invoke(app, ["validate", str(build)])

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{SEED_FILE}: events {EVENT_ID}: end_date: before start_date 2024-12-07 (got '2024-12-06')",
        f"{SEED_FILE}: participants {EVENT_ID}#2: name: empty or only white space (got ' ')",
        f"{SEED_FILE}: organizations {EVENT_ID}#2: role: not one of organizer, co_organizer, host, co_host, "
        "supporter, guide, sponsor, other (got 'fan')",
        f"{build}: 3 violations ({ROWS} rows)",
    ]


def test_validate_reports_a_broken_evidence_span_and_n_events(runner, build):
    rewrite(build, "events", "evidence_start", [0])
    articles = pq.read_table(build / "articles" / SHARD)
    seed_row = articles.column("article_id").to_pylist().index(seed_of(real_articles()[0]).article_id)
    n_events = articles.column("n_events").to_pylist()
    n_events[seed_row] = 2
    rewrite(build, "articles", "n_events", n_events)

    result = runner.invoke(app, ["validate", str(build)])

    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert lines[0] == (
        f"{SEED_FILE}: articles {seed_of(real_articles()[0]).article_id}: n_events: "
        "differs from the 1 rows in events (got '2')"
    )
    assert lines[1].startswith(f"{SEED_FILE}: events {EVENT_ID}: evidence: is not articles.text[0:")
    assert lines[2].endswith(f"2 violations ({ROWS} rows)")


def test_validate_json_prints_the_report_unchanged(runner, build):
    rewrite(build, "participants", "name", ["吴昀国", "\u3000"])

    result = runner.invoke(app, ["validate", str(build), "--json"])

    assert result.exit_code == 1
    assert json.loads(result.output) == validate_build(build).to_dict()
    assert json.loads(result.output)["violations"] == [
        {
            "rule": "not_blank",
            "table": "participants",
            "key": f"{EVENT_ID}#2",
            "column": "name",
            "value": "\u3000",
            "source_file": SEED_FILE,
            "problem": "empty or only white space",
            # repr makes the invisible ideographic space visible in the line
            "message": f"{SEED_FILE}: participants {EVENT_ID}#2: name: empty or only white space "
            "(got '\\u3000')",
        }
    ]


def test_validate_missing_folder_exits_1_with_one_line(runner, tmp_path):
    missing = tmp_path / "nowhere"

    result = runner.invoke(app, ["validate", str(missing)])

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {missing}: build folder not found. Run `builder build --out {missing}` first."
    ]


def test_validate_missing_table_exits_1_with_one_line(runner, build):
    shutil.rmtree(build / "participants")

    result = runner.invoke(app, ["validate", str(build)])

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {build / 'participants'}: no Parquet files for this table. "
        f"Rebuild the folder with `builder build --out {build}`."
    ]


def test_validate_wrong_arrow_type_exits_1_with_one_line(runner, build):
    path = build / "events" / SHARD
    data = pq.read_table(path)
    position = data.schema.get_field_index("edition")
    pq.write_table(data.set_column(position, "edition", pc.cast(data.column("edition"), pa.int64())), path)

    result = runner.invoke(app, ["validate", str(build)])

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {path}: events: edition: wrong Arrow type (got 'int64'). Expected int16."
    ]


def test_validate_without_manifest_reports_without_source_file(runner, build):
    (build / "manifest.json").unlink()
    rewrite(build, "events", "event_type", ["party"])

    result = runner.invoke(app, ["validate", str(build)])

    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"events {EVENT_ID}: event_type: not one of forum, summit, conference, seminar, competition, "
        "ceremony, exhibition, training, exercise, campaign, meeting, other (got 'party')"
    )


def test_validate_reports_a_null_in_a_required_column(runner, build):
    rewrite(build, "events", "name", [None])

    result = runner.invoke(app, ["validate", str(build)])

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{SEED_FILE}: events {EVENT_ID}: name: is null (got null)",
        f"{build}: 1 violation ({ROWS} rows)",
    ]


def test_validate_unreadable_parquet_exits_1_with_one_line(runner, build):
    path = build / "organizations" / SHARD
    path.write_bytes(b"not parquet")

    result = runner.invoke(app, ["validate", str(build)])

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {path}: not a readable Parquet file. Rebuild the folder with `builder build --out {build}`."
    ]


def test_validate_passes_on_a_fresh_build_of_data_raw(runner, tmp_path):
    out = tmp_path / "build"
    built = runner.invoke(app, ["build", "--raw", str(RAW), "--out", str(out), "--quiet"])
    assert built.exit_code == 0, built.output

    result = runner.invoke(app, ["validate", str(out)])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith(f"{out}: valid (articles {ARTICLES}, events ")
