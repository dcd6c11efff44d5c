"""The pool's spool: a chunk's rows come back exactly as written, and a bad file never reads as rows."""

from __future__ import annotations

import dataclasses
import os

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.cache.chunks import ChunkRows
from builder.models import Extraction, RejectedFile
from builder.spool import SpooledRows, read_spooled, spool_rows
from tests.chunk_rows import (
    assert_same_rows,
    chunk_of,
    events,
    seed_article,
    two_article_members,
    two_file_chunk,
)


def test_rows_files_and_rejections_round_trip(tmp_path):
    rows = two_file_chunk()
    spooled = spool_rows(tmp_path / "chunk.rows", rows)
    assert spooled is not None and spooled.files == rows.files
    assert rows.tables["events"].num_rows == 2 and rows.files[1].rejected is not None
    assert_same_rows(read_spooled(spooled), rows)


def test_the_rows_survive_pickling_of_where_they_are(tmp_path):
    import pickle

    spooled = spool_rows(tmp_path / "chunk.rows", two_file_chunk())
    assert_same_rows(read_spooled(pickle.loads(pickle.dumps(spooled))), two_file_chunk())


def test_a_chunk_without_rows_in_some_tables_round_trips(tmp_path):
    raw, article = seed_article()
    rejected = RejectedFile("broken.md", "front matter", "no closing --- line", None)
    rows = chunk_of((raw, article, Extraction(article.article_id, "rules", "1")), (b"x", rejected, None))
    assert rows.tables["events"].num_rows == 0
    assert_same_rows(read_spooled(spool_rows(tmp_path / "chunk.rows", rows)), rows)
    only_rejected = chunk_of((b"x", rejected, None))
    assert_same_rows(read_spooled(spool_rows(tmp_path / "rejected.rows", only_rejected)), only_rejected)


@settings(max_examples=40, deadline=None)
@given(st.lists(events, max_size=3), st.lists(events, max_size=2))
def test_any_extractions_round_trip(tmp_path_factory, first_events, second_events):
    rows = chunk_of(*two_article_members(first_events, second_events))
    spooled = spool_rows(tmp_path_factory.mktemp("spool") / "chunk.rows", rows)
    assert_same_rows(read_spooled(spooled), rows)


def test_a_missing_or_cut_short_file_reads_as_nothing(tmp_path):
    rows = two_file_chunk()
    spooled = spool_rows(tmp_path / "chunk.rows", rows)
    data = spooled.path.read_bytes()
    spooled.path.write_bytes(data[: len(data) - 1])
    assert read_spooled(spooled) is None
    spooled.path.write_bytes(data[: len(data) // 2])
    assert read_spooled(spooled) is None
    spooled.path.unlink()
    assert read_spooled(spooled) is None


def test_places_that_do_not_frame_a_table_read_as_nothing(tmp_path):
    spooled = spool_rows(tmp_path / "chunk.rows", two_file_chunk())
    offset, size = spooled.places["events"]
    for place in ((offset + 8, size), (offset, size - 8), (-1, size), (offset, 0)):
        moved = dataclasses.replace(spooled, places={**spooled.places, "events": place})
        assert read_spooled(moved) is None, place
    assert read_spooled(dataclasses.replace(spooled, places={})) is None


def test_rows_pointing_past_the_chunks_files_read_as_nothing(tmp_path):
    rows = two_file_chunk()
    spooled = spool_rows(tmp_path / "chunk.rows", rows)
    assert read_spooled(dataclasses.replace(spooled, files=())) is None


def test_a_file_that_cannot_be_written_leaves_nothing_and_says_so(tmp_path):
    rows = two_file_chunk()
    assert spool_rows(tmp_path / "missing" / "chunk.rows", rows) is None
    taken = tmp_path / "taken.rows"
    taken.write_bytes(b"someone else's")
    assert spool_rows(taken, rows) is None and taken.read_bytes() == b"someone else's"
    if os.geteuid() != 0:  # root writes into a read-only folder anyway
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            assert spool_rows(locked / "chunk.rows", rows) is None
            assert list(locked.iterdir()) == []
        finally:
            locked.chmod(0o700)


def test_rows_not_in_the_cache_row_schema_are_not_spooled(tmp_path):
    rows = two_file_chunk()
    articles = rows.tables["articles"]
    renamed = articles.rename_columns([*articles.column_names[:-1], "other"])
    odd = ChunkRows(rows.files, {**rows.tables, "articles": renamed}, rows.positions)
    assert spool_rows(tmp_path / "chunk.rows", odd) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("table", ["articles", "events"])
def test_each_table_is_one_record_batch_message_at_its_place(tmp_path, table):
    rows = two_file_chunk()
    spooled: SpooledRows = spool_rows(tmp_path / "chunk.rows", rows)
    offset, size = spooled.places[table]
    message = pa.ipc.read_message(pa.py_buffer(spooled.path.read_bytes()[offset : offset + size]))
    assert message.type == "record batch"
