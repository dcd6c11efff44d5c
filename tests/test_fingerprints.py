"""The manifest's table fingerprints.

``arrow-columns`` tells tables apart exactly as the ``json-rows`` definition does, and the fast
``json-rows`` fingerprint (manifests without ``fingerprint_method``) equals that definition.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schema
from builder.errors import BuildFolderError
from builder.release import TABLE_KEYS, read_manifest
from builder.release import json_rows as json_rows_module
from builder.release.diff import same_content
from builder.release.fingerprints import ARROW_COLUMNS, JSON_ROWS, fingerprint_with, method_of
from builder.release.json_rows import json_rows_fingerprint, reference_fingerprint, sort_by_key
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
def test_json_rows_fingerprint_equals_the_row_by_row_definition(table: pa.Table) -> None:
    keys = ["key"]
    assert json_rows_fingerprint(table, keys) == reference_fingerprint(table, keys)
    expected = reference_fingerprint(table, keys)
    assert json_rows_fingerprint(sort_by_key(table, keys), keys, ordered=True) == expected


@settings(max_examples=50, deadline=None)
@given(tables())
def test_json_rows_fingerprint_is_the_same_across_batches_and_chunks(table: pa.Table) -> None:
    keys = ["key"]
    chunked = pa.concat_tables([table.slice(0, 3), table.slice(3)])
    expected = reference_fingerprint(table, keys)
    assert json_rows_fingerprint(chunked, keys) == expected
    previous = json_rows_module.FINGERPRINT_BATCH
    json_rows_module.FINGERPRINT_BATCH = 2
    try:
        assert json_rows_fingerprint(chunked, keys) == expected
    finally:
        json_rows_module.FINGERPRINT_BATCH = previous


@st.composite
def table_pairs(draw: st.DrawFn) -> tuple[pa.Table, pa.Table]:
    """A table and a copy with one cell redrawn from the same values (often equal, often not)."""
    table = draw(tables())
    if table.num_rows == 0:
        return table, table
    position = draw(st.integers(1, table.num_columns - 1))
    row = draw(st.integers(0, table.num_rows - 1))
    column = table.column(position)
    values = column.to_pylist()
    values[row] = draw(st.one_of(st.none(), st.sampled_from(values), COLUMN_VALUES[column.type]))
    changed = pa.array(values, type=column.type)
    return table, table.set_column(position, table.schema.field(position), changed)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_pairs())
def test_arrow_columns_fingerprints_differ_exactly_when_json_rows_differ(
    pair: tuple[pa.Table, pa.Table],
) -> None:
    first, second = pair
    keys = ["key"]
    same_rows = reference_fingerprint(first, keys) == reference_fingerprint(second, keys)
    same_print = fingerprint_with(ARROW_COLUMNS, first, keys) == fingerprint_with(ARROW_COLUMNS, second, keys)
    assert same_print == same_rows


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.randoms(use_true_random=False))
def test_arrow_columns_fingerprint_ignores_row_order_chunks_and_parquet(table: pa.Table, random) -> None:
    import pyarrow.parquet as pq

    keys = ["key"]
    expected = fingerprint_with(ARROW_COLUMNS, table, keys)
    order = list(range(table.num_rows))
    random.shuffle(order)
    shuffled = sort_by_key(table, keys).take(pa.array(order, pa.int64())) if order else table
    # the shuffle loses the order of equal keys, which the fingerprint keeps: compare on unique keys
    if len(set(table.column("key").to_pylist())) == table.num_rows:
        assert fingerprint_with(ARROW_COLUMNS, shuffled, keys) == expected
    chunked = pa.concat_tables([table.slice(0, 2), table.slice(2, 3), table.slice(5)])
    assert fingerprint_with(ARROW_COLUMNS, chunked, keys) == expected
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    assert fingerprint_with(ARROW_COLUMNS, pq.read_table(pa.BufferReader(sink.getvalue())), keys) == expected


def test_arrow_columns_fingerprint_tells_value_boundaries_apart() -> None:
    keys = ["key"]
    kinds = {"key": pa.int16(), "text": pa.string(), "items": pa.list_(pa.string())}

    def make(texts: list, items: list) -> str:
        table = pa.table({"key": [1, 2], "text": texts, "items": items}, schema=pa.schema(kinds))
        return fingerprint_with(ARROW_COLUMNS, table, keys)

    prints = {
        make(["ab", "c"], [[], []]),
        make(["a", "bc"], [[], []]),
        make(["", "abc"], [[], []]),
        make([None, "abc"], [[], []]),
        make(["ab", "c"], [["a", "b"], []]),
        make(["ab", "c"], [["ab"], []]),
        make(["ab", "c"], [["a"], ["b"]]),
        make(["ab", "c"], [None, []]),
    }
    assert len(prints) == 8


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_fingerprint_of_release_1_0_0_tables_matches_its_manifest(table: str) -> None:
    info = read_manifest(RELEASE)["tables"][table]
    data = read_build_tables(RELEASE)[table].cast(schema.arrow_schema(table))
    assert method_of(info) == JSON_ROWS
    assert fingerprint_with(JSON_ROWS, data, TABLE_KEYS[table]) == info["fingerprint"]
    assert reference_fingerprint(data, TABLE_KEYS[table]) == info["fingerprint"]


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_same_content_across_fingerprint_methods(table: str) -> None:
    old_info = read_manifest(RELEASE)["tables"][table]
    data = read_build_tables(RELEASE)[table].cast(schema.arrow_schema(table))
    keys = TABLE_KEYS[table]
    new_info = {**old_info, "fingerprint": fingerprint_with(ARROW_COLUMNS, data, keys)}
    new_info["fingerprint_method"] = ARROW_COLUMNS
    assert same_content(data, old_info, new_info)
    other = fingerprint_with(ARROW_COLUMNS, data.slice(1), keys)
    assert not same_content(data, old_info, {**new_info, "fingerprint": other})


def test_fingerprint_with_an_unknown_method_is_a_builder_error() -> None:
    table = pa.table({"key": pa.array([1], pa.int16())})
    with pytest.raises(BuildFolderError) as error:
        fingerprint_with("md5-rows", table, ["key"])
    assert error.value.line() == (
        "fingerprint_method: unknown fingerprint method (got 'md5-rows'). "
        "This builder knows arrow-columns and json-rows; use the one that wrote the manifest."
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 3)), max_size=12))
def test_sort_by_key_equals_a_stable_sort_and_returns_a_sorted_table_untouched(rows):
    table = pa.table({"key": [key for key, _ in rows], "order": [order for _, order in rows]})
    expected = sorted(range(len(rows)), key=lambda index: rows[index][0])
    assert sort_by_key(table, ["key"]).equals(table.take(pa.array(expected, pa.int64())))
    already = sort_by_key(table, ["key"])
    assert sort_by_key(already, ["key"]) is already or already.num_rows == 0
