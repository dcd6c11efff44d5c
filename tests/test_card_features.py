"""The card's ``dataset_info.features`` are what ``datasets.Features`` makes of each config's Arrow schema."""

from __future__ import annotations

import pyarrow as pa
import pytest

from builder.card.facts import config_arrow_schema, config_names
from builder.card.header import features_yaml, schema_features_yaml


@pytest.mark.parametrize("config", config_names())
def test_features_yaml_equals_datasets_for_every_config(config: str) -> None:
    from datasets import Features

    expected = Features.from_arrow_schema(config_arrow_schema(config))._to_yaml_list()
    assert features_yaml(config) == expected


@pytest.mark.parametrize(
    "kind",
    [
        pa.timestamp("s"),
        pa.timestamp("ns", tz="Asia/Shanghai"),
        pa.bool_(),
        pa.int64(),
        pa.list_(pa.int16()),
        pa.float64(),
        pa.struct([pa.field("a", pa.string())]),
        pa.list_(pa.struct([pa.field("a", pa.float32())])),
    ],
)
def test_schema_features_yaml_equals_datasets_for_other_types(kind: pa.DataType) -> None:
    from datasets import Features

    arrow_schema = pa.schema([pa.field("x", kind), pa.field("y", pa.string())])
    assert schema_features_yaml(arrow_schema) == Features.from_arrow_schema(arrow_schema)._to_yaml_list()
