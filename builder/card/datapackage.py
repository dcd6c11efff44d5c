"""``datapackage.json``: a Frictionless Data Package (v2) of a build, generated from the schema and manifest.

One tabular resource per config, each with a Table Schema whose types, descriptions,
constraints, categories, primary key and foreign keys are read from ``schema/``.
"""

from __future__ import annotations

import pyarrow as pa

from builder.card.facts import BuildFacts
from builder.card.header import LICENSE, LICENSE_URL, PRETTY_NAME, TAGS
from schema.catalog import ColumnSpec, foreign_keys, primary_key
from schema.documents import DOCUMENTS

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
#: a string with at least one non-space character (Table Schema patterns match the whole value)
NOT_BLANK_PATTERN = r"[\s\S]*\S[\s\S]*"


def field_type(arrow_type: pa.DataType) -> str:
    """The Table Schema type of an Arrow type."""
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return "array"
    if pa.types.is_struct(arrow_type):
        return "object"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type):
        return "number"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "datetime"
    return "string"


def table_field(spec: ColumnSpec) -> dict:
    """One Table Schema field; the pandera checks become constraints and categories."""
    field: dict = {"name": spec.name, "type": field_type(spec.arrow_type), "description": spec.description}
    if pa.types.is_list(spec.arrow_type) and not spec.children:
        field["arrayItem"] = {"type": field_type(spec.arrow_type.value_type)}
    if spec.categories:
        field["categories"] = list(spec.categories)
    constraints: dict = {}
    if not spec.nullable:
        constraints["required"] = True
    if spec.unique:
        constraints["unique"] = True
    if spec.categories:
        constraints["enum"] = list(spec.categories)
    if spec.pattern:
        # Table Schema patterns are implicitly anchored; pandera's carry their own ^...$
        constraints["pattern"] = spec.pattern.removeprefix("^").removesuffix("$")
    if spec.minimum is not None:
        constraints["minimum"] = spec.minimum
    if spec.min_length is not None:
        constraints["minLength"] = spec.min_length
    if spec.not_blank and not spec.pattern and field["type"] == "string":
        constraints["pattern"] = NOT_BLANK_PATTERN
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(config: str, specs: tuple[ColumnSpec, ...]) -> dict:
    """The Table Schema of one config."""
    result: dict = {"fields": [table_field(spec) for spec in specs], "missingValues": [""]}
    if config == DOCUMENTS:
        result["primaryKey"] = ["article_id"]
        result["foreignKeys"] = [
            {"fields": ["article_id"], "reference": {"resource": "articles", "fields": ["article_id"]}}
        ]
        return result
    result["primaryKey"] = list(primary_key(config))
    keys = [
        {"fields": [column], "reference": {"resource": target, "fields": list(primary_key(target))}}
        for column, target in foreign_keys(config).items()
    ]
    if keys:
        result["foreignKeys"] = keys
    return result


def datapackage(facts: BuildFacts) -> dict:
    """The data package descriptor of a build as a dict."""
    resources = [
        {
            "name": config.name,
            "type": "table",
            "path": config.path,
            "format": "parquet",
            "mediatype": PARQUET_MEDIATYPE,
            "bytes": config.file_bytes,
            "hash": f"sha256:{config.sha256}",
            "description": config.description,
            "schema": table_schema(config.name, config.columns),
        }
        for config in facts.configs
    ]
    return {
        "$schema": PROFILE,
        "name": "chinese-cybersecurity-events",
        "title": PRETTY_NAME,
        "description": (
            "Cybersecurity events reported in Chinese news articles, with their participants and "
            "organizations and the evidence sentence of every row."
        ),
        "version": facts.dataset_version,
        "keywords": list(TAGS),
        "licenses": [
            {"name": LICENSE.upper(), "path": LICENSE_URL, "title": "Creative Commons Attribution 4.0"}
        ],
        "resources": resources,
    }
