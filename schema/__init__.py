"""The dataset contract as pandera models: one per published table, the single source of truth.

The Arrow schemas used to write Parquet, the card's data dictionary and features, and the
vocabularies the extractor may emit are all derived from these classes.

The models (``TABLES``, the four ``*Schema`` classes, ``arrow_schema``, ``column_descriptions``)
live in ``schema.models`` and are imported on first use, with pandas and pandera (~0.45 s):
``import schema`` alone, and the light modules ``schema.arrow``, ``schema.relations`` and
``schema.vocab``, import neither, so a build's worker processes, which only shape rows
(``schema.arrow``), can start before the main process has loaded them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schema.vocab import SCHEMA_VERSION

if TYPE_CHECKING:
    from schema.models import (
        TABLES,
        ArticlesSchema,
        EventsSchema,
        OrganizationsSchema,
        ParticipantsSchema,
        arrow_schema,
        column_descriptions,
    )

def __getattr__(name: str) -> object:
    """The model names, imported from ``schema.models`` on first use (PEP 562)."""
    if name not in _MODEL_NAMES:
        raise AttributeError(f"module 'schema' has no attribute {name!r}")
    from schema import models

    globals().update({item: getattr(models, item) for item in _MODEL_NAMES})
    return globals()[name]


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
#: the names ``schema.models`` provides
_MODEL_NAMES = frozenset(__all__) - {"SCHEMA_VERSION"}
