"""Column specs of every published config, read from the pandera models at call time.

The card, Croissant and the data package describe the dataset from these specs, never from a
list of their own, so a column added to a model shows up everywhere without further edits.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

import schema


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
    """The key of a flat table: its composite ``Config.unique``, else its unique ``*_id`` column.

    Example: ``primary_key("participants") == ("event_id", "person_order")``
    """
    model_schema = schema.TABLES[table].to_schema()
    if model_schema.unique:
        return tuple(model_schema.unique)
    return tuple(spec.name for spec in table_columns(table) if spec.unique and spec.name.endswith("_id"))[:1]


def foreign_keys(table: str) -> dict[str, str]:
    """Column → referenced table, for every ``*_id`` column that is another table's single key.

    Example: ``foreign_keys("events") == {"article_id": "articles"}``
    """
    single_keys = {
        primary_key(other)[0]: other for other in schema.TABLES if len(primary_key(other)) == 1 and other != table
    }
    return {
        spec.name: single_keys[spec.name] for spec in table_columns(table) if spec.name in single_keys
    }
