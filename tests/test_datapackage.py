"""datapackage.json: a valid Frictionless Data Package v2, generated from the schema and manifest.

frictionless validates the descriptor fully. Its Parquet reader goes through pandas, which turns
list cells into numpy arrays and null integers into NaN, so the data is validated for the columns
it can type: strings, dates, timestamps and non-null integers (every column but the lists and the
nullable integers); the file hashes are checked here with hashlib, since frictionless does not
hash Parquet files.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import schema
from schema.vocab import EVENT_STATUSES, EVENT_TYPES, ORGANIZATION_ROLES, PARTICIPANT_ROLES


@pytest.fixture(scope="module")
def descriptor(card_build: Path) -> dict:
    return json.loads((card_build / "datapackage.json").read_text(encoding="utf-8"))


def typable(field: dict) -> bool:
    """Whether frictionless's Parquet reader gives this column's cells their declared type."""
    nullable_integer = field["type"] == "integer" and not field.get("constraints", {}).get("required")
    return field["type"] not in ("array", "object") and not nullable_integer


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


def test_frictionless_validates_the_data_of_every_typable_column(card_build: Path, descriptor: dict) -> None:
    from frictionless import Checklist, Resource, Schema
    from frictionless.formats import ParquetControl

    checked = 0
    for item in descriptor["resources"]:
        fields = [field for field in item["schema"]["fields"] if typable(field)]
        resource = Resource(
            path=item["path"],
            basepath=str(card_build),
            format="parquet",
            schema=Schema.from_descriptor({"fields": fields, "primaryKey": item["schema"]["primaryKey"]}),
            control=ParquetControl(columns=[field["name"] for field in fields]),
        )
        report = resource.validate(checklist=Checklist(skip_errors=["byte-count", "hash-count"]))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
        checked += len(fields)
    assert checked >= 50
