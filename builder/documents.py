"""The ``documents`` config: the validated tables regrouped as one nested record per article.

Nothing is extracted again: every value comes from the published ``articles``, ``events``,
``participants`` and ``organizations`` rows, and ``check_documents`` proves it by flattening
the result back and comparing it with those tables.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
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


def build_documents(published: Mapping[str, pa.Table]) -> pa.Table:
    """One row per published article, with its events and their people and organizations nested.

    Articles keep the order of the ``articles`` table, events the order of the ``events`` table,
    people ``person_order`` and organizations ``org_order``. Built with Arrow kernels: each
    child row finds its parent by key and one stable sort groups the children per parent.

    Raises:
        ValidationFailed: when an ``article_id`` or ``event_id`` is repeated (validated tables
            never repeat one).
    """
    target = documents_schema.arrow_schema()
    events_type = target.field("events").type
    event_struct = events_type.value_type
    events = published["events"]
    nested = {
        name: _grouped(published[name], "event_id", order, events, event_struct.field(name).type)
        for name, order in (("participants", "person_order"), ("organizations", "org_order"))
    }
    records = _records(events, event_struct, nested)
    # the article columns (the long texts included) are taken over as they are
    articles = published["articles"].select(list(documents_schema.ARTICLE_COLUMNS))
    lists = _grouped(events, "article_id", None, articles, events_type, records)
    return articles.append_column(target.field("events"), lists).cast(target)


def _records(table: pa.Table, struct: pa.StructType, given: Mapping[str, pa.Array]) -> pa.StructArray:
    """The rows of ``table`` as ``struct`` values: its fields from ``given``, else the table's column."""
    arrays = []
    for field in struct:
        if field.name in given:
            arrays.append(given[field.name])
        elif field.name in table.column_names:
            arrays.append(table.column(field.name).combine_chunks().cast(field.type))
        else:
            arrays.append(pa.nulls(table.num_rows, field.type))
    return pa.StructArray.from_arrays(arrays, fields=list(struct))


def _grouped(
    children: pa.Table,
    key: str,
    order: str | None,
    parents: pa.Table,
    list_type: pa.ListType,
    values: pa.StructArray | None = None,
) -> pa.ListArray:
    """For each parent row, the list of its child rows (matched on ``key``; in table order, then ``order``).

    ``values`` are the children as records (default: ``children`` as ``list_type``'s records);
    children without a parent are left out, like the rows of an unknown key.
    """
    parent_keys = parents.column(key)
    if pc.count_distinct(parent_keys, mode="all").as_py() != parents.num_rows:
        raise ValidationFailed(
            f"repeated {key} in the {parents.num_rows} parent rows",
            record=DOCUMENTS,
            field=key,
            hint=BUG_HINT,
        )
    if values is None:
        values = _records(children, list_type.value_type, {})
    parent = pc.index_in(children.column(key), value_set=parent_keys.combine_chunks())
    columns = {"parent": parent, "row": pa.array(np.arange(children.num_rows), pa.int64())}
    sort_keys = [("parent", "ascending")]
    if order is not None:
        columns["order"] = children.column(order)
        sort_keys.append(("order", "ascending"))
    placed = pa.table(columns).filter(pc.is_valid(parent))
    # sort_indices is stable: children of one parent keep the table's order (then ``order``)
    placed = placed.take(pc.sort_indices(placed, sort_keys=sort_keys))
    counts = np.bincount(placed.column("parent").to_numpy(), minlength=parents.num_rows)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]), pa.int32())
    rows = placed.column("row").combine_chunks()
    return pa.ListArray.from_arrays(offsets, values.take(rows), type=list_type)


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
