"""Parquet files of small tables kept in memory by a resident build, written again only when they change.

``builder watch`` rewrites the whole build folder after every edit. Most edits leave the events,
participants, organizations and quarantine as they were; ``KeptFiles`` holds the bytes, sha256
and fingerprint each of those was last written with, and ``write_build`` writes the kept bytes
again when the table to write is exactly the one kept (``same_table``: the same schema with its
metadata, the same chunk lengths in every column, equal values — everything the Parquet writer
and the fingerprint read of a table). ``articles`` and ``documents`` hold every text and change
with every edit: they are not kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

#: the configs whose files are kept: small, and usually the same after an edit
KEPT_CONFIGS = ("events", "participants", "organizations", "quarantine")


@dataclass(frozen=True)
class ShardInMemory:
    """One config's Parquet file, written into memory."""

    #: the table as it was written (selected, cast, in key order)
    table: pa.Table
    #: its Parquet bytes (``manifest.write_parquet``)
    data: pa.Buffer
    sha256: str
    #: the manifest's ``fingerprint`` of a published table (None for the quarantine)
    fingerprint: str | None


def same_table(kept: pa.Table, actual: pa.Table) -> bool:
    """Whether writing ``kept`` gives the bytes writing ``actual`` gives.

    True only for the same schema (metadata included), the same chunk lengths in every column
    and equal values: everything the Parquet writer reads of a table.

    Example: equal values chunked 2+2 and 4 are not the same table here.
    """
    if not kept.schema.equals(actual.schema, check_metadata=True) or kept.num_rows != actual.num_rows:
        return False
    for mine, theirs in zip(kept.columns, actual.columns, strict=True):
        if [len(chunk) for chunk in mine.chunks] != [len(chunk) for chunk in theirs.chunks]:
            return False
    return kept.equals(actual)


@dataclass
class KeptFiles:
    """The latest file of each of ``KEPT_CONFIGS`` written by a resident build."""

    files: dict[str, ShardInMemory] = field(default_factory=dict)
    #: the configs the latest ``write_build`` took from here instead of writing them again
    reused: list[str] = field(default_factory=list)

    def reusable(self, name: str, table: pa.Table) -> ShardInMemory | None:
        """The kept file of ``name`` if it holds exactly ``table``, else None."""
        kept = self.files.get(name)
        return kept if kept is not None and same_table(kept.table, table) else None
