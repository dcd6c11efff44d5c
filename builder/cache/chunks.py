"""Cache entries: the outcome of one chunk of input files, as Arrow rows, stored and found again.

Layout of an entry file: ``MAGIC``, a 4-byte little-endian header length, a JSON header (the
chunk's files: name, sha256 and rejection if any; where each table's stream starts), then one
Arrow IPC stream per table whose rows carry an extra ``FILE_COLUMN``.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from builder.cache import CACHEDIR_TAG, cache_identity, entries_folder, mark_used, refresh_use
from builder.models import RejectedFile
from schema.arrow import ARROW_SCHEMAS, TABLE_NAMES

#: the column that tags every cached row with its file's position in the chunk
FILE_COLUMN = "__file"
#: first bytes of an entry
MAGIC = b"builder-cache-chunk\n"


@dataclass(frozen=True)
class FileOutcome:
    """One readable input file of a chunk: its name, the sha256 of its bytes and, if so, its rejection."""

    source_file: str
    raw_sha256: str
    #: None when the file became an article
    rejected: RejectedFile | None = None


@dataclass(frozen=True)
class ChunkRows:
    """What a chunk of readable input files became: per file its outcome, per table its rows.

    Rows are in file order (the rows of one file in the order ``TableRows`` adds them);
    ``positions[table]`` holds, for every row, the position in ``files`` of the file it came from.
    """

    files: tuple[FileOutcome, ...]
    tables: dict[str, pa.Table]
    positions: dict[str, pa.Array]

    def select(self, renumbered: dict[int, int]) -> ChunkRows:
        """The rows of the files at the keys of ``renumbered``, their positions renumbered to its values.

        Example: ``rows.select({3: 0})`` is file 3's rows, tagged as file 0 (``files`` is left empty).
        """
        wanted = pa.array(sorted(renumbered), pa.int32())
        lookup = [-1] * len(self.files)
        for old, new in renumbered.items():
            lookup[old] = new
        new_position = pa.array(lookup, pa.int32())
        tables, positions = {}, {}
        for name, table in self.tables.items():
            keep = pc.is_in(self.positions[name], value_set=wanted)
            tables[name] = table.filter(keep)
            positions[name] = new_position.take(self.positions[name].filter(keep))
        return ChunkRows((), tables, positions)

    @staticmethod
    def merge(files: Sequence[FileOutcome], parts: Sequence[ChunkRows]) -> ChunkRows:
        """One chunk from parts whose positions already index ``files``; rows come out in file order."""
        if len(parts) == 1 and all(_in_order(position) for position in parts[0].positions.values()):
            # a chunk processed from scratch: its rows were added file by file, already in order
            return ChunkRows(tuple(files), dict(parts[0].tables), dict(parts[0].positions))
        tables, positions = {}, {}
        for name in TABLE_NAMES:
            merged_positions = pa.chunked_array([part.positions[name] for part in parts], pa.int32())
            merged = pa.concat_tables([part.tables[name] for part in parts])
            # stable: the rows of one file come from one part, already in their order
            order = pc.sort_indices(merged_positions)
            tables[name] = merged.take(order).combine_chunks()
            positions[name] = merged_positions.take(order).combine_chunks()
        return ChunkRows(tuple(files), tables, positions)


def _in_order(positions: pa.Array) -> bool:
    return len(positions) < 2 or bool(pc.all(pc.less_equal(positions[:-1], positions[1:])).as_py())


@cache
def entry_schema(table: str) -> pa.Schema:
    return ARROW_SCHEMAS[table].append(pa.field(FILE_COLUMN, pa.int32(), nullable=False))


class ChunkCache:
    """Entries of chunks of input files, for one extractor and one version of the code, under ``folder``."""

    #: entries kept decoded while a worker takes single files' rows from them
    LOADED_LIMIT = 16

    def __init__(self, folder: Path, extractor_name: str, extractor_version: str) -> None:
        self.folder = folder
        self._identity = cache_identity(extractor_name, extractor_version)
        #: entries of other code versions sit in other sub-folders and are never read
        self.entries = entries_folder(folder, self._identity)
        #: (source_file, sha256) → (entry, position): built on the first changed chunk
        self._index: dict[tuple[str, str], tuple[Path, int]] | None = None
        self._loaded: dict[Path, ChunkRows | None] = {}
        self._folder_ready = False

    def path_for(self, files: Sequence[tuple[str, str]]) -> Path:
        """The entry of the chunk made of ``(source_file, sha256)`` files in this order (it may not exist)."""
        digest = hashlib.sha256(self._identity.encode("ascii"))
        for source_file, raw_sha256 in files:
            name = source_file.encode("utf-8", "surrogatepass")
            digest.update(name + b"\0" + raw_sha256.encode("ascii") + b"\0")
        return self.entries / f"{digest.hexdigest()}.chunk"

    def get(self, files: Sequence[tuple[str, str]]) -> ChunkRows | None:
        """The cached rows of exactly this chunk, or None."""
        return read_entry(self.path_for(files), files)

    def holds(self, files: Sequence[tuple[str, str]]) -> Path | None:
        """The entry of exactly this chunk if one exists (its header is checked, its rows are not)."""
        path = self.path_for(files)
        header = _read_header(path)
        try:
            if header is None or _keys(header[0]["files"]) != _keys(files):
                return None
        except (TypeError, IndexError, KeyError):  # a damaged header
            return None
        return path

    def find(self, source_file: str, raw_sha256: str) -> tuple[ChunkRows, int] | None:
        """Any entry holding this file, with the file's position in it, or None."""
        if self._index is None:
            self._index = self._read_index()
        found = self._index.get((source_file, raw_sha256))
        if found is None:
            return None
        path, position = found
        if path not in self._loaded:
            if len(self._loaded) >= self.LOADED_LIMIT:
                self._loaded.clear()
            self._loaded[path] = _read_entry(path)
        rows = self._loaded[path]
        if rows is None or position >= len(rows.files):
            return None
        outcome = rows.files[position]
        if (outcome.source_file, outcome.raw_sha256) != (source_file, raw_sha256):
            return None
        return rows, position

    def put(self, rows: ChunkRows) -> Path | None:
        """Store a chunk's rows (atomically); the entry, or None when it could not be written (no error)."""
        path = self.path_for([(item.source_file, item.raw_sha256) for item in rows.files])
        # unique among live processes; a leftover of a killed one is overwritten, never read
        temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        try:
            if not self._folder_ready:
                self._make_folder()
            try:
                temporary.write_bytes(_encode_entry(rows))
            except FileNotFoundError:  # the folder was deleted while we ran
                self._make_folder()
                temporary.write_bytes(_encode_entry(rows))
            os.replace(temporary, path)
        except OSError:
            # a read-only or full disk only costs the next build some time
            return None
        return path

    def _make_folder(self) -> None:
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            tag.write_text(CACHEDIR_TAG, encoding="utf-8")
        self.entries.mkdir(parents=True, exist_ok=True)
        mark_used(self.entries)
        self._folder_ready = True

    def _read_index(self) -> dict[tuple[str, str], tuple[Path, int]]:
        index: dict[tuple[str, str], tuple[Path, int]] = {}
        try:
            # a killed writer's temporary file is never read, complete or not
            paths = sorted(path for path in self.entries.glob("*.chunk") if not path.name.startswith(".tmp-"))
        except OSError:
            return index
        for path in paths:
            header = _read_header(path)
            if header is None:
                continue
            for position, item in enumerate(header[0]["files"]):
                index.setdefault((item[0], item[1]), (path, position))
        return index


def _encode_entry(rows: ChunkRows) -> bytes:
    streams, places, offset = [], {}, 0
    for name, table in rows.tables.items():
        tagged = table.append_column(pa.field(FILE_COLUMN, pa.int32(), nullable=False), rows.positions[name])
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, tagged.schema) as writer:
            writer.write_table(tagged)
        stream = sink.getvalue().to_pybytes()
        places[name] = [offset, len(stream)]
        streams.append(stream)
        offset += len(stream)
    files = [
        [item.source_file, item.raw_sha256]
        + (
            [item.rejected.source_file, item.rejected.field, item.rejected.reason]
            if item.rejected is not None
            else []
        )
        for item in rows.files
    ]
    header_text = json.dumps({"files": files, "tables": places}, ensure_ascii=False)
    header = header_text.encode("utf-8", "surrogatepass")
    return MAGIC + struct.pack("<I", len(header)) + header + b"".join(streams)


def _read_header(path: Path) -> tuple[dict, int] | None:
    """The header of an entry and where its streams start, or None when it is not a readable entry."""
    try:
        with path.open("rb") as stream:
            start = stream.read(len(MAGIC) + 4)
            if len(start) != len(MAGIC) + 4 or not start.startswith(MAGIC):
                return None
            (length,) = struct.unpack("<I", start[len(MAGIC):])
            header = json.loads(stream.read(length).decode("utf-8", "surrogatepass"))
        if not isinstance(header, dict) or not isinstance(header.get("files"), list):
            return None
        return header, len(MAGIC) + 4 + length
    except (OSError, ValueError, struct.error):
        return None


def read_entry(path: Path, files: Sequence[tuple[str, str]] | None = None) -> ChunkRows | None:
    """A decoded entry (of exactly ``files`` if given), or None when it is missing, damaged or another."""
    rows = _read_entry(path)
    if rows is None or (files is not None and _keys(rows.files) != _keys(files)):
        return None
    return rows


def _keys(files: Sequence[object]) -> list[tuple[str, str]]:
    """``(source_file, sha256)`` of file outcomes, header items or key pairs."""
    return [
        (item.source_file, item.raw_sha256) if isinstance(item, FileOutcome) else (item[0], item[1])
        for item in files
    ]


def _read_entry(path: Path) -> ChunkRows | None:
    """A decoded entry, or None when it is missing, damaged or of another shape.

    Reading an entry is using it: its time of last use is refreshed (``refresh_use``). That covers
    every entry a build takes rows from: a pool worker's entries are read here by the main process.
    """
    try:
        with path.open("rb") as stream:
            refresh_use(path, os.fstat(stream.fileno()).st_mtime)
            data = stream.read()
        if not data.startswith(MAGIC):
            return None
        (length,) = struct.unpack_from("<I", data, len(MAGIC))
        body = len(MAGIC) + 4 + length
        header = json.loads(data[len(MAGIC) + 4 : body].decode("utf-8", "surrogatepass"))
        files = tuple(_outcome(item) for item in header["files"])
        buffer = pa.py_buffer(data)
        tables, positions = {}, {}
        for name in TABLE_NAMES:
            offset, size = header["tables"][name]
            if offset < 0 or size < 0 or body + offset + size > len(data):
                return None
            tagged = pa.ipc.open_stream(buffer.slice(body + offset, size)).read_all()
            if not tagged.schema.equals(entry_schema(name)):
                return None
            position = tagged.column(FILE_COLUMN).combine_chunks()
            if len(position) and (pc.min(position).as_py() < 0 or pc.max(position).as_py() >= len(files)):
                return None
            tables[name] = tagged.drop_columns([FILE_COLUMN]).combine_chunks()
            positions[name] = position
    except (OSError, ValueError, TypeError, KeyError, IndexError, struct.error, pa.ArrowException):
        return None
    return ChunkRows(files, tables, positions)


def _outcome(item: object) -> FileOutcome:
    """A file outcome from its header form: ``[name, sha256]`` or ``[name, sha256, file, field, reason]``."""
    if not isinstance(item, list) or len(item) not in (2, 5):
        raise ValueError("not a file outcome")
    if not all(isinstance(part, str) for index, part in enumerate(item) if index != 3):
        raise ValueError("not a file outcome")
    source_file, raw_sha256 = item[0], item[1]
    if len(item) == 2:
        return FileOutcome(source_file, raw_sha256)
    if not isinstance(item[3], str | None):
        raise ValueError("not a file outcome")
    return FileOutcome(source_file, raw_sha256, RejectedFile(item[2], item[3], item[4], raw_sha256))
