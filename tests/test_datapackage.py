"""datapackage.json: a valid Frictionless Data Package v2, generated from the schema and manifest.

The descriptor is validated fully, and the data of every column frictionless's Parquet reader
can type (``builder.card.checks`` says which columns it cannot, and why).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

import schema
from builder.card.checks import check_metadata
from schema.vocab import EVENT_STATUSES, EVENT_TYPES, ORGANIZATION_ROLES, PARTICIPANT_ROLES


@pytest.fixture(scope="module")
def descriptor(card_build: Path) -> dict:
    return json.loads((card_build / "datapackage.json").read_text(encoding="utf-8"))


def test_descriptor_is_valid(descriptor: dict) -> None:
    from frictionless import Package

    assert [error.message for error in Package.metadata_validate(descriptor)] == []
    package = Package.from_descriptor(descriptor)
    assert [resource.name for resource in package.resources][-1] == "documents"
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"


def test_resources_carry_keys_and_categories_from_the_schema(descriptor: dict) -> None:
    resources = {item["name"]: item for item in descriptor["resources"]}
    assert list(resources) == ["articles", "events", "participants", "organizations", "documents"]
    assert resources["participants"]["schema"]["primaryKey"] == ["event_id", "person_order"]
    assert resources["events"]["schema"]["foreignKeys"] == [
        {"fields": ["article_id"], "reference": {"resource": "articles", "fields": ["article_id"]}}
    ]
    fields = {field["name"]: field for field in resources["events"]["schema"]["fields"]}
    assert fields["event_type"]["categories"] == list(EVENT_TYPES)
    assert fields["status"]["constraints"]["enum"] == list(EVENT_STATUSES)
    assert fields["topics"]["arrayItem"] == {"type": "string"}
    assert fields["start_date"]["type"] == "date"
    assert fields["event_id"]["constraints"] == {"required": True, "unique": True, "pattern": "[0-9a-f]{16}"}
    roles = {
        name: {f["name"]: f for f in resources[name]["schema"]["fields"]}["role"]
        for name in ("participants", "organizations")
    }
    assert roles["participants"]["categories"] == list(PARTICIPANT_ROLES)
    assert roles["organizations"]["categories"] == list(ORGANIZATION_ROLES)
    for table in schema.TABLES:
        described = {field["name"]: field["description"] for field in resources[table]["schema"]["fields"]}
        assert described == schema.column_descriptions(table)


def test_resources_hash_and_size_match_the_files(card_build: Path, descriptor: dict) -> None:
    for resource in descriptor["resources"]:
        data = (card_build / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["bytes"] == len(data)


def test_frictionless_validates_the_data_of_every_typable_column(card_build: Path) -> None:
    report = check_metadata(card_build)
    assert report.ok, report.problems
    assert sum(len(columns) for columns in report.frictionless_columns.values()) >= 50
    assert report.frictionless_skipped["events"] == ["edition", "topics", "attendance"]
    assert report.frictionless_skipped["documents"] == ["events"]
    assert "title" in report.frictionless_columns["documents"]


def test_frictionless_finds_a_value_outside_the_categories(card_build: Path, tmp_path: Path) -> None:
    folder = tmp_path / "build"
    shutil.copytree(card_build, folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    events = next(item for item in descriptor["resources"] if item["name"] == "events")
    status = next(field for field in events["schema"]["fields"] if field["name"] == "status")
    status["constraints"]["enum"] = ["upcoming"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = check_metadata(folder)
    assert not report.ok
    assert any(
        problem.startswith(f"{folder / 'datapackage.json'}: events row ")
        and ": status: constraint-error" in problem
        for problem in report.problems
    ), report.problems


def test_the_validators_side_by_side_give_the_report_they_give_one_after_the_other(
    card_build: Path, tmp_path: Path
) -> None:
    # a large folder runs mlcroissant in a child process; parallel_rows=0 makes this small one do so
    assert check_metadata(card_build, parallel_rows=0).to_dict() == check_metadata(card_build).to_dict()
    folder = tmp_path / "build"
    shutil.copytree(card_build, folder)
    croissant = json.loads((folder / "croissant.json").read_text(encoding="utf-8"))
    croissant["recordSet"] = croissant["recordSet"][:-1] + [{**croissant["recordSet"][-1], "field": "bad"}]
    (folder / "croissant.json").write_text(json.dumps(croissant), encoding="utf-8")
    descriptor = (folder / "datapackage.json").read_text(encoding="utf-8")
    (folder / "datapackage.json").write_text(descriptor.replace('"upcoming"', '"soon"'), encoding="utf-8")
    one_after_the_other = check_metadata(folder, parallel_rows=10**12)
    # a problem from each validator, croissant's first
    problems = one_after_the_other.problems
    assert "croissant.json" in problems[0] and "datapackage.json" in problems[-1], problems
    assert check_metadata(folder, parallel_rows=0).to_dict() == one_after_the_other.to_dict()
