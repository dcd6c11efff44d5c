"""Table fingerprints for the manifest: content hashes independent of the Parquet writer and row order.

Each table entry of a manifest names its method in ``fingerprint_method``; manifests written
before that field existed used ``json-rows`` (``builder.release.json_rows``), one canonical JSON
line per row. New builds use ``arrow-columns``, defined here, which hashes the values column by
column as bytes and never turns a row into Python objects:

sha256 over the header line of ``json_rows.header`` (column names and types), then for every
column in schema order, of the rows in key order, a sequence of *pieces*, each hashed as its
length (8 bytes, little-endian) followed by its bytes:

- validity: one byte per row, 1 for a value and 0 for a null;
- integers, booleans, dates and times: their integer value (the date's days, the time's ticks in
  the column's unit, 1/0), 8 bytes little-endian per row, 0 for a null;
- strings and binaries: the byte length of each value, 8 bytes little-endian per row (0 for a
  null), then one piece of all values' UTF-8 bytes one after the other;
- lists: the length of each list as above, then the pieces of the list items as a column;
- any other type: the length of each value's ``json.dumps`` text, then one piece of those texts.

The pieces of a value depend on the value only, never on chunks, offsets or buffer padding.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from builder.errors import BuildFolderError
from builder.release.json_rows import canonical_column, header, json_rows_fingerprint, sort_by_key

#: the method of manifests whose table entries name none
JSON_ROWS = "json-rows"
#: the method ``write_build`` uses
ARROW_COLUMNS = "arrow-columns"
#: column types hashed as byte lengths and bytes
_TEXT_TYPES = (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary, pa.types.is_large_binary)


def fingerprint(table: pa.Table, keys: Sequence[str], *, ordered: bool = False) -> str:
    """A content hash of a table that depends on neither the Parquet writer nor row order (``arrow-columns``).

    ``ordered=True`` says the rows are in key order already (``sort_by_key``).
    """
    return fingerprint_with(ARROW_COLUMNS, table, keys, ordered=ordered)


def fingerprint_with(method: str, table: pa.Table, keys: Sequence[str], *, ordered: bool = False) -> str:
    """The fingerprint of ``table`` by ``method`` (``arrow-columns`` or ``json-rows``)."""
    if method == JSON_ROWS:
        return json_rows_fingerprint(table, keys, ordered=ordered)
    if method != ARROW_COLUMNS:
        raise BuildFolderError(
            "unknown fingerprint method",
            field="fingerprint_method",
            value=method,
            hint=f"This builder knows {ARROW_COLUMNS} and {JSON_ROWS}; use the one that wrote the manifest",
        )
    rows = table if ordered else sort_by_key(table, keys)
    digest = hashlib.sha256(header(table))
    for column in rows.columns:
        for piece in _pieces(column):
            digest.update(len(piece).to_bytes(8, "little"))
            digest.update(piece)
    return "sha256:" + digest.hexdigest()


def method_of(table_entry: dict) -> str:
    """The fingerprint method of one ``tables`` entry of a manifest."""
    return table_entry.get("fingerprint_method", JSON_ROWS)


def _int64_bytes(values: pa.ChunkedArray | pa.Array) -> memoryview:
    """Integers as 8-byte little-endian values, 0 for a null."""
    numbers = pc.fill_null(values, 0).to_numpy(zero_copy_only=False).astype("<i8", copy=False)
    return memoryview(np.ascontiguousarray(numbers)).cast("B")


def _pieces(column: pa.ChunkedArray) -> Iterator[bytes | memoryview]:
    """The pieces one column contributes (see the module docstring)."""
    kind = column.type
    valid = pc.is_valid(column).to_numpy(zero_copy_only=False).astype(np.uint8)
    yield memoryview(valid).cast("B")
    if any(test(kind) for test in _TEXT_TYPES):
        yield from _text_pieces(column)
    elif pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        yield _int64_bytes(pc.cast(column, pa.int64()))
    elif pa.types.is_date32(kind):
        yield _int64_bytes(pc.cast(pc.cast(column, pa.int32()), pa.int64()))
    elif pa.types.is_date64(kind) or pa.types.is_timestamp(kind) or pa.types.is_duration(kind):
        yield _int64_bytes(pc.cast(column, pa.int64()))
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        yield _int64_bytes(pc.list_value_length(column))
        items = [chunk.flatten() for chunk in column.chunks]
        yield from _pieces(pa.chunked_array(items, kind.value_type))
    else:
        texts = [
            json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
            for value in canonical_column(column)
        ]
        yield _int64_bytes(pa.array([len(text) for text in texts], pa.int64()))
        yield b"".join(texts)


def _text_pieces(column: pa.ChunkedArray) -> Iterator[bytes | memoryview]:
    """Byte lengths, then every value's bytes in one piece (a null is empty)."""
    values = column.cast(pa.large_binary())
    if values.null_count:
        values = pc.fill_null(values, pa.scalar(b"", pa.large_binary()))
    yield _int64_bytes(pc.binary_length(values))
    parts = []
    for chunk in values.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
        first, last = offsets[chunk.offset], offsets[chunk.offset + len(chunk)]
        if last > first:
            parts.append(memoryview(chunk.buffers()[2])[first:last])
    yield parts[0] if len(parts) == 1 else b"".join(parts)
