"""The dataset contract as pandera models: one per published table, the single source of truth.

The Arrow schemas used to write Parquet, the card's data dictionary and features, and the
vocabularies the extractor may emit are all derived from these classes.
"""

from __future__ import annotations

import pyarrow as pa
from pandera.pandas import DataFrameModel

# registers the custom checks (not_blank, no_blank_items) before the models name them
import schema.checks  # noqa: F401  isort: skip
from schema.articles import ArticlesSchema
from schema.events import EventsSchema
from schema.organizations import OrganizationsSchema
from schema.participants import ParticipantsSchema
from schema.vocab import SCHEMA_VERSION

#: published tables in dependency order (a table's foreign keys point to earlier ones)
TABLES: dict[str, type[DataFrameModel]] = {
    "articles": ArticlesSchema,
    "events": EventsSchema,
    "participants": ParticipantsSchema,
    "organizations": OrganizationsSchema,
}


def arrow_schema(table: str) -> pa.Schema:
    """The explicit Arrow schema of one table, read from its pandera model's column types.

    Example: ``arrow_schema("events").field("edition").type == pa.int16()``
    """
    model = TABLES[table]
    columns = model.to_schema().columns
    fields = [
        pa.field(name, column.dtype.type.pyarrow_dtype, nullable=bool(column.nullable))
        for name, column in columns.items()
    ]
    return pa.schema(fields)


def column_descriptions(table: str) -> dict[str, str]:
    """Column name → description sentence, in column order."""
    return {name: column.description or "" for name, column in TABLES[table].to_schema().columns.items()}


__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "ArticlesSchema",
    "EventsSchema",
    "OrganizationsSchema",
    "ParticipantsSchema",
    "arrow_schema",
    "column_descriptions",
]
