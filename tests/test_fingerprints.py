"""The manifest's table fingerprints: the column-wise ``fingerprint`` equals its row-by-row definition."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schema
from builder.release import TABLE_KEYS, read_manifest
from builder.release import fingerprints as fingerprints_module
from builder.release.fingerprints import fingerprint, reference_fingerprint, sort_by_key
from builder.validate import read_build_tables

RELEASE = Path(__file__).resolve().parents[1] / "data" / "releases" / "1.0.0"

#: text with everything JSON escapes: quotes, backslashes, every control character, non-BMP characters
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from('"\\\n\r\t\b\f\x00\x01\x1f\x7f%'),
        st.characters(codec="utf-8"),
    ),
    max_size=12,
)
TIMES = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
)
#: Arrow type → values for it (None is a null)
COLUMN_VALUES = {
    pa.string(): TEXT,
    pa.large_string(): TEXT,
    pa.int16(): st.integers(-(2**15), 2**15 - 1),
    pa.int32(): st.integers(-(2**31), 2**31 - 1),
    pa.bool_(): st.booleans(),
    pa.date32(): st.dates(min_value=date(1, 1, 1)),
    pa.timestamp("us", tz="UTC"): TIMES,
    pa.list_(pa.string()): st.lists(TEXT, max_size=3),
    pa.float64(): st.floats(allow_nan=False),
}


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    """A key column (ties included), then 1–4 columns of the types above with nulls and odd names."""
    name = st.text(alphabet='ab"%\\\n', min_size=1, max_size=3)
    names = draw(st.lists(name, min_size=1, max_size=4, unique=True))
    rows = draw(st.integers(0, 8))
    columns = {"key": pa.array(draw(st.lists(st.integers(0, 3), min_size=rows, max_size=rows)), pa.int16())}
    for name in names:
        kind = draw(st.sampled_from(list(COLUMN_VALUES)))
        values = draw(st.lists(st.one_of(st.none(), COLUMN_VALUES[kind]), min_size=rows, max_size=rows))
        columns[name] = pa.array(values, type=kind)
    return pa.table(columns)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_fingerprint_equals_the_row_by_row_definition(table: pa.Table) -> None:
    keys = ["key"]
    assert fingerprint(table, keys) == reference_fingerprint(table, keys)
    assert fingerprint(sort_by_key(table, keys), keys, ordered=True) == reference_fingerprint(table, keys)


@settings(max_examples=50, deadline=None)
@given(tables())
def test_fingerprint_is_the_same_across_batches_and_chunks(table: pa.Table) -> None:
    keys = ["key"]
    chunked = pa.concat_tables([table.slice(0, 3), table.slice(3)])
    expected = reference_fingerprint(table, keys)
    assert fingerprint(chunked, keys) == expected
    previous = fingerprints_module.FINGERPRINT_BATCH
    fingerprints_module.FINGERPRINT_BATCH = 2
    try:
        assert fingerprint(chunked, keys) == expected
    finally:
        fingerprints_module.FINGERPRINT_BATCH = previous


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_fingerprint_of_release_1_0_0_tables_matches_its_manifest(table: str) -> None:
    manifest = read_manifest(RELEASE)
    data = read_build_tables(RELEASE)[table].cast(schema.arrow_schema(table))
    assert fingerprint(data, TABLE_KEYS[table]) == manifest["tables"][table]["fingerprint"]
