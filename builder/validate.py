"""Stage 4: check the tables against the pandera schemas and cross-table rules; quarantine failures.

Validation is lazy (every failure is collected) and nothing is dropped silently: a row that
breaks a rule goes to the quarantine table with the rule, table, key, column, value and source
file; rows that depend on it (an event's participants and organizations) follow it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import schema
from builder.errors import BuildFolderError, ValidationFailed
from builder.tables import Tables
from schema.relations import (
    KEY_COLUMNS,
    PARENTS,
    SharedWork,
    Violation,
    check_relations,
    recount_events,
    row_article_ids,
    value_text,
)

#: columns of the quarantine table, in order
QUARANTINE_COLUMNS = ("rule", "table", "key", "column", "value", "source_file")
QUARANTINE_SCHEMA = pa.schema([pa.field(name, pa.string()) for name in QUARANTINE_COLUMNS])

_DUPLICATE = "duplicate key (only the first valid row with it is published)"

#: pandera check name → (rule id, what is wrong); ``{}`` takes the check's statistic
_PANDERA_RULES: dict[str, tuple[str, str]] = {
    "not_nullable": ("not_null", "is null"),
    "isin": ("allowed_values", "not one of {}"),
    "str_matches": ("pattern", "does not match {}"),
    "greater_than_or_equal_to": ("min_value", "less than {}"),
    "not_blank": ("not_blank", "empty or only white space"),
    "no_blank_items": ("not_blank", "has an empty or white-space-only item"),
    "field_uniqueness": ("unique_key", _DUPLICATE),
    "multiple_fields_uniqueness": ("unique_key", _DUPLICATE),
}


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
        """Per table: extracted, published and quarantined rows; extracted = published + quarantined."""
        return {
            table: {
                "extracted": extracted,
                "published": self.published[table].num_rows,
                "quarantined": extracted - self.published[table].num_rows,
            }
            for table, extracted in self.extracted_counts.items()
        }


def check_arrow_types(table: str, data: pa.Table, where: str | None = None) -> None:
    """Raise ``ValidationFailed`` unless ``data`` has exactly the contract's columns and Arrow types."""
    expected = schema.arrow_schema(table)
    if data.schema.names != expected.names:
        raise ValidationFailed(
            "columns differ from the contract",
            path=where,
            record=table,
            value=", ".join(data.schema.names),
            hint=f"Expected {', '.join(expected.names)}",
        )
    for wanted in expected:
        got = data.schema.field(wanted.name).type
        if got != wanted.type:
            raise ValidationFailed(
                "wrong Arrow type",
                path=where,
                record=table,
                field=wanted.name,
                value=str(got),
                hint=f"Expected {wanted.type}",
            )


def _schema_violations(table: str, data: pa.Table) -> list[Violation]:
    """Lazy pandera validation of one table; failure cases become row violations."""
    import pandas as pd
    from pandera.errors import SchemaErrors

    model = schema.TABLES[table]
    try:
        model.validate(data.to_pandas(types_mapper=pd.ArrowDtype), lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    columns = model.to_schema().columns
    grouped: dict[tuple[str, int], dict[str, object]] = defaultdict(dict)
    for _, column, check, _, value, index in cases.itertuples(index=False, name=None):
        if index is None or pd.isna(index):
            raise ValidationFailed(
                f"{check} failed for the whole column",
                record=table,
                field=column,
                value=value_text(value),
                hint="This is a bug in the builder; report it",
            )
        # a dataframe-wide check is reported once per column: keep one violation per check and row
        grouped[(check, int(index))][column] = None if value is pd.NA or value is pd.NaT else value
    found = []
    for (check, row), cells in grouped.items():
        name = check.split("(", 1)[0]
        rule, problem = _PANDERA_RULES.get(name, (name, f"fails {check}"))
        if "{}" in problem:
            problem = problem.format(_statistic(columns, next(iter(cells)), name))
        column = ",".join(cells)
        value = (
            "#".join(value_text(item) or "" for item in cells.values())
            if len(cells) > 1
            else (value_text(next(iter(cells.values()))))
        )
        found.append(Violation(rule, table, row, column, value, problem))
    return found


def _statistic(columns: dict, column: str, check_name: str) -> str:
    """The parameter of a column check, e.g. the allowed values of ``isin``, as text."""
    for check in columns[column].checks:
        if check.name == check_name:
            value = next(iter(check.statistics.values()))
            return ", ".join(map(str, value)) if isinstance(value, list | tuple | set) else str(value)
    return check_name


def _keep_first_valid_of_duplicates(violations: list[Violation]) -> list[Violation]:
    """pandera reports every row of a duplicated key; keep publishable the first that breaks no other rule.

    When every row with the key breaks some other rule, the first one carries only those rules.
    """
    broken = {(item.table, item.row) for item in violations if item.rule != "unique_key"}
    rows: dict[tuple[str, str, str | None], list[int]] = defaultdict(list)
    for item in violations:
        if item.rule == "unique_key":
            rows[(item.table, item.column, item.value)].append(item.row)
    kept = {}
    for (table, column, value), group in rows.items():
        valid = [row for row in group if (table, row) not in broken]
        kept[(table, column, value)] = min(valid or group)
    return [
        item
        for item in violations
        if item.rule != "unique_key" or kept[(item.table, item.column, item.value)] != item.row
    ]


def check_tables(tables: dict[str, pa.Table], work: SharedWork | None = None) -> list[Violation]:
    """Every rule of the contract over the four tables: per-table pandera models, then cross-table rules."""
    for table in schema.TABLES:
        check_arrow_types(table, tables[table])
    found: list[Violation] = []
    for table in schema.TABLES:
        found += _schema_violations(table, tables[table])
    return _keep_first_valid_of_duplicates(found + check_relations(tables, work))


def _row_keys(table: str, data: pa.Table, rows: list[int]) -> list[str]:
    """The key of each row, e.g. ``3f2a…`` or ``3f2a…#2`` (event_id#person_order)."""
    index = pa.array(rows, pa.int64())
    parts = [pc.take(data.column(name), index).to_pylist() for name in KEY_COLUMNS[table]]
    return ["#".join("" if part is None else str(part) for part in key) for key in zip(*parts, strict=True)]


def locate(
    violations: list[Violation],
    tables: dict[str, pa.Table],
    source_files: dict[str, str],
    work: SharedWork | None = None,
) -> list[dict[str, str | None]]:
    """Violations as quarantine records (key and source file filled in), sorted deterministically."""
    by_table: dict[str, list[Violation]] = defaultdict(list)
    for item in violations:
        by_table[item.table].append(item)
    records = []
    for table, items in by_table.items():
        rows = [item.row for item in items]
        keys = _row_keys(table, tables[table], rows)
        ids = row_article_ids(tables, table, pa.array(rows, pa.int64()), work)
        for item, key, article_id in zip(items, keys, ids, strict=True):
            records.append(
                {
                    "rule": item.rule,
                    "table": table,
                    "key": key,
                    "column": item.column,
                    "value": item.value,
                    "source_file": source_files.get(article_id) if article_id else None,
                    "problem": item.problem,
                }
            )
    order = {table: position for position, table in enumerate(schema.TABLES)}
    records.sort(key=lambda r: (order[r["table"]], r["key"], r["column"], r["rule"], r["value"] or ""))
    return records


def _parent_quarantined(
    tables: dict[str, pa.Table], keep: dict[str, np.ndarray], work: SharedWork
) -> list[Violation]:
    """Mark children of quarantined parents (in dependency order) and return their violations."""
    found = []
    for child, (parent, column) in PARENTS.items():
        published_keys = pc.filter(tables[parent].column(column), pa.array(keep[parent]))
        keys = tables[child].column(column)
        orphan = np.logical_not(
            pc.is_in(keys, value_set=published_keys.combine_chunks()).to_numpy(zero_copy_only=False)
        )
        if child != "events":
            # a shared event_id: the row follows the copies its evidence was read from
            for row, copies in work.owners(child).items():
                orphan[row] = not any(keep["events"][copy] for copy in copies)
        rows = np.flatnonzero(orphan & keep[child])
        values = pc.take(keys, rows).to_pylist()
        singular = parent[:-1]
        found += [
            Violation("parent_quarantined", child, int(row), column, value, f"its {singular} is quarantined")
            for row, value in zip(rows, values, strict=True)
        ]
        keep[child][rows] = False
    return found


def validate_tables(tables: Tables) -> ValidationResult:
    """Validate the built tables; see the module docstring."""
    data = tables.tables
    work = SharedWork(data)
    violations = check_tables(data, work)
    keep = {table: np.ones(data[table].num_rows, dtype=bool) for table in schema.TABLES}
    for item in violations:
        keep[item.table][item.row] = False
    violations += _parent_quarantined(data, keep, work)
    published = {
        table: data[table] if keep[table].all() else data[table].filter(pa.array(keep[table]))
        for table in schema.TABLES
    }
    published["articles"] = recount_events(published["articles"], published["events"])
    records = locate(violations, data, tables.source_files, work)
    quarantine = pa.Table.from_pylist(
        [{name: record[name] for name in QUARANTINE_COLUMNS} for record in records], schema=QUARANTINE_SCHEMA
    )
    return ValidationResult(
        published=published,
        quarantine=quarantine,
        extracted_counts={table: data[table].num_rows for table in schema.TABLES},
    )


@dataclass(frozen=True)
class FolderReport:
    """Result of re-validating a build or release folder: ``ok``, ``to_dict()``, ``summary_lines()``."""

    folder: Path
    violations: tuple[dict, ...]
    #: table → rows read
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    def to_dict(self) -> dict:
        """A JSON-ready form (``builder validate --json``)."""
        return {
            "folder": str(self.folder),
            "ok": self.ok,
            "rows": dict(self.rows),
            "violations": [dict(item) for item in self.violations],
        }

    def summary_lines(self) -> list[str]:
        """One line per violation, then a one-line verdict."""
        lines = [item["message"] for item in self.violations]
        sizes = ", ".join(f"{table} {count}" for table, count in self.rows.items())
        if self.ok:
            lines.append(f"{self.folder}: valid ({sizes} rows)")
        else:
            count = len(self.violations)
            lines.append(f"{self.folder}: {count} violation{'s' if count > 1 else ''} ({sizes} rows)")
        return lines


def violation_line(record: dict) -> str:
    """``<source_file>: <table> <key>: <column>: <what is wrong> (got <value>)``."""
    value = "null" if record["value"] is None else repr(_shorten(record["value"]))
    line = f"{record['table']} {record['key']}: {record['column']}: {record['problem']} (got {value})"
    return f"{record['source_file']}: {line}" if record.get("source_file") else line


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_build_tables(build_dir: Path) -> dict[str, pa.Table]:
    """The four tables of a build folder (``<table>/*.parquet``), checked against the contract's types."""
    import pyarrow.parquet as pq

    if not build_dir.is_dir():
        raise BuildFolderError(
            "build folder not found", path=str(build_dir), hint=f"Run `builder build --out {build_dir}` first"
        )
    tables = {}
    for table in schema.TABLES:
        files = sorted((build_dir / table).glob("*.parquet"))
        if not files:
            raise BuildFolderError(
                "no Parquet files for this table",
                path=str(build_dir / table),
                hint=f"Rebuild the folder with `builder build --out {build_dir}`",
            )
        # nulls in non-nullable columns are violations to report (not_null), not read errors
        readable = pa.schema([column.with_nullable(True) for column in schema.arrow_schema(table)])
        parts = []
        for file in files:
            try:
                part = pq.read_table(file)
            except (pa.ArrowException, OSError):
                raise BuildFolderError(
                    "not a readable Parquet file",
                    path=str(file),
                    hint=f"Rebuild the folder with `builder build --out {build_dir}`",
                ) from None
            check_arrow_types(table, part, where=str(file))
            parts.append(part.cast(readable))
        tables[table] = pa.concat_tables(parts).combine_chunks()
    return tables


def source_files_from_manifest(build_dir: Path, articles: pa.Table) -> dict[str, str]:
    """article_id → raw file, matching ``raw_sha256`` with the manifest's input hashes (empty without one).

    A missing or unreadable manifest only costs the file names in the report; ``builder verify``
    is the command that checks the manifest itself.
    """
    try:
        manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
        inputs = manifest["inputs"]
        skipped = {item["file"] for key in ("duplicates", "rejected") for item in manifest["accounting"][key]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    by_hash: dict[str, str] = {}
    for path, digest in sorted(inputs.items(), key=lambda item: (item[0] in skipped, item[0])):
        by_hash.setdefault(digest, path)
    ids = articles.column("article_id").to_pylist()
    hashes = articles.column("raw_sha256").to_pylist()
    return {aid: by_hash[digest] for aid, digest in zip(ids, hashes, strict=True) if digest in by_hash}


def validate_build(build_dir: Path, tables: dict[str, pa.Table] | None = None) -> FolderReport:
    """Re-validate the Parquet tables of a build or release folder (``builder validate DIR``).

    ``tables`` are the folder's tables when the caller has read them already (``read_build_tables``).
    """
    tables = tables if tables is not None else read_build_tables(build_dir)
    source_files = source_files_from_manifest(build_dir, tables["articles"])
    work = SharedWork(tables)
    records = locate(check_tables(tables, work), tables, source_files, work)
    for record in records:
        record["message"] = violation_line(record)
    return FolderReport(
        folder=build_dir,
        violations=tuple(records),
        rows={table: data.num_rows for table, data in tables.items()},
    )
