"""Schema of the ``documents`` config: one row per article with its events as nested records.

Every column and nested field is taken from the four table models; only the three sentences
that describe the nesting itself are written here.
"""

from __future__ import annotations

import pyarrow as pa

from schema.catalog import ColumnSpec, table_columns

#: name of the config
DOCUMENTS = "documents"

#: columns of ``articles`` repeated at the top level of a document, in this order
ARTICLE_COLUMNS: tuple[str, ...] = ("article_id", "url", "title", "source", "published_date", "text")

#: one-sentence description of the config
DESCRIPTION = (
    "One row per article with its text and its events as nested records "
    "(document-level event extraction): derived from the four validated tables."
)
EVENTS_DESCRIPTION = (
    "The events the article reports on, in article order; each with its participants and organizations."
)
PARTICIPANTS_DESCRIPTION = "The event's people (rows of `participants`), in `person_order`."
ORGANIZATIONS_DESCRIPTION = "The event's organizations (rows of `organizations`), in `org_order`."


def _record_list(name: str, description: str, children: tuple[ColumnSpec, ...]) -> ColumnSpec:
    struct = pa.struct([child.to_arrow() for child in children])
    return ColumnSpec(
        name=name, arrow_type=pa.list_(struct), nullable=False, description=description, children=children
    )


def _without(table: str, parent_key: str) -> tuple[ColumnSpec, ...]:
    """A table's columns minus the key of the record it is nested in (implied by the nesting)."""
    return tuple(spec for spec in table_columns(table) if spec.name != parent_key)


def columns() -> tuple[ColumnSpec, ...]:
    """The documents columns: article columns, then ``events`` with nested people and organizations."""
    articles = {spec.name: spec for spec in table_columns("articles")}
    participants = _record_list(
        "participants", PARTICIPANTS_DESCRIPTION, _without("participants", "event_id")
    )
    organizations = _record_list(
        "organizations", ORGANIZATIONS_DESCRIPTION, _without("organizations", "event_id")
    )
    events = _record_list(
        "events", EVENTS_DESCRIPTION, (*_without("events", "article_id"), participants, organizations)
    )
    return (*(articles[name] for name in ARTICLE_COLUMNS), events)


def arrow_schema() -> pa.Schema:
    """The explicit Arrow schema of ``documents`` (written with it, loaded with it)."""
    return pa.schema([spec.to_arrow() for spec in columns()])
