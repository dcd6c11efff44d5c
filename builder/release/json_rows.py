"""The ``json-rows`` table fingerprint (manifests before ``fingerprint_method``) and canonical rows.

The definition (``reference_fingerprint``) is sha256 over a JSON header of column names and
types, then one canonical JSON line per row in key order (``json.dumps(row, sort_keys=True,
ensure_ascii=False)``, dates and times in ISO form). ``json_rows_fingerprint`` computes the same bytes
column by column: string values are escaped as UTF-8 bytes straight from Arrow (never decoded
into Python text), numbers, dates and UTC times are formatted by Arrow, and rows are joined with
one ``bytes`` template. Columns of any other type, and string columns holding control characters
that JSON writes as ``\\u00XX``, go through ``json.dumps`` value by value, so every table gets
exactly the reference's fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from json.encoder import encode_basestring

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: rows turned into JSON values at a time (bounds the memory they take)
FINGERPRINT_BATCH = 8192
#: how ``json.dumps(..., ensure_ascii=False)`` escapes these characters (the others below 0x20 use \\u00XX)
_SHORT_ESCAPES = (
    (b"\\", b"\\\\"),
    (b'"', b'\\"'),
    (b"\n", b"\\n"),
    (b"\r", b"\\r"),
    (b"\t", b"\\t"),
    (b"\x08", b"\\b"),
    (b"\x0c", b"\\f"),
)
#: the bytes JSON escapes: control characters U+0000–U+001F, the quote and the backslash
_SPECIAL = bytes(range(0x20)) + b'"\\'
#: every other byte
_NOT_SPECIAL = bytes(byte for byte in range(0x100) if byte not in _SPECIAL)
#: the bytes with a two-character escape
_SHORT_ESCAPED = b"".join(plain for plain, _ in _SHORT_ESCAPES)
#: length of Arrow's text for a ``timestamp[us]`` in years 1000–9999: ``2024-12-10 08:00:00.000000``
_UTC_TEXT_LENGTH = 26


def sort_by_key(table: pa.Table, keys: Sequence[str]) -> pa.Table:
    """Rows in ascending key order (ties keep their order); a table already in order comes back as it is.

    The build hands over tables it has already sorted: not copying them again saves a copy of
    every article text.
    """
    if table.num_rows == 0:
        return table
    order = pc.sort_indices(table, sort_keys=[(key, "ascending") for key in keys])
    if np.array_equal(order.to_numpy(), np.arange(table.num_rows)):
        return table
    return table.take(order)


def type_name(kind: pa.DataType) -> str:
    """An Arrow type as text, without the name of list items (Parquet renames ``item`` to ``element``).

    Example: ``type_name(pa.list_(pa.string())) == "list<string>"``
    """
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        outer = "large_list" if pa.types.is_large_list(kind) else "list"
        return f"{outer}<{type_name(kind.value_type)}>"
    if pa.types.is_struct(kind):
        inner = ", ".join(f"{field.name}: {type_name(field.type)}" for field in kind)
        return f"struct<{inner}>"
    return str(kind)


def _canonical(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    return value


def canonical_rows(table: pa.Table) -> list[dict]:
    """Rows as JSON-ready dicts (dates and times in ISO form).

    Built column by column: dates become ISO text in Arrow, and only columns that hold times
    (or dates inside lists or structs) go through Python one value at a time.
    """
    names = table.column_names
    columns = [canonical_column(table.column(name)) for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def canonical_column(column: pa.ChunkedArray | pa.Array) -> list:
    """The values of one column as JSON-ready Python values (see ``canonical_rows``)."""
    if pa.types.is_date(column.type):
        # Arrow writes dates as YYYY-MM-DD, exactly like date.isoformat()
        return pc.cast(column, pa.string()).to_pylist()
    if _holds_time(column.type):
        return [_canonical(value) for value in column.to_pylist()]
    return column.to_pylist()


def _holds_time(kind: pa.DataType) -> bool:
    if pa.types.is_temporal(kind):
        return True
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return _holds_time(kind.value_type)
    if pa.types.is_struct(kind):
        return any(_holds_time(kind.field(index).type) for index in range(kind.num_fields))
    if pa.types.is_map(kind):
        return _holds_time(kind.key_type) or _holds_time(kind.item_type)
    return False


def header(table: pa.Table) -> bytes:
    """The first line every fingerprint hashes: ``[[name, type], ...]`` as JSON."""
    header = [[field.name, type_name(field.type)] for field in table.schema]
    return json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n"


def reference_fingerprint(table: pa.Table, keys: Sequence[str]) -> str:
    """The ``json-rows`` fingerprint by its definition, row by row (slow; the oracle of the fast one)."""
    digest = hashlib.sha256(header(table))
    for row in canonical_rows(sort_by_key(table, keys)):
        digest.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n")
    return "sha256:" + digest.hexdigest()


def json_rows_fingerprint(table: pa.Table, keys: Sequence[str], *, ordered: bool = False) -> str:
    """A content hash of a table that does not depend on the Parquet writer or its version.

    sha256 over the column names and types, then one canonical JSON line per row in key order;
    equal to ``reference_fingerprint`` for every table. ``ordered=True`` says the rows are in
    key order already (``sort_by_key``), which saves sorting them again.
    """
    names = table.column_names
    if not names or len(set(names)) != len(names):
        # a row of no columns is "{}"; repeated names collapse in a dict: leave both to the definition
        return reference_fingerprint(table, keys)
    digest = hashlib.sha256(header(table))
    rows = table if ordered else sort_by_key(table, keys)
    # json.dumps(sort_keys=True) orders keys like sorted(); "%" is the template's own marker
    keyed = sorted(names)
    for start in range(0, rows.num_rows, FINGERPRINT_BATCH):
        part = rows.slice(start, FINGERPRINT_BATCH)
        template: list[bytes] = []
        columns: list[list[bytes]] = []
        for name in keyed:
            values = _json_values(part.column(name))
            if values is None:
                return reference_fingerprint(table, keys)
            key = encode_basestring(name).encode("utf-8").replace(b"%", b"%%") + b": "
            # strings without nulls are quoted by the template, which saves copying each value
            quoted = isinstance(values, _Unquoted)
            template.append(key + (b'"%s"' if quoted else b"%s"))
            columns.append(values)
        line = b"{" + b", ".join(template) + b"}\n"
        for row in zip(*columns, strict=True):
            digest.update(line % row)
    return "sha256:" + digest.hexdigest()


class _Unquoted(list):
    """JSON strings of a column without nulls, escaped but not yet quoted."""


def _json_values(column: pa.ChunkedArray | pa.Array) -> list[bytes] | None:
    """Each value of a column as the UTF-8 bytes ``json.dumps(value, ensure_ascii=False)`` gives.

    A string column without nulls comes back unquoted (``_Unquoted``); None when a string holds
    a control character that JSON writes as ``\\u00XX`` (left to ``reference_fingerprint``).
    """
    if isinstance(column, pa.ChunkedArray):
        # one chunk (a sorted table's slice) is used as it is: combining would copy the texts
        column = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _string_values(column)
    if pa.types.is_integer(kind):
        return _texts(pc.cast(column, pa.string()))
    if pa.types.is_boolean(kind):
        return _texts(pc.if_else(column, "true", "false"))
    if pa.types.is_date(kind):
        return _quoted(pc.cast(column, pa.string()))
    if _is_utc_micros(kind):
        found = _utc_values(column)
        if found is not None:
            return found
    return [
        json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
        for value in canonical_column(column)
    ]


def _texts(column: pa.Array) -> list[bytes]:
    """Arrow text values as bytes, nulls as ``null``."""
    return pc.fill_null(column, "null").cast(pa.large_binary()).to_pylist()


def _quoted(column: pa.Array) -> list[bytes]:
    """Arrow text values that need no escaping, quoted; nulls as ``null``."""
    quote = pa.scalar('"', pa.string())
    return _texts(pc.binary_join_element_wise(quote, column.cast(pa.string()), quote, ""))


def _string_values(column: pa.Array) -> list[bytes] | None:
    """JSON strings made from the UTF-8 bytes; None when one needs a ``\\u00XX`` escape.

    UTF-8 continuation bytes are >= 0x80, so escaping bytes never splits a character.
    """
    values = column.cast(pa.large_binary()).to_pylist()
    nullable = column.null_count > 0
    escaped = [] if nullable else _Unquoted()
    for value in values:
        if value is None:
            escaped.append(b"null")
            continue
        special = value.translate(None, _NOT_SPECIAL)
        if special:
            if special.translate(None, _SHORT_ESCAPED):
                return None
            # the backslash goes first so that the escapes' own backslashes are not doubled
            for plain, escape in _SHORT_ESCAPES:
                if plain in special:
                    value = value.replace(plain, escape)
        escaped.append(b'"' + value + b'"' if nullable else value)
    return escaped


def _is_utc_micros(kind: pa.DataType) -> bool:
    return pa.types.is_timestamp(kind) and kind.unit == "us" and kind.tz == "UTC"


def _utc_values(column: pa.Array) -> list[bytes] | None:
    """``datetime.isoformat()`` of UTC times (``…T08:00:00+00:00``, ``.ffffff`` only when not zero)."""
    # the same instants without a time zone print as UTC without a costly time-zone lookup
    text = pc.cast(column.cast(pa.timestamp("us")), pa.string())
    if column.null_count < len(column) and pc.min_max(pc.utf8_length(text)).as_py() != {
        "min": _UTC_TEXT_LENGTH,
        "max": _UTC_TEXT_LENGTH,
    }:
        return None  # a year outside 1000–9999: Python pads or cannot represent it
    day = pc.utf8_slice_codeunits(text, 0, 10)
    clock = pc.utf8_slice_codeunits(text, 11, 19)
    fraction = pc.utf8_slice_codeunits(text, 19, 26)
    fraction = pc.if_else(pc.equal(fraction, ".000000"), "", fraction)
    quote = pa.scalar('"', pa.string())
    return _texts(pc.binary_join_element_wise(quote, day, "T", clock, fraction, '+00:00"', ""))
