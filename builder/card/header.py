"""The card's YAML header: Hub metadata, ``configs`` and ``dataset_info``, regenerated on every render."""

from __future__ import annotations

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


def size_category(rows: int) -> str:
    """The Hub's size bucket of a number of rows, e.g. ``size_category(300) == "n<1K"``."""
    for bound, label in SIZE_CATEGORIES:
        if rows < bound:
            return label
    return "n>10M"


def features_yaml(config: str) -> list:
    """The ``features`` of one config in the Hub's YAML form, derived from its Arrow schema.

    ``datasets`` turns an Arrow list of structs into ``list: [...]`` (a list of dicts), which is
    what the nested configs need; ``Sequence({...})`` would mean a struct of lists.
    """
    from datasets import Features

    return Features.from_arrow_schema(config_arrow_schema(config))._to_yaml_list()


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
