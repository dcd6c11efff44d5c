"""croissant.json: valid Croissant 1.0 that mlcroissant can load, generated from the schema and manifest."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import schema
from builder.card.croissant import RAI, data_type

RECORD_SETS = ("articles", "events", "participants", "organizations", "documents")


@pytest.fixture(scope="module")
def metadata(card_build: Path) -> dict:
    return json.loads((card_build / "croissant.json").read_text(encoding="utf-8"))


def test_mlcroissant_validate_passes(card_build: Path) -> None:
    command = shutil.which("mlcroissant")
    assert command, "mlcroissant's command line is installed with the test extra"
    result = subprocess.run(
        [command, "validate", "--jsonld", str(card_build / "croissant.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower()
    assert "Done." in result.stderr


def test_distribution_lists_every_parquet_file_with_its_sha256(card_build: Path, metadata: dict) -> None:
    files = {item["contentUrl"]: item for item in metadata["distribution"]}
    assert sorted(files) == sorted(f"{name}/train-00000-of-00001.parquet" for name in RECORD_SETS)
    for relative, item in files.items():
        data = (card_build / relative).read_bytes()
        assert item["sha256"] == hashlib.sha256(data).hexdigest()
        assert item["contentSize"] == f"{len(data)} B"
        assert item["encodingFormat"] == "application/x-parquet"


def test_record_sets_carry_the_schema_types_and_descriptions(metadata: dict) -> None:
    record_sets = {item["name"]: item for item in metadata["recordSet"]}
    assert list(record_sets) == list(RECORD_SETS)
    for table in schema.TABLES:
        fields = {field["name"]: field for field in record_sets[table]["field"]}
        arrow = schema.arrow_schema(table)
        assert list(fields) == arrow.names
        for name, description in schema.column_descriptions(table).items():
            assert fields[name]["description"].startswith(description)
            assert fields[name]["dataType"] == data_type(arrow.field(name).type)
    events = {field["name"]: field for field in record_sets["events"]["field"]}
    assert events["start_date"]["dataType"] == "sc:Date"
    assert events["edition"]["dataType"] == "sc:Integer"
    assert events["topics"]["repeated"] is True
    assert "references" not in events["article_id"]
    assert "foreign key to `articles`" in events["article_id"]["description"]
    assert record_sets["participants"]["key"] == [
        {"@id": "participants/event_id"},
        {"@id": "participants/person_order"},
    ]


def test_responsible_ai_fields_are_filled(metadata: dict) -> None:
    for key in (
        "rai:dataCollection",
        "rai:dataAnnotationProtocol",
        "rai:dataLimitations",
        "rai:dataBiases",
        "rai:personalSensitiveInformation",
        "rai:dataReleaseMaintenancePlan",
        "rai:dataUseCases",
    ):
        assert metadata[key] == RAI[key] and metadata[key]
    assert metadata["rai:machineAnnotationTools"] == ["builder 0.1.0, extractor gold-replay test"]
    assert metadata["citeAs"].startswith("@misc{")
    assert metadata["conformsTo"] == "http://mlcommons.org/croissant/1.0"


def test_mlcroissant_loads_every_record_set(card_build: Path) -> None:
    import mlcroissant

    dataset = mlcroissant.Dataset(jsonld=str(card_build / "croissant.json"))
    for name in RECORD_SETS:
        table = pq.read_table(card_build / name / "train-00000-of-00001.parquet")
        records = list(dataset.records(record_set=name))
        assert len(records) == table.num_rows, name
        key = "event_id" if name in ("events", "participants", "organizations") else "article_id"
        assert sorted(record[f"{name}/{key}"].decode() for record in records) == sorted(
            table.column(key).to_pylist()
        )


def test_mlcroissant_reads_the_nested_events_of_documents(card_build: Path) -> None:
    import mlcroissant

    dataset = mlcroissant.Dataset(jsonld=str(card_build / "croissant.json"))
    documents = pq.read_table(card_build / "documents" / "train-00000-of-00001.parquet").to_pylist()
    expected = {row["article_id"]: [event["name"] for event in row["events"]] for row in documents}
    for record in dataset.records(record_set="documents"):
        article_id = record["documents/article_id"].decode()
        events = record["documents/events"] or []
        names = [event["documents/events/name"].decode() for event in events]
        assert names == expected[article_id]


def test_mlcroissant_validates_and_loads_a_build_without_events(eventless_build: Path) -> None:
    import mlcroissant

    dataset = mlcroissant.Dataset(jsonld=str(eventless_build / "croissant.json"))
    counts = {name: len(list(dataset.records(record_set=name))) for name in RECORD_SETS}
    assert counts == {"articles": 2, "events": 0, "participants": 0, "organizations": 0, "documents": 2}
