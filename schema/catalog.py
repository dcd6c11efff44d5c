"""Column specs of every published config, read from the pandera models at call time.

The card, Croissant and the data package describe the dataset from these specs, never from a
list of their own, so a column added to a model shows up everywhere without further edits.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

import schema
from schema.relations import KEY_COLUMNS, PARENTS


@dataclass(frozen=True)
class ColumnSpec:
    """One column (or one field of a nested record) with the rules the schema states for it."""

    name: str
    arrow_type: pa.DataType
    nullable: bool
    description: str
    #: allowed values (``isin`` checks), in vocabulary order
    categories: tuple[str, ...] = ()
    #: anchored regular expression the value must match (``str_matches`` checks)
    pattern: str | None = None
    #: smallest allowed value (``ge`` checks)
    minimum: int | None = None
    #: smallest allowed string length (``str_length`` checks)
    min_length: int | None = None
    #: the value (or every list item) must hold a non-space character (``not_blank`` checks)
    not_blank: bool = False
    unique: bool = False
    #: the fields of each element, when the column is a list of records
    children: tuple[ColumnSpec, ...] = ()

    @property
    def is_record_list(self) -> bool:
        return bool(self.children)

    def to_arrow(self) -> pa.Field:
        """The Arrow field of this column."""
        return pa.field(self.name, self.arrow_type, nullable=self.nullable)


def _from_check(spec: dict, check_name: str, statistics: dict) -> None:
    if check_name == "isin":
        spec["categories"] = tuple(statistics["allowed_values"])
    elif check_name == "str_matches":
        spec["pattern"] = statistics["pattern"]
    elif check_name == "greater_than_or_equal_to":
        spec["minimum"] = statistics["min_value"]
    elif check_name == "str_length" and statistics.get("min_value") is not None:
        spec["min_length"] = statistics["min_value"]
    elif check_name in ("not_blank", "no_blank_items"):
        spec["not_blank"] = True


def table_columns(table: str) -> tuple[ColumnSpec, ...]:
    """The columns of one of the four flat tables, in order, from its pandera model."""
    arrow = schema.arrow_schema(table)
    specs = []
    for name, column in schema.TABLES[table].to_schema().columns.items():
        spec: dict = {
            "name": name,
            "arrow_type": arrow.field(name).type,
            "nullable": bool(column.nullable),
            "description": column.description or "",
            "unique": bool(column.unique),
        }
        for check in column.checks:
            _from_check(spec, check.name, check.statistics or {})
        specs.append(ColumnSpec(**spec))
    return tuple(specs)


def table_description(table: str) -> str:
    """The one-sentence description of a flat table (its model's ``Config.description``)."""
    return schema.TABLES[table].to_schema().description or ""


def primary_key(table: str) -> tuple[str, ...]:
    """The columns that identify a row of a flat table (``schema.relations.KEY_COLUMNS``).

    Example: ``primary_key("participants") == ("event_id", "person_order")``
    """
    return KEY_COLUMNS[table]


def foreign_keys(table: str) -> dict[str, str]:
    """Column → referenced table (``schema.relations.PARENTS``); the referenced column has the same name.

    Example: ``foreign_keys("events") == {"article_id": "articles"}``
    """
    if table not in PARENTS:
        return {}
    parent, column = PARENTS[table]
    return {column: parent}
