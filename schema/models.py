"""The pandera models of the published tables, in dependency order, and what is read back from them.

Reach them through ``schema`` (``schema.TABLES``, ``schema.arrow_schema``, ...), which imports
this module, and with it pandas and pandera, on first use.
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
    "TABLES",
    "ArticlesSchema",
    "EventsSchema",
    "OrganizationsSchema",
    "ParticipantsSchema",
    "arrow_schema",
    "column_descriptions",
]
