"""The shortcuts of a resident rebuild (files written ahead, faster JSON and card facts) change no byte.

Each shortcut is checked against the plain path: whole build folders against a fresh build,
helpers against the code they stand for.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.generate import generate
from builder.articles import DEFAULT_MAX_BYTES, discover
from builder.card.facts import _sources_and_range
from builder.collect import SortedBefore, TableCollector
from builder.errors import BuilderError
from builder.extract import DEFAULT_EXTRACTOR
from builder.release.json_text import indented_json
from builder.release.kept_files import KEPT_CONFIGS, same_table
from builder.tables import Tables
from builder.watch import ResidentBuild
from builder.workers import ArticleWork, process_chunks, split_into_chunks
from tests.test_watch import OLD, age, aged_copy, edit, same_as_fresh


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "raw"
    generate(300, folder, seed=11)
    return folder


@pytest.fixture
def raw(corpus: Path, tmp_path: Path) -> Path:
    return aged_copy(corpus, tmp_path)


def without_events(path: Path, when: float) -> None:
    """Keep the front matter of an article, replace its body with a sentence that reports no event."""
    text = path.read_text(encoding="utf-8")
    front_end = text.index("\n---", 3) + len("\n---\n")
    path.write_text(text[:front_end] + "\n本文介绍一般的安全常识，没有提到任何活动。\n", encoding="utf-8")
    os.utime(path, (when, when))


def test_an_edit_leaving_the_small_tables_alike_writes_their_kept_files(raw: Path, tmp_path: Path) -> None:
    resident = ResidentBuild(raw, tmp_path / "build", jobs=1)
    resident.build()
    assert resident.kept_files.reused == []  # nothing kept before the first build
    edit(sorted(raw.rglob("*.md"))[7], OLD + 1)
    resident.build()
    assert sorted(resident.kept_files.reused) == sorted(KEPT_CONFIGS)
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_a_changed_small_table_is_written_again(raw: Path, tmp_path: Path) -> None:
    resident = ResidentBuild(raw, tmp_path / "build", jobs=1)
    resident.build()
    # the event article loses its events: events, participants and organizations change
    without_events(sorted(raw.rglob("*-e.md"))[0], OLD + 1)
    resident.build()
    assert not {"events", "participants"} & set(resident.kept_files.reused)
    same_as_fresh(raw, tmp_path / "build", tmp_path)
    # the next build keeps what this one wrote
    edit(sorted(raw.rglob("*.md"))[5], OLD + 2)
    resident.build()
    assert "events" in resident.kept_files.reused
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_added_and_removed_articles_still_give_the_fresh_folder(raw: Path, tmp_path: Path) -> None:
    resident = ResidentBuild(raw, tmp_path / "build", jobs=1)
    resident.build()
    files = sorted(raw.rglob("*.md"))
    files[3].unlink()
    shutil.copy(files[10], raw / "000-copy.md")  # a duplicate of an article
    shutil.copy(files[20], raw / "001-moved.md")
    files[20].unlink()
    age(raw)
    resident.build()
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_same_table_needs_equal_values_chunks_and_metadata() -> None:
    one = pa.table({"a": [1, 2, 3, 4], "b": ["w", "x", "y", "z"]})
    assert same_table(one, pa.table({"a": [1, 2, 3, 4], "b": ["w", "x", "y", "z"]}))
    assert not same_table(one, pa.table({"a": [1, 2, 3, 5], "b": ["w", "x", "y", "z"]}))
    chunked = pa.concat_tables([one.slice(0, 2), one.slice(2)])
    assert chunked.equals(one) and not same_table(chunked, one)
    assert not same_table(one.replace_schema_metadata({"k": "v"}), one)
    assert not same_table(one.select(["b", "a"]), one)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        | st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_indented_json_is_json_dumps(value: object) -> None:
    assert indented_json(value) == json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2)


def test_indented_json_leaves_other_values_to_json() -> None:
    class Text(str):
        pass

    for value in ({1: "a", 2: "b"}, {Text("k"): 1}, {"a": float("nan")}, [True, 2.5, None]):
        assert indented_json(value) == json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2)
    with pytest.raises(TypeError):
        indented_json({"a": object()})


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["甲", "乙", "b", "a", "a "]), st.dates(date(1, 1, 1), date(9999, 12, 31)))
    )
)
def test_sources_and_range_count_as_python_does(rows: list[tuple[str, date]]) -> None:
    table = pa.table(
        {
            "source": pa.array([s for s, _ in rows], pa.string()),
            "published_date": pa.array([d for _, d in rows], pa.date32()),
        }
    )
    counted = Counter(source for source, _ in rows)
    dates = sorted(day.isoformat() for _, day in rows)
    expected = (
        tuple(sorted(counted.items(), key=lambda item: (-item[1], item[0]))),
        (dates[0], dates[-1]) if dates else None,
    )
    assert _sources_and_range(table) == expected


def collect(
    results: list, before: SortedBefore | None = None, spliced: bool | None = None
) -> tuple[Tables, SortedBefore | None]:
    """The tables of ``results``; with ``before``, spliced wherever it can be (one row per piece allowed)."""
    collector = TableCollector(before, remember=True, rows_per_piece=1)
    for result in results:
        collector.add(result)
    tables = collector.tables(collector.duplicates())
    assert spliced is None or bool(collector.spliced) == spliced
    return tables, collector.after


def assert_same_tables(spliced: Tables, plain: Tables) -> None:
    assert spliced.source_files == plain.source_files
    for name, table in plain.tables.items():
        assert spliced.tables[name].equals(table), name
        assert all(column.num_chunks == 1 for column in spliced.tables[name].columns)


def test_spliced_tables_equal_the_sorted_tables(raw: Path) -> None:
    chunks = split_into_chunks(discover(raw))
    work = ArticleWork(raw, DEFAULT_MAX_BYTES, DEFAULT_EXTRACTOR, None)
    first = list(process_chunks(chunks, work, 1))
    _, before = collect(first)
    # two chunks change (one loses an article's events, one gains a duplicate of another chunk's file)
    without_events(sorted(raw.rglob("*-e.md"))[0], OLD + 1)
    edit(chunks[2][1][1], OLD + 1)
    shutil.copy(chunks[0][0][1], chunks[3][0][1])
    second = list(process_chunks(chunks, work, 1))
    mixed = [
        new
        if index in (1, 2, 3) or new.rows.tables["events"].num_rows != old.rows.tables["events"].num_rows
        else old
        for index, (old, new) in enumerate(zip(first, second, strict=True))
    ]
    spliced, after = collect(mixed, before, spliced=True)
    assert_same_tables(spliced, collect(mixed)[0])
    # the chunks kept from before were copied, not sorted again; a later collection splices from this one
    assert after is not None and sum(
        after.rows_in(result.rows, "articles") is not None for result in mixed
    ) == len(mixed)
    again, _ = collect(list(reversed(mixed)), after, spliced=True)  # chunks in another order
    assert_same_tables(again, collect(list(reversed(mixed)))[0])


def test_a_collection_of_other_rows_is_not_spliced_from(raw: Path) -> None:
    chunks = split_into_chunks(discover(raw))
    work = ArticleWork(raw, DEFAULT_MAX_BYTES, DEFAULT_EXTRACTOR, None)
    results = list(process_chunks(chunks, work, 1))
    _, before = collect(results[: len(results) // 2])
    other = list(process_chunks(chunks, work, 1))  # equal rows, other objects: nothing to copy
    assert all(before.rows_in(result.rows, "articles") is None for result in other)
    assert_same_tables(collect(other, before)[0], collect(other)[0])


def test_kept_chunks_let_go_of_rows_the_sorted_tables_hold(raw: Path, tmp_path: Path) -> None:
    from builder.collect import is_hollow

    # one chunk also holds a copy of another chunk's file: its copy's rows are dropped as a
    # duplicate's, so that chunk keeps its own rows
    chunks = split_into_chunks(discover(raw))
    shutil.copy(chunks[0][0][1], chunks[2][0][1])
    age(raw)
    resident = ResidentBuild(raw, tmp_path / "build", jobs=1)
    first = resident.build()
    assert first.duplicates
    kept = [result.rows for result, _ in resident._kept.values()]
    whole = [rows for rows in kept if not is_hollow(rows)]
    assert len(kept) == len(chunks) and len(whole) == 1
    assert any(item.source_file == chunks[2][0][1].relative_to(raw).as_posix() for item in whole[0].files)
    # the rows of hollow chunks are nowhere but in the sorted tables
    assert all(resident._sorted.rows_in(rows, "articles") is not None for rows in kept)
    edit(chunks[1][1][1], OLD + 1)
    second = resident.build()
    assert second.work["cached"] == sum(len(chunk) for chunk in chunks) - len(chunks[1])
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_after_a_failed_build_the_next_gives_the_fresh_folder(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    resident = ResidentBuild(raw, out, jobs=1)
    resident.build()
    changed = sorted(raw.rglob("*-e.md"))[0]
    edit(changed, OLD + 1)
    chunks = split_into_chunks(discover(raw))
    size = next(len(chunk) for chunk in chunks if any(path == changed for _, path in chunk))
    # failing at its --out check, a build has touched nothing: every unchanged chunk is kept
    shutil.rmtree(out)
    out.mkdir()
    (out / "notes.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(BuilderError):
        resident.build()
    shutil.rmtree(out)
    assert resident.build().work["cached"] == sum(len(chunk) for chunk in chunks) - size
    same_as_fresh(raw, out, tmp_path)
    # failing at its card (no such gold folder), a build has given up the previous sorted tables:
    # the chunks whose rows only they held are processed again
    edit(sorted(raw.rglob("*-e.md"))[1], OLD + 2)
    resident.gold_dir = tmp_path / "no-gold"
    with pytest.raises(BuilderError):
        resident.build()
    resident.gold_dir = None
    assert resident.build().work["cached"] == 0
    same_as_fresh(raw, out, tmp_path)
    edit(sorted(raw.rglob("*-e.md"))[2], OLD + 3)
    assert resident.build().work["cached"] > 0
    same_as_fresh(raw, out, tmp_path)


def test_a_splice_of_too_many_runs_takes_hollow_chunks_rows_from_the_sorted_tables(raw: Path) -> None:
    chunks = split_into_chunks(discover(raw))
    work = ArticleWork(raw, DEFAULT_MAX_BYTES, DEFAULT_EXTRACTOR, None)
    first = list(process_chunks(chunks, work, 1))
    _, before = collect(first)
    hollow = [dataclasses.replace(result, rows=before.hollowed(result.rows)) for result in first]
    edit(chunks[1][0][1], OLD + 1)
    edit(chunks[3][2][1], OLD + 1)
    second = list(process_chunks(chunks, work, 1))
    mixed = [second[index] if index in (1, 3) else result for index, result in enumerate(hollow)]
    plain = [second[index] if index in (1, 3) else result for index, result in enumerate(first)]
    # one piece per row at most: splicing gives way to taking rows from the previous tables
    collector = TableCollector(before, remember=True, rows_per_piece=10**9)
    for result in mixed:
        collector.add(result)
    taken = collector.tables(collector.duplicates())
    assert_same_tables(taken, collect(plain)[0])


def test_an_empty_table_of_hollow_chunks_is_collected_empty(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for number in range(150):  # articles that report no event: the event tables stay empty
        path = raw / f"{number:04d}.md"
        path.write_text(
            f'---\ntitle: "安全常识第{number}篇"\nurl: https://example.org/{number}.html\nsource: "示例"\n'
            "date: 2024-01-02\nfetch_date: 2024-01-03T00:00:00\n---\n\n"
            f"本文介绍一般的安全常识，编号{number}。\n",
            encoding="utf-8",
        )
    age(raw)
    resident = ResidentBuild(raw, tmp_path / "build", jobs=1)
    assert resident.build().counts["events"]["extracted"] == 0
    edit(raw / "0007.md", OLD + 1)
    assert resident.build().work["cached"] > 0
    same_as_fresh(raw, tmp_path / "build", tmp_path)
