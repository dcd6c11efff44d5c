"""``diff_table`` compares in Arrow and reports exactly what the row-by-row reference reported."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.release.diff import _with_event_ids_renamed, diff_table
from tests.reference_diff import reference_diff_table

#: a participants-like table with one column of every kind the comparison treats apart
SCHEMA = pa.schema([
    ("event_id", pa.string()),
    ("name", pa.string()),
    ("role", pa.string()),
    ("position", pa.string()),
    ("person_order", pa.int16()),
    ("topics", pa.list_(pa.string())),
    ("seen_at", pa.timestamp("us", tz="UTC")),
    ("day", pa.date32()),
    ("score", pa.float64()),
    ("article_id", pa.string()),
    ("start_date", pa.date32()),
])

WORDS = st.sampled_from(["甲", "乙", "a", "", "x\ny"])
ROW = st.fixed_dictionaries({
    "event_id": st.sampled_from(["e1", "e2", "e3"]),
    "name": st.one_of(st.none(), WORDS),
    "role": st.sampled_from(["speaker", "guest"]),
    "position": st.one_of(st.none(), WORDS),
    "person_order": st.one_of(st.none(), st.integers(-2, 2)),
    "topics": st.one_of(st.none(), st.lists(WORDS, max_size=2)),
    "seen_at": st.one_of(st.none(), st.sampled_from([datetime(2024, 1, day, tzinfo=UTC) for day in (1, 2)])),
    "day": st.one_of(st.none(), st.sampled_from([date(2024, 1, 1), date(2025, 6, 30)])),
    "score": st.one_of(st.none(), st.sampled_from([0.0, -0.0, 1.5, math.nan])),
    "article_id": st.sampled_from(["a1", "a2"]),
    "start_date": st.one_of(st.none(), st.sampled_from([date(2024, 1, 1), date(2024, 2, 1)])),
})
TABLE = st.lists(ROW, max_size=12).map(lambda rows: pa.Table.from_pylist(rows, schema=SCHEMA))


def _same(got, expected) -> None:
    """Equal reports; NaN compares unequal to itself, so the reports are compared as text."""
    (got_table, got_renamed), (expected_table, expected_renamed) = got, expected
    assert repr(got_table.to_dict()) == repr(expected_table.to_dict())
    assert got_renamed == expected_renamed


@settings(max_examples=300)
@given(
    name=st.sampled_from(["participants", "organizations", "events"]),
    old=TABLE,
    new=TABLE,
    batch_rows=st.sampled_from([1, 3, 4096]),
    drop=st.sets(st.sampled_from(SCHEMA.names[3:]), max_size=3),
)
def test_diff_table_reports_what_the_reference_reports(
    name: str, old: pa.Table, new: pa.Table, batch_rows: int, drop: set[str]
) -> None:
    # events are keyed by event_id and matched again by article and start date when it changed
    columns = [column for column in SCHEMA.names if column not in drop]
    got = diff_table(name, old, new, columns, batch_rows=batch_rows)
    _same(got, reference_diff_table(name, old, new, columns, {}))


@given(
    old=TABLE,
    new=TABLE,
    renamed=st.dictionaries(st.sampled_from(["e1", "e2"]), st.sampled_from(["e2", "e9"])),
)
def test_old_event_ids_renamed_before_comparing_match_the_reference(
    old: pa.Table, new: pa.Table, renamed: dict[str, str]
) -> None:
    columns = list(SCHEMA.names)
    got = diff_table("participants", _with_event_ids_renamed(old, renamed), new, columns, batch_rows=2)
    _same(got, reference_diff_table("participants", old, new, columns, renamed))


def test_a_column_retyped_between_the_sides_is_compared_value_by_value() -> None:
    old = pa.table({"event_id": ["e1", "e2"], "name": ["甲", "乙"], "role": ["guest", "guest"],
                    "person_order": pa.array([1, 2], pa.int16())})
    new = old.set_column(3, "person_order", pa.array([1.0, 2.5], pa.float64()))
    table, _ = diff_table("participants", old, new, ["event_id", "name", "role", "person_order"])
    # 1 == 1.0 as values: only the second row changed
    assert table.unchanged == 1
    assert table.changed == [{
        "key": {"event_id": "e2", "name": "乙", "role": "guest"},
        "fields": {"person_order": {"old": 2, "new": 2.5}},
    }]
