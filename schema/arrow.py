"""The Arrow schema of every published table, so that code shaping rows needs no pandera.

GENERATED from the pandera models (``schema.TABLES``) by ``python -m schema.generate_arrow``:
do not edit; run that command after changing a model. ``tests/test_schema.py`` fails while this
file is stale. The build's worker processes shape rows with these schemas and so never import
pandas or pandera (~0.45 s); the main process imports those while the workers run.
"""

from __future__ import annotations

import pyarrow as pa

#: published tables in dependency order (the keys of ``schema.TABLES``)
TABLE_NAMES = ("articles", "events", "participants", "organizations")

#: table → its Arrow schema, equal to ``schema.arrow_schema(table)``
ARROW_SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            pa.field("article_id", pa.string(), nullable=False),
            pa.field("url", pa.string(), nullable=False),
            pa.field("canonical_url", pa.string(), nullable=False),
            pa.field("title", pa.string(), nullable=False),
            pa.field("source", pa.string(), nullable=False),
            pa.field("published_date", pa.date32(), nullable=False),
            pa.field("fetched_at", pa.timestamp("us", tz="UTC")),
            pa.field("language", pa.string(), nullable=False),
            pa.field("text", pa.large_string(), nullable=False),
            pa.field("n_events", pa.int16(), nullable=False),
            pa.field("raw_sha256", pa.string(), nullable=False),
        ]
    ),
    "events": pa.schema(
        [
            pa.field("event_id", pa.string(), nullable=False),
            pa.field("article_id", pa.string(), nullable=False),
            pa.field("name", pa.string(), nullable=False),
            pa.field("event_type", pa.string(), nullable=False),
            pa.field("status", pa.string(), nullable=False),
            pa.field("series", pa.string()),
            pa.field("edition", pa.int16()),
            pa.field("parent_event", pa.string()),
            pa.field("start_date", pa.date32()),
            pa.field("end_date", pa.date32()),
            pa.field("city", pa.string()),
            pa.field("country", pa.string()),
            pa.field("venue", pa.string()),
            pa.field("theme", pa.string()),
            pa.field("topics", pa.list_(pa.string()), nullable=False),
            pa.field("attendance", pa.int32()),
            pa.field("attendance_text", pa.string()),
            pa.field("evidence", pa.string(), nullable=False),
            pa.field("evidence_start", pa.int32(), nullable=False),
            pa.field("evidence_end", pa.int32(), nullable=False),
        ]
    ),
    "participants": pa.schema(
        [
            pa.field("event_id", pa.string(), nullable=False),
            pa.field("person_order", pa.int16(), nullable=False),
            pa.field("name", pa.string(), nullable=False),
            pa.field("name_latin", pa.string()),
            pa.field("role", pa.string(), nullable=False),
            pa.field("affiliation", pa.string()),
            pa.field("position", pa.string()),
            pa.field("talk_title", pa.string()),
            pa.field("evidence", pa.string(), nullable=False),
            pa.field("evidence_start", pa.int32(), nullable=False),
            pa.field("evidence_end", pa.int32(), nullable=False),
        ]
    ),
    "organizations": pa.schema(
        [
            pa.field("event_id", pa.string(), nullable=False),
            pa.field("org_order", pa.int16(), nullable=False),
            pa.field("name", pa.string(), nullable=False),
            pa.field("role", pa.string(), nullable=False),
            pa.field("evidence", pa.string(), nullable=False),
            pa.field("evidence_start", pa.int32(), nullable=False),
            pa.field("evidence_end", pa.int32(), nullable=False),
        ]
    ),
}
