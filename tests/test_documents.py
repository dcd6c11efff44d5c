"""The documents config: the validated tables regrouped per article, checked to flatten back exactly."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import schema
from builder.articles import read_articles
from builder.documents import build_documents, check_documents, flatten_documents, flatten_tables
from builder.errors import ValidationFailed
from builder.models import Article
from builder.tables import build_tables
from builder.validate import validate_tables
from schema import documents as documents_schema
from tests.card_build import RAW_DIR, gold_extractions


@pytest.fixture(scope="module")
def published() -> dict[str, pa.Table]:
    articles = [item for item in read_articles(RAW_DIR) if isinstance(item, Article)]
    result = validate_tables(build_tables(articles, gold_extractions(articles)))
    assert result.quarantine.num_rows == 0
    return result.published


def reference_documents(published: dict[str, pa.Table]) -> pa.Table:
    """``build_documents`` the simple way: group Python rows, then one ``pa.array`` of nested lists."""
    spec = next(spec for spec in documents_schema.columns() if spec.name == "events")
    names = {"events": [child.name for child in spec.children]}
    names |= {child.name: [item.name for item in child.children] for child in spec.children if child.children}
    grouped: dict[str, dict[str, list[dict]]] = {}
    for table, order in (("participants", "person_order"), ("organizations", "org_order")):
        grouped[table] = defaultdict(list)
        for row in published[table].to_pylist():
            grouped[table][row["event_id"]].append({name: row[name] for name in names[table] if name in row})
        for rows in grouped[table].values():
            rows.sort(key=lambda row, order=order: row[order])
    by_article: dict[str, list[dict]] = defaultdict(list)
    for row in published["events"].to_pylist():
        event = {name: row[name] for name in names["events"] if name in row}
        for table in ("participants", "organizations"):
            event[table] = grouped[table].get(row["event_id"], [])
        by_article[row["article_id"]].append(event)
    target = documents_schema.arrow_schema()
    articles = published["articles"].select(list(documents_schema.ARTICLE_COLUMNS))
    ids = articles.column("article_id").to_pylist()
    nested = pa.array([by_article.get(key, []) for key in ids], type=target.field("events").type)
    return articles.append_column(target.field("events"), nested).cast(target)


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", row_group_size=128 * 1024)
    return sink.getvalue().to_pybytes()


@pytest.mark.parametrize("shuffle", [False, True])
def test_build_documents_equals_the_row_by_row_grouping(
    published: dict[str, pa.Table], shuffle: bool
) -> None:
    tables = dict(published)
    if shuffle:
        # children in another order than their key order: grouping must keep table order, then the order key
        for name in ("events", "participants", "organizations"):
            table = tables[name]
            tables[name] = table.take(list(reversed(range(table.num_rows))))
    expected = reference_documents(tables)
    documents = build_documents(tables)
    assert documents.equals(expected)
    assert _parquet_bytes(documents) == _parquet_bytes(expected)


def test_build_documents_without_events(published: dict[str, pa.Table]) -> None:
    tables = {name: table.slice(0, 0) if name != "articles" else table for name, table in published.items()}
    assert build_documents(tables).equals(reference_documents(tables))


def test_build_documents_one_row_per_article_in_article_order(published: dict[str, pa.Table]) -> None:
    documents = build_documents(published)
    assert documents.num_rows == published["articles"].num_rows
    assert (
        documents.column("article_id").to_pylist() == published["articles"].column("article_id").to_pylist()
    )
    assert documents.schema.equals(documents_schema.arrow_schema())


def test_build_documents_nests_every_event_person_and_organization(published: dict[str, pa.Table]) -> None:
    documents = build_documents(published).to_pylist()
    counts = published["articles"].to_pydict()
    n_events = dict(zip(counts["article_id"], counts["n_events"], strict=True))
    assert {row["article_id"]: len(row["events"]) for row in documents} == n_events
    name = "第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛"
    seed = next(row for row in documents if any(event["name"] == name for event in row["events"]))
    event = seed["events"][0]
    assert [person["person_order"] for person in event["participants"]] == list(range(1, 12))
    assert event["participants"][1]["name"] == "吴世忠"
    assert event["participants"][1]["talk_title"] == "共建“一带一路”网络空间命运共同体"
    assert [org["role"] for org in event["organizations"]][:2] == ["organizer", "co_organizer"]
    # offsets index the document's own text
    assert seed["text"][event["evidence_start"] : event["evidence_end"]] == event["evidence"]
    negatives = [row for row in documents if not row["events"]]
    assert negatives and all(row["events"] == [] for row in negatives)


def test_flatten_documents_gives_back_the_tables(published: dict[str, pa.Table]) -> None:
    flat = flatten_documents(build_documents(published))
    for name in ("events", "participants", "organizations"):
        assert len(flat[name]) == published[name].num_rows
        assert set(flat[name][0]) == set(published[name].schema.names)


@pytest.mark.parametrize("articles", [None, 3, 0])
def test_flatten_tables_equals_flatten_documents(
    published: dict[str, pa.Table], articles: int | None
) -> None:
    documents = build_documents(published)
    if articles is not None:
        # a slice (offsets inside the nested lists), and no rows at all
        documents = documents.slice(5, articles)
    flat = flatten_documents(documents)
    tables = flatten_tables(documents)
    assert set(tables) == set(flat)
    for name, rows in flat.items():
        assert tables[name].to_pylist() == rows, name


def test_check_documents_accepts_what_build_documents_made(published: dict[str, pa.Table]) -> None:
    check_documents(build_documents(published), published)


def test_check_documents_names_a_table_that_does_not_round_trip(published: dict[str, pa.Table]) -> None:
    documents = build_documents(published)
    people = published["participants"]
    changed = {
        **published,
        "participants": people.set_column(
            people.schema.get_field_index("name"),
            people.schema.field("name"),
            pa.array(["某人"] + people.column("name").to_pylist()[1:], pa.string()),
        ),
    }
    with pytest.raises(ValidationFailed) as error:
        check_documents(documents, changed)
    assert error.value.line() == (
        "documents: participants: nested rows differ from the participants table. "
        "The documents config is derived from validated tables, so this is a builder bug; report it."
    )


def test_check_documents_names_an_article_column_that_differs(published: dict[str, pa.Table]) -> None:
    documents = build_documents(published)
    titles = documents.column("title").to_pylist()
    changed = documents.set_column(
        documents.schema.get_field_index("title"),
        documents.schema.field("title"),
        pa.array(["   "] + titles[1:], pa.string()),
    )
    with pytest.raises(ValidationFailed) as error:
        check_documents(changed, published)
    assert error.value.line() == (
        "documents: title: differs from the articles table. "
        "The documents config is derived from validated tables, so this is a builder bug; report it."
    )


def test_documents_schema_is_derived_from_the_table_models() -> None:
    events_type = documents_schema.arrow_schema().field("events").type
    assert pa.types.is_list(events_type) and pa.types.is_struct(events_type.value_type)
    event_struct = events_type.value_type
    event_columns = [name for name in schema.arrow_schema("events").names if name != "article_id"]
    assert [field.name for field in event_struct][: len(event_columns)] == event_columns
    people = event_struct.field("participants").type.value_type
    assert [field.name for field in people] == [
        n for n in schema.arrow_schema("participants").names if n != "event_id"
    ]
    assert people.field("evidence_start").type == pa.int32()


def test_documents_columns_keep_the_article_descriptions() -> None:
    articles = schema.column_descriptions("articles")
    for spec in documents_schema.columns():
        if spec.name in articles:
            assert spec.description == articles[spec.name]
    spec = dataclasses.asdict(documents_schema.columns()[-1])
    assert spec["name"] == "events" and spec["description"] == documents_schema.EVENTS_DESCRIPTION
