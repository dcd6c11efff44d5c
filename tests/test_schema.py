"""The pandera models as the contract: descriptions, Arrow types, vocabularies and custom checks."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandera.errors import SchemaErrors

import schema
from builder.validate import _PANDERA_RULES
from schema import vocab
from schema.relations import RULES, shift_years

ROOT = Path(__file__).resolve().parents[1]

#: the Arrow type and nullability of every column, copied from shared/spec/dataset.md (schema version 1)
CONTRACT: dict[str, dict[str, tuple[pa.DataType, bool]]] = {
    "articles": {
        "article_id": (pa.string(), False),
        "url": (pa.string(), False),
        "canonical_url": (pa.string(), False),
        "title": (pa.string(), False),
        "source": (pa.string(), False),
        "published_date": (pa.date32(), False),
        "fetched_at": (pa.timestamp("us", tz="UTC"), True),
        "language": (pa.string(), False),
        "text": (pa.large_string(), False),
        "n_events": (pa.int16(), False),
        "raw_sha256": (pa.string(), False),
    },
    "events": {
        "event_id": (pa.string(), False),
        "article_id": (pa.string(), False),
        "name": (pa.string(), False),
        "event_type": (pa.string(), False),
        "status": (pa.string(), False),
        "series": (pa.string(), True),
        "edition": (pa.int16(), True),
        "parent_event": (pa.string(), True),
        "start_date": (pa.date32(), True),
        "end_date": (pa.date32(), True),
        "city": (pa.string(), True),
        "country": (pa.string(), True),
        "venue": (pa.string(), True),
        "theme": (pa.string(), True),
        "topics": (pa.list_(pa.string()), False),
        "attendance": (pa.int32(), True),
        "attendance_text": (pa.string(), True),
        "evidence": (pa.string(), False),
        "evidence_start": (pa.int32(), False),
        "evidence_end": (pa.int32(), False),
    },
    "participants": {
        "event_id": (pa.string(), False),
        "person_order": (pa.int16(), False),
        "name": (pa.string(), False),
        "name_latin": (pa.string(), True),
        "role": (pa.string(), False),
        "affiliation": (pa.string(), True),
        "position": (pa.string(), True),
        "talk_title": (pa.string(), True),
        "evidence": (pa.string(), False),
        "evidence_start": (pa.int32(), False),
        "evidence_end": (pa.int32(), False),
    },
    "organizations": {
        "event_id": (pa.string(), False),
        "org_order": (pa.int16(), False),
        "name": (pa.string(), False),
        "role": (pa.string(), False),
        "evidence": (pa.string(), False),
        "evidence_start": (pa.int32(), False),
        "evidence_end": (pa.int32(), False),
    },
}

VOCABULARIES = {
    ("events", "event_type"): vocab.EVENT_TYPES,
    ("events", "status"): vocab.EVENT_STATUSES,
    ("participants", "role"): vocab.PARTICIPANT_ROLES,
    ("organizations", "role"): vocab.ORGANIZATION_ROLES,
}


def columns(table: str) -> dict:
    return schema.TABLES[table].to_schema().columns


def check_names(table: str, column: str) -> set[str]:
    return {check.name for check in columns(table)[column].checks}


def test_tables_are_the_contract_tables_in_dependency_order():
    assert list(schema.TABLES) == ["articles", "events", "participants", "organizations"]


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_schema_every_column_and_table_has_a_description(table):
    descriptions = schema.column_descriptions(table)

    assert list(descriptions) == list(CONTRACT[table])
    assert [name for name, text in descriptions.items() if len(text.strip()) < 10] == []
    assert schema.TABLES[table].Config.description


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_arrow_schema_has_the_contract_types_and_nullability(table):
    derived = schema.arrow_schema(table)

    assert {field.name: (field.type, field.nullable) for field in derived} == CONTRACT[table]
    assert derived.names == list(CONTRACT[table])


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_the_written_out_arrow_schemas_are_the_ones_read_from_the_models(table):
    from schema.arrow import ARROW_SCHEMAS, TABLE_NAMES

    assert TABLE_NAMES == tuple(schema.TABLES)
    assert ARROW_SCHEMAS[table].equals(schema.arrow_schema(table), check_metadata=True)


def test_the_generated_arrow_module_is_up_to_date():
    from schema.generate_arrow import TARGET, render

    assert TARGET.read_text(encoding="utf-8") == render(), (
        "schema/arrow.py is stale: run python -m schema.generate_arrow"
    )


def test_the_generator_refuses_a_type_it_cannot_write():
    from schema.generate_arrow import field_code, type_code

    assert type_code(pa.list_(pa.field("item", pa.string(), nullable=False))) == (
        'pa.list_(pa.field("item", pa.string(), nullable=False))'
    )
    stamp = pa.field("at", pa.timestamp("us", tz="UTC"))
    assert field_code(stamp) == 'pa.field("at", pa.timestamp("us", tz="UTC"))'
    with pytest.raises(ValueError, match="cannot write the Arrow type"):
        type_code(pa.decimal128(5, 2))


def test_importing_schema_and_its_light_modules_loads_neither_pandas_nor_pandera():
    code = (
        "import sys\n"
        "import schema, schema.arrow, schema.relations, schema.vocab\n"
        "assert schema.SCHEMA_VERSION\n"
        "print(','.join(m for m in ('pandas', 'pandera') if m in sys.modules))\n"
        "assert list(schema.TABLES) == list(schema.arrow.TABLE_NAMES)\n"
        "print(','.join(m for m in ('pandas', 'pandera') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["", "pandas,pandera"]


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_arrow_schema_round_trips_through_pandas_into_the_model(table):
    empty = schema.arrow_schema(table).empty_table()
    frame = empty.to_pandas(types_mapper=pd.ArrowDtype)

    schema.TABLES[table].validate(frame, lazy=True)
    arrow_types = [field.type for field in schema.arrow_schema(table)]
    assert [dtype.pyarrow_dtype for dtype in frame.dtypes] == arrow_types


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_every_string_column_rejects_blank_values(table):
    # a free-text column needs not_blank; a coded one is covered by its pattern or vocabulary
    for name, (arrow_type, _) in CONTRACT[table].items():
        if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
            assert check_names(table, name) & {"not_blank", "str_matches", "isin"}, name
        if pa.types.is_list(arrow_type):
            assert "no_blank_items" in check_names(table, name), name


@pytest.mark.parametrize(("table", "column"), list(VOCABULARIES))
def test_categorical_columns_allow_exactly_the_vocabulary(table, column):
    (isin,) = [check for check in columns(table)[column].checks if check.name == "isin"]

    assert list(isin.statistics["allowed_values"]) == list(VOCABULARIES[(table, column)])


def test_composite_keys_are_unique_in_the_models():
    assert schema.ParticipantsSchema.Config.unique == ["event_id", "person_order"]
    assert schema.OrganizationsSchema.Config.unique == ["event_id", "org_order"]
    assert columns("articles")["article_id"].unique
    assert columns("events")["event_id"].unique


def test_every_rule_id_the_validator_emits_is_documented():
    emitted = {rule for rule, _ in _PANDERA_RULES.values()}
    assert emitted <= set(RULES)


def _venue_failures(values: list[str | None]) -> list[int]:
    venue = schema.EventsSchema.to_schema().columns["venue"]
    frame = pd.DataFrame({"venue": pd.array(values, dtype=pd.ArrowDtype(pa.string()))})
    try:
        venue.validate(frame, lazy=True)
    except SchemaErrors as errors:
        return sorted(errors.failure_cases["index"].tolist())
    return []


@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from(" \t\n\u3000\xa0\u2003ab北京")))))
def test_not_blank_fails_exactly_the_strings_python_calls_blank(values):
    expected = [row for row, value in enumerate(values) if value is not None and not value.strip()]

    assert _venue_failures(values) == expected


@given(st.lists(st.lists(st.text(alphabet=st.sampled_from(" \u3000a数")), max_size=3)))
def test_no_blank_items_fails_lists_with_a_blank_item(lists):
    frame = pd.DataFrame({"topics": pd.array(lists, dtype=pd.ArrowDtype(pa.list_(pa.string())))})
    topics = schema.EventsSchema.to_schema().columns["topics"]
    expected = [row for row, items in enumerate(lists) if any(not item.strip() for item in items)]
    try:
        topics.validate(frame, lazy=True)
        failed: list[int] = []
    except SchemaErrors as errors:
        failed = sorted(errors.failure_cases["index"].tolist())

    assert failed == expected


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (dt.date(2024, 12, 10), -2, dt.date(2022, 12, 10)),
        (dt.date(2024, 12, 10), 1, dt.date(2025, 12, 10)),
        (dt.date(2024, 2, 29), -2, dt.date(2022, 2, 28)),
        (dt.date(2024, 2, 29), 1, dt.date(2025, 2, 28)),
    ],
)
def test_shift_years_keeps_the_calendar_day(day, years, expected):
    assert shift_years(day, years) == expected
