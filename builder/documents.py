"""The ``documents`` config: the validated tables regrouped as one nested record per article.

Nothing is extracted again: every value comes from the published ``articles``, ``events``,
``participants`` and ``organizations`` rows, and ``check_documents`` proves it by flattening
the result back and comparing it with those tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pandas as pd
import pyarrow as pa

from builder.errors import ValidationFailed
from schema import documents as documents_schema
from schema.catalog import primary_key

#: config folder and file name inside a build, like the four tables
DOCUMENTS = documents_schema.DOCUMENTS
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
    article_columns = list(documents_schema.ARTICLE_COLUMNS)
    rows = [
        {
            **{name: article[name] for name in article_columns},
            "events": events_by_article.get(article["article_id"], []),
        }
        for article in published["articles"].select(article_columns).to_pylist()
    ]
    return pa.Table.from_pylist(rows, schema=documents_schema.arrow_schema())


def flatten_documents(documents: pa.Table) -> dict[str, pa.Table]:
    """The inverse of ``build_documents``: the events, participants and organizations rows it holds."""
    events: list[dict] = []
    participants: list[dict] = []
    organizations: list[dict] = []
    for document in documents.to_pylist():
        for event in document["events"]:
            flat = {
                key: value for key, value in event.items() if key not in ("participants", "organizations")
            }
            events.append({"article_id": document["article_id"], **flat})
            participants += [{"event_id": event["event_id"], **person} for person in event["participants"]]
            organizations += [{"event_id": event["event_id"], **org} for org in event["organizations"]]
    return {"events": events, "participants": participants, "organizations": organizations}


def _sorted(table: pa.Table, name: str) -> pa.Table:
    return table.sort_by([(column, "ascending") for column in primary_key(name)])


def check_documents(documents: pa.Table, published: Mapping[str, pa.Table]) -> None:
    """Validate ``documents`` against its schema and against the tables it was built from.

    Raises:
        ValidationFailed: naming the first column or table that does not round-trip; this is a
            bug in the builder, since the input tables were validated already.
    """
    import pandera.pandas as pandera

    import schema

    expected_schema = documents_schema.arrow_schema()
    if not documents.schema.equals(expected_schema):
        raise ValidationFailed(
            "schema differs from schema.documents.arrow_schema()", record=DOCUMENTS, hint=BUG_HINT
        )
    article_checks = schema.TABLES["articles"].to_schema().columns
    scalar_schema = pandera.DataFrameSchema(
        {name: article_checks[name] for name in documents_schema.ARTICLE_COLUMNS}, strict=False
    )
    frame = documents.select(list(documents_schema.ARTICLE_COLUMNS)).to_pandas(types_mapper=pd.ArrowDtype)
    try:
        scalar_schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        first = error.failure_cases.iloc[0]
        index = first["index"]
        key = frame["article_id"].iloc[int(index)] if index is not None and index == index else "?"
        raise ValidationFailed(
            f"breaks {str(first['check']).split('(')[0]}",
            record=f"{DOCUMENTS} {key}",
            field=str(first["column"]),
            value=first["failure_case"],
            hint=BUG_HINT,
        ) from error
    article_ids = published["articles"].column("article_id")
    if not documents.column("article_id").equals(article_ids):
        raise ValidationFailed(
            "rows differ from the articles table", record=DOCUMENTS, field="article_id", hint=BUG_HINT
        )
    for name, rows in flatten_documents(documents).items():
        original = published[name]
        rebuilt = pa.Table.from_pylist(rows, schema=original.schema)
        if not _sorted(rebuilt, name).equals(_sorted(original, name)):
            raise ValidationFailed(
                f"nested rows differ from the {name} table", record=DOCUMENTS, field=name, hint=BUG_HINT
            )
