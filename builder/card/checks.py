"""Check a folder's ``croissant.json`` and ``datapackage.json`` with the formats' own tools.

mlcroissant validates the JSON-LD and must read every record set back with the row counts of
the Parquet files. frictionless validates the data package descriptor fully and the data of
every column its Parquet reader can type: the reader goes through pandas, which turns list cells
into numpy arrays and null integers into NaN, so list columns and nullable integer columns are
left out (and named in the report), and file sizes and hashes are checked here with hashlib
because frictionless does not measure Parquet files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from builder.errors import BuildFolderError

CROISSANT_NAME = "croissant.json"
DATAPACKAGE_NAME = "datapackage.json"
#: rows (all tables) from which ``check_metadata`` runs its two validators side by side
PARALLEL_ROWS = 20_000


@dataclass
class MetadataCheck:
    """What ``builder card FOLDER --check`` found."""

    folder: Path
    problems: list[str] = field(default_factory=list)
    croissant_warnings: list[str] = field(default_factory=list)
    #: record set → records mlcroissant read
    croissant_records: dict[str, int] = field(default_factory=dict)
    #: resource → columns whose data frictionless validated
    frictionless_columns: dict[str, list[str]] = field(default_factory=dict)
    #: resource → columns left out of the data validation (lists, nullable integers)
    frictionless_skipped: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {
            "folder": str(self.folder),
            "ok": self.ok,
            "problems": list(self.problems),
            "croissant": {"warnings": self.croissant_warnings, "records": self.croissant_records},
            "frictionless": {"validated": self.frictionless_columns, "skipped": self.frictionless_skipped},
        }

    def summary_lines(self) -> list[str]:
        lines = [f"problem: {problem}" for problem in self.problems]
        lines += [f"croissant warning: {warning}" for warning in self.croissant_warnings]
        records = ", ".join(f"{name} {count}" for name, count in self.croissant_records.items())
        lines.append(f"croissant.json: mlcroissant read {records} records")
        validated = sum(len(columns) for columns in self.frictionless_columns.values())
        skipped = sorted(
            f"{name}.{column}" for name, columns in self.frictionless_skipped.items() for column in columns
        )
        lines.append(
            f"datapackage.json: descriptor checked; data of {validated} columns validated by frictionless; "
            f"not typable by its Parquet reader: {', '.join(skipped) or 'none'}"
        )
        lines.append("OK" if self.ok else f"FAILED ({len(self.problems)} problems)")
        return lines


def _typable(field_descriptor: dict) -> bool:
    """Whether frictionless's Parquet reader gives this column's cells their declared type."""
    required = field_descriptor.get("constraints", {}).get("required", False)
    if field_descriptor["type"] in ("array", "object"):
        return False
    return not (field_descriptor["type"] == "integer" and not required)


def check_croissant(folder: Path, report: MetadataCheck) -> None:
    """Validate ``croissant.json`` with mlcroissant and read every record set."""
    import mlcroissant

    path = folder / CROISSANT_NAME
    # mlcroissant logs its findings through absl/logging; they are collected from its context instead
    logging.getLogger("absl").setLevel(logging.ERROR)
    try:
        dataset = mlcroissant.Dataset(jsonld=str(path))
    except mlcroissant.ValidationError as error:
        report.problems.append(f"{path}: mlcroissant: {str(error).strip().splitlines()[-1]}")
        return
    report.croissant_warnings = sorted(
        str(warning).strip() for warning in dataset.metadata.ctx.issues.warnings
    )
    for record_set in dataset.metadata.record_sets:
        name = record_set.name
        count = sum(1 for _ in dataset.records(record_set=name))
        report.croissant_records[name] = count
        shard = folder / name / "train-00000-of-00001.parquet"
        expected = pq.read_metadata(shard).num_rows if shard.is_file() else None
        if count != expected:
            report.problems.append(
                f"{path}: {name}: mlcroissant read {count} records (Parquet rows {expected})"
            )


def check_datapackage(folder: Path, report: MetadataCheck) -> None:
    """Validate ``datapackage.json`` with frictionless (descriptor, then data of typable columns)."""
    from frictionless import Checklist, Package, Resource, Schema
    from frictionless.formats import ParquetControl

    path = folder / DATAPACKAGE_NAME
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    errors = [error.message for error in Package.metadata_validate(descriptor)]
    report.problems += [f"{path}: descriptor: {message}" for message in errors]
    if errors:
        return
    for item in descriptor["resources"]:
        data = (folder / item["path"]).read_bytes()
        if item.get("hash") != "sha256:" + hashlib.sha256(data).hexdigest() or item.get("bytes") != len(data):
            report.problems.append(f"{path}: {item['name']}: hash or bytes differ from {item['path']}")
        fields = [
            descriptor_field for descriptor_field in item["schema"]["fields"] if _typable(descriptor_field)
        ]
        names = [descriptor_field["name"] for descriptor_field in fields]
        report.frictionless_columns[item["name"]] = names
        report.frictionless_skipped[item["name"]] = [
            descriptor_field["name"]
            for descriptor_field in item["schema"]["fields"]
            if not _typable(descriptor_field)
        ]
        resource = Resource(
            path=item["path"],
            basepath=str(folder),
            format="parquet",
            schema=Schema.from_descriptor({"fields": fields, "primaryKey": item["schema"]["primaryKey"]}),
            control=ParquetControl(columns=names),
        )
        result = resource.validate(checklist=Checklist(skip_errors=["byte-count", "hash-count"]))
        for row in result.flatten(["rowNumber", "fieldName", "type", "note"])[:5]:
            report.problems.append(f"{path}: {item['name']} row {row[0]}: {row[1]}: {row[2]} ({row[3]})")


def _croissant_part(folder: Path) -> MetadataCheck:
    """``check_croissant`` alone, in a report of its own (run in a child process)."""
    report = MetadataCheck(folder)
    check_croissant(folder, report)
    return report


def _rows(folder: Path) -> int:
    """Rows of every table of the folder, from the Parquet footers."""
    return sum(pq.read_metadata(shard).num_rows for shard in folder.glob("*/train-*.parquet"))


def check_metadata(folder: Path, *, parallel_rows: int = PARALLEL_ROWS) -> MetadataCheck:
    """Check both metadata files of a build or release folder.

    mlcroissant and frictionless each read every record, one at a time (about 65 s each at
    100,000 articles); from ``parallel_rows`` rows on, and with a second core and ``fork``,
    mlcroissant runs in a child process while frictionless runs here. The report is the same.

    Raises:
        BuildFolderError: when a metadata file is missing, or mlcroissant or frictionless is not
            installed (they come with the ``test`` extra).
    """
    folder = Path(folder)
    for name in (CROISSANT_NAME, DATAPACKAGE_NAME):
        if not (folder / name).is_file():
            raise BuildFolderError(
                f"no {name}", path=str(folder), hint="Run `builder card` on the folder to write it"
            )
    try:
        import frictionless  # noqa: F401
        import mlcroissant  # noqa: F401
    except ImportError as error:
        raise BuildFolderError(
            f"the check needs {error.name}", hint="Install it with pip install -e '.[test]'"
        ) from None
    report = MetadataCheck(folder)
    side_by_side = (
        _rows(folder) >= parallel_rows
        and (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
    )
    if not side_by_side:
        check_croissant(folder, report)
        check_datapackage(folder, report)
        return report
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        croissant = pool.submit(_croissant_part, folder)
        check_datapackage(folder, report)
        part = croissant.result()
    report.problems[:0] = part.problems  # in the order a check one after the other gives
    report.croissant_warnings = part.croissant_warnings
    report.croissant_records = part.croissant_records
    return report
