"""What the card and the metadata files say about one build folder, read from its manifest and files.

Counts, sizes and checksums come from ``manifest.json`` (written by the release stage); only
what the manifest does not hold (the in-memory size, the sources, an example row) is read from
the Parquet files themselves.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import schema
from builder.errors import BuildFolderError
from schema import documents as documents_schema
from schema.catalog import ColumnSpec, table_columns, table_description

#: file name of every config's single shard
SHARD_NAME = "train-00000-of-00001.parquet"
#: the config ``load_dataset(folder)`` loads when none is named
DEFAULT_CONFIG = "events"


def config_names() -> tuple[str, ...]:
    """Every config a build may hold: the four tables, then ``documents``."""
    return (*schema.TABLES, documents_schema.DOCUMENTS)


def config_columns(config: str) -> tuple[ColumnSpec, ...]:
    """The column specs of a config, from ``schema/``."""
    if config == documents_schema.DOCUMENTS:
        return documents_schema.columns()
    return table_columns(config)


def config_description(config: str) -> str:
    if config == documents_schema.DOCUMENTS:
        return documents_schema.DESCRIPTION
    return table_description(config)


def config_arrow_schema(config: str) -> pa.Schema:
    """The Arrow schema of a config (the one its Parquet file is written with)."""
    return pa.schema([spec.to_arrow() for spec in config_columns(config)])


def shard_path(config: str) -> str:
    """Relative path of a config's Parquet file, e.g. ``events/train-00000-of-00001.parquet``."""
    return f"{config}/{SHARD_NAME}"


@dataclass(frozen=True)
class ConfigFacts:
    """One config of a build: its file and its size."""

    name: str
    path: str
    rows: int
    #: size of the Parquet file
    file_bytes: int
    sha256: str
    #: uncompressed size of the data, what ``datasets`` calls ``num_bytes`` (it checks only the row count)
    memory_bytes: int

    @property
    def description(self) -> str:
        return config_description(self.name)

    @property
    def columns(self) -> tuple[ColumnSpec, ...]:
        return config_columns(self.name)


@dataclass(frozen=True)
class BuildFacts:
    """Everything the card, Croissant and the data package state about a build or release."""

    version: str | None
    schema_version: str
    builder_version: str
    extractor_name: str
    extractor_version: str
    configs: tuple[ConfigFacts, ...]
    #: (source, number of articles), most articles first
    sources: tuple[tuple[str, int], ...]
    #: earliest and latest ``published_date`` as ISO strings, or None without articles
    published_range: tuple[str, str] | None
    input_files: int
    duplicates: int
    rejected: int
    #: table → rows quarantined
    quarantined: dict[str, int]
    #: the first ``events`` row, for the card's example (None when there is no event)
    example_event: dict | None
    #: ``created_at`` of the manifest (set for releases, and for builds under SOURCE_DATE_EPOCH)
    created_at: str | None = None

    def config(self, name: str) -> ConfigFacts:
        return next(item for item in self.configs if item.name == name)

    def rows(self, name: str) -> int:
        return next((item.rows for item in self.configs if item.name == name), 0)

    @property
    def dataset_version(self) -> str:
        """The release version, or ``0.0.0+build`` for a build that was not released."""
        return self.version or "0.0.0+build"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _config_facts(folder: Path, config: str, manifest: dict) -> ConfigFacts:
    relative = shard_path(config)
    path = folder / relative
    entry = manifest.get("files", {}).get(relative, {})
    metadata = pq.read_metadata(path)
    return ConfigFacts(
        name=config,
        path=relative,
        rows=int(entry.get("rows", metadata.num_rows)),
        file_bytes=int(entry.get("bytes", path.stat().st_size)),
        sha256=entry.get("sha256") or _sha256(path),
        # the uncompressed size of the data, from the Parquet footer: reading a large table back
        # just to measure it would double the build's memory (datasets does not check this figure)
        memory_bytes=sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups)),
    )


def _jsonable(row: dict) -> dict:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in row.items()}


def _sources_and_range(
    articles: pa.Table,
) -> tuple[tuple[tuple[str, int], ...], tuple[str, str] | None]:
    """(source, articles) most first, and the first and last ``published_date``, of the ``articles`` columns.

    Counted with Arrow kernels (no Python object per article); a column holding a null, which
    the contract forbids, takes the plain Python path, so that it fails or counts as it did.
    """
    source, published = articles.column("source"), articles.column("published_date")
    if source.null_count or published.null_count:
        counted = Counter(source.to_pylist())
        dates = sorted(value.isoformat() for value in published.to_pylist())
        ranked = tuple(sorted(counted.items(), key=lambda item: (-item[1], item[0])))
        return ranked, ((dates[0], dates[-1]) if dates else None)
    counts = pc.value_counts(source)
    pairs = zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)
    ranked = tuple(sorted(pairs, key=lambda item: (-item[1], item[0])))
    if not len(published):
        return ranked, None
    # ISO dates (years 1-9999, four digits) sort as the dates do
    bounds = pc.min_max(published)
    return ranked, (bounds["min"].as_py().isoformat(), bounds["max"].as_py().isoformat())


def read_facts(folder: Path, manifest: dict) -> BuildFacts:
    """Collect the facts of the build in ``folder`` described by ``manifest``.

    Raises:
        BuildFolderError: when a table's Parquet file is missing.
    """
    folder = Path(folder)
    for table in schema.TABLES:
        if not (folder / shard_path(table)).is_file():
            raise BuildFolderError(
                "missing table file",
                path=str(folder / shard_path(table)),
                hint="Run `builder build` to write a complete build folder",
            )
    configs = tuple(
        _config_facts(folder, name, manifest)
        for name in config_names()
        if (folder / shard_path(name)).is_file()
    )
    articles = pq.read_table(folder / shard_path("articles"), columns=["source", "published_date"])
    sources, published_range = _sources_and_range(articles)
    events = pq.read_table(folder / shard_path("events"))
    accounting = manifest.get("accounting", {})
    extractor = manifest.get("extractor", {})
    return BuildFacts(
        version=manifest.get("version"),
        schema_version=str(manifest.get("schema_version", schema.SCHEMA_VERSION)),
        builder_version=str(manifest.get("builder_version", "unknown")),
        extractor_name=str(extractor.get("name", "unknown")),
        extractor_version=str(extractor.get("version", "unknown")),
        configs=configs,
        sources=sources,
        published_range=published_range,
        input_files=int(accounting.get("input_files", len(manifest.get("inputs", {})))),
        duplicates=len(accounting.get("duplicates", [])),
        rejected=len(accounting.get("rejected", [])),
        quarantined={
            name: int(info.get("quarantined", 0)) for name, info in manifest.get("tables", {}).items()
        },
        example_event=_jsonable(events.slice(0, 1).to_pylist()[0]) if events.num_rows else None,
        created_at=manifest.get("created_at"),
    )
