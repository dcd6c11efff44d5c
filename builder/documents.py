"""The ``documents`` config: the validated tables regrouped as one nested record per article.

Nothing is extracted again: every value comes from the published ``articles``, ``events``,
``participants`` and ``organizations`` rows, and ``check_documents`` proves it by flattening
the result back and comparing it with those tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from builder.errors import ValidationFailed
from schema import documents as documents_schema
from schema.catalog import primary_key

#: config folder and file name inside a build, like the four tables
DOCUMENTS = documents_schema.DOCUMENTS
#: nested record lists inside each event, named like their tables
NESTED = ("participants", "organizations")
#: every documents check failure means the regrouping is wrong, since its input was validated
BUG_HINT = "The documents config is derived from validated tables, so this is a builder bug; report it"


def _child_names(name: str) -> list[str]:
    spec = next(spec for spec in documents_schema.columns() if spec.name == "events")
    if name == "events":
        return [child.name for child in spec.children]
    nested = next(child for child in spec.children if child.name == name)
    return [child.name for child in nested.children]


def _group(table: pa.Table, by: str, keep: list[str], order: str | None) -> dict[str, list[dict]]:
    """Rows of ``table`` keyed by column ``by``, each row reduced to ``keep``, sorted by ``order``."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in table.to_pylist():
        grouped[row[by]].append({name: row[name] for name in keep if name in row})
    if order is not None:
        for rows in grouped.values():
            rows.sort(key=lambda row: row[order])
    return grouped


def build_documents(published: Mapping[str, pa.Table]) -> pa.Table:
    """One row per published article, with its events and their people and organizations nested.

    Articles keep the order of the ``articles`` table, events the order of the ``events`` table.
    """
    event_fields = _child_names("events")
    people = _group(published["participants"], "event_id", _child_names("participants"), "person_order")
    organizations = _group(published["organizations"], "event_id", _child_names("organizations"), "org_order")
    events_by_article: dict[str, list[dict]] = defaultdict(list)
    for row in published["events"].to_pylist():
        event = {name: row[name] for name in event_fields if name in row}
        event["participants"] = people.get(row["event_id"], [])
        event["organizations"] = organizations.get(row["event_id"], [])
        events_by_article[row["article_id"]].append(event)
    target = documents_schema.arrow_schema()
    # the article columns (the long texts included) stay Arrow arrays; only events go through Python
    articles = published["articles"].select(list(documents_schema.ARTICLE_COLUMNS))
    nested = pa.array(
        [events_by_article.get(article_id, []) for article_id in articles.column("article_id").to_pylist()],
        type=target.field("events").type,
    )
    return articles.append_column(target.field("events"), nested).cast(target)


def flatten_documents(documents: pa.Table) -> dict[str, list[dict]]:
    """The inverse of ``build_documents``: the events, participants and organizations rows it holds."""
    events: list[dict] = []
    participants: list[dict] = []
    organizations: list[dict] = []
    for document in documents.select(["article_id", "events"]).to_pylist():
        for event in document["events"]:
            flat = {
                key: value for key, value in event.items() if key not in ("participants", "organizations")
            }
            events.append({"article_id": document["article_id"], **flat})
            participants += [{"event_id": event["event_id"], **person} for person in event["participants"]]
            organizations += [{"event_id": event["event_id"], **org} for org in event["organizations"]]
    return {"events": events, "participants": participants, "organizations": organizations}


def flatten_tables(documents: pa.Table) -> dict[str, pa.Table]:
    """``flatten_documents`` in Arrow: the events, participants and organizations the documents hold.

    Each table has the columns its nested records have, plus its parent key (``article_id`` of
    events, ``event_id`` of people and organizations) first; rows in document order.
    """
    lists = documents.column("events").combine_chunks()
    events = pc.list_flatten(lists)
    fields = dict(zip((field.name for field in events.type), events.flatten(), strict=True))
    article_ids = pc.take(documents.column("article_id"), pc.list_parent_indices(lists))
    tables = {
        "events": pa.table(
            {"article_id": article_ids}
            | {name: values for name, values in fields.items() if name not in NESTED}
        )
    }
    for name in NESTED:
        records = pc.list_flatten(fields[name])
        event_ids = pc.take(fields["event_id"], pc.list_parent_indices(fields[name]))
        columns = dict(zip((field.name for field in records.type), records.flatten(), strict=True))
        tables[name] = pa.table({"event_id": event_ids} | columns)
    return tables


def _as_table(flat: pa.Table, like: pa.Table) -> pa.Table | None:
    """``flat`` with the columns and types of ``like``; None when a column is missing or extra."""
    if set(flat.column_names) != set(like.column_names):
        return None
    columns = [flat.column(field.name).cast(field.type) for field in like.schema]
    return pa.Table.from_arrays(columns, schema=like.schema)


def _sorted(table: pa.Table, name: str) -> pa.Table:
    return table.sort_by([(column, "ascending") for column in primary_key(name)])


def check_documents(documents: pa.Table, published: Mapping[str, pa.Table]) -> None:
    """Validate ``documents``: its Arrow schema, then value by value against the validated tables.

    Every article column must equal the validated ``articles`` column and every nested record
    must equal a validated row of its table, so each value in ``documents`` passed the schema's
    checks already; re-running them on the same values would only cost time.

    Raises:
        ValidationFailed: naming the first column or table that does not round-trip; this is a
            bug in the builder, since the input tables were validated already.
    """
    expected_schema = documents_schema.arrow_schema()
    if not documents.schema.equals(expected_schema):
        raise ValidationFailed(
            "schema differs from schema.documents.arrow_schema()", record=DOCUMENTS, hint=BUG_HINT
        )
    articles = published["articles"]
    if documents.num_rows != articles.num_rows:
        raise ValidationFailed(
            f"{documents.num_rows} rows for {articles.num_rows} articles", record=DOCUMENTS, hint=BUG_HINT
        )
    for name in documents_schema.ARTICLE_COLUMNS:
        if not documents.column(name).equals(articles.column(name)):
            raise ValidationFailed(
                "differs from the articles table", record=DOCUMENTS, field=name, hint=BUG_HINT
            )
    for name, flat in flatten_tables(documents).items():
        original = published[name]
        rebuilt = _as_table(flat, original)
        if rebuilt is None or not _sorted(rebuilt, name).equals(_sorted(original, name)):
            raise ValidationFailed(
                f"nested rows differ from the {name} table", record=DOCUMENTS, field=name, hint=BUG_HINT
            )
