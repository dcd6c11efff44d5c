"""The card's YAML header: Hub metadata, ``configs`` and ``dataset_info``, regenerated on every render."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import yaml

from builder.card.facts import DEFAULT_CONFIG, BuildFacts, config_arrow_schema

#: licence of the structured records (see the card's "License and copyright" section)
LICENSE = "cc-by-4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
PRETTY_NAME = "Chinese Cybersecurity Events"
LANGUAGES = ["zh"]
#: event extraction is span-level (token classification); telling event reports from other
#: articles (``n_events == 0``) is text classification
TASK_CATEGORIES = ["token-classification", "text-classification"]
TAGS = ["cybersecurity", "events", "information-extraction", "event-extraction", "news", "chinese"]
#: Hub size buckets: (upper bound, label)
SIZE_CATEGORIES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
)


#: Arrow scalar types of the contract → their ``datasets`` dtype
_DTYPES = {
    pa.string(): "string",
    pa.large_string(): "large_string",
    pa.int16(): "int16",
    pa.int32(): "int32",
    pa.int64(): "int64",
    pa.bool_(): "bool",
    pa.date32(): "date32",
}


def size_category(rows: int) -> str:
    """The Hub's size bucket of a number of rows, e.g. ``size_category(300) == "n<1K"``."""
    for bound, label in SIZE_CATEGORIES:
        if rows < bound:
            return label
    return "n>10M"


def features_yaml(config: str) -> list:
    """The ``features`` of one config in the Hub's YAML form, derived from its Arrow schema.

    ``datasets`` turns an Arrow list of structs into ``list: [...]`` (a list of dicts), which is
    what the nested configs need; ``Sequence({...})`` would mean a struct of lists. The contract's
    types are converted here the way ``datasets.Features`` does (a test compares the two), so a
    build does not pay for importing ``datasets``; any other type is left to ``datasets``.
    """
    return schema_features_yaml(config_arrow_schema(config))


def schema_features_yaml(arrow_schema: pa.Schema) -> list:
    """``datasets.Features.from_arrow_schema(schema)._to_yaml_list()``, without ``datasets`` when it can."""
    features = _fields_yaml(arrow_schema)
    if features is not None:
        return features
    from datasets import Features

    return Features.from_arrow_schema(arrow_schema)._to_yaml_list()


def _fields_yaml(fields: Iterable[pa.Field]) -> list | None:
    """``[{"name": ..., "dtype" | "list": ...}, ...]`` for the contract's types; None for any other type."""
    entries = []
    for field in fields:
        kind = field.type
        if pa.types.is_list(kind) and pa.types.is_struct(kind.value_type):
            items = _fields_yaml(kind.value_type)
            if items is None:
                return None
            entries.append({"name": field.name, "list": items})
        elif pa.types.is_list(kind) and _dtype(kind.value_type) is not None:
            entries.append({"name": field.name, "list": _dtype(kind.value_type)})
        elif _dtype(kind) is not None:
            entries.append({"name": field.name, "dtype": _dtype(kind)})
        else:
            return None
    return entries


def _dtype(kind: pa.DataType) -> str | None:
    """The ``datasets`` dtype of an Arrow scalar type among the contract's, e.g. ``date32``."""
    if pa.types.is_timestamp(kind):
        return f"timestamp[{kind.unit}" + (f", tz={kind.tz}]" if kind.tz else "]")
    return _DTYPES.get(kind)


def metadata(facts: BuildFacts, *, data_prefix: str = "") -> dict:
    """The YAML header as a dict; ``data_prefix`` is prepended to every ``data_files`` path."""
    configs = []
    infos = []
    for config in facts.configs:
        entry: dict = {
            "config_name": config.name,
            "data_files": [{"split": "train", "path": f"{data_prefix}{config.name}/train-*.parquet"}],
        }
        if config.name == DEFAULT_CONFIG:
            entry["default"] = True
        configs.append(entry)
        infos.append(
            {
                "config_name": config.name,
                "features": features_yaml(config.name),
                "splits": [{"name": "train", "num_bytes": config.memory_bytes, "num_examples": config.rows}],
                "download_size": config.file_bytes,
                "dataset_size": config.memory_bytes,
            }
        )
    largest = max((config.rows for config in facts.configs), default=0)
    return {
        "license": LICENSE,
        "language": list(LANGUAGES),
        "pretty_name": PRETTY_NAME,
        "task_categories": list(TASK_CATEGORIES),
        "size_categories": [size_category(largest)],
        "tags": list(TAGS),
        "configs": configs,
        "dataset_info": infos,
    }


def render_header(facts: BuildFacts, *, data_prefix: str = "") -> str:
    """The ``---``-fenced YAML front matter."""
    text = yaml.safe_dump(
        metadata(facts, data_prefix=data_prefix), sort_keys=False, allow_unicode=True, width=1000
    )
    return f"---\n{text}---\n"
