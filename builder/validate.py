"""Stage 4: check the tables against the pandera schemas and cross-table rules; quarantine failures.

Validation is lazy (every failure is collected) and nothing is dropped silently: a row that
breaks a rule goes to the quarantine table with the rule, table, key, column, value and source
file; rows that depend on it (an event's participants and organizations) follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from builder.tables import Tables

#: columns of the quarantine table, in order
QUARANTINE_COLUMNS = ("rule", "table", "key", "column", "value", "source_file")


@dataclass(frozen=True)
class ValidationResult:
    """Published and quarantined rows of one build."""

    #: table name → rows that passed every rule (Arrow, in the contract's schema)
    published: dict[str, pa.Table]
    #: one row per broken rule per record: QUARANTINE_COLUMNS, all strings
    quarantine: pa.Table
    #: table name → rows extracted before validation
    extracted_counts: dict[str, int]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per table: extracted, published and quarantined row counts."""
        raise NotImplementedError


def validate_tables(tables: Tables) -> ValidationResult:
    """Validate the built tables; see the module docstring."""
    raise NotImplementedError


@dataclass(frozen=True)
class FolderReport:
    """Result of re-validating a build or release folder: ``ok``, ``to_dict()``, ``summary_lines()``."""

    folder: Path
    violations: tuple[dict, ...]

    @property
    def ok(self) -> bool:
        return not self.violations


def validate_build(build_dir: Path) -> FolderReport:
    """Re-validate the Parquet tables of a build or release folder (``builder validate DIR``)."""
    raise NotImplementedError
