"""Bringing the chunks' Arrow rows together: duplicate files found and dropped, tables sorted.

``TableCollector`` takes each chunk as the workers hand it back (``builder.workers``) and at the
end gives the four tables in the order ``build_tables`` gives, without ever holding an article
as a Python object.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from builder.articles import find_duplicates
from builder.cache.chunks import ChunkRows
from builder.models import Article, DuplicateFile, RejectedFile
from builder.tables import TableRows, Tables
from builder.workers import ChunkResult

#: the ``articles`` columns duplicate detection and error lines need (the text is left behind)
LIGHT_COLUMNS = (
    "article_id", "url", "canonical_url", "title", "source", "published_date", "fetched_at", "language",
    "raw_sha256",
)


#: a spliced table is made of at most one piece per this many rows (else it is sorted as usual)
SPLICE_ROWS_PER_PIECE = 8


@dataclass(frozen=True)
class ChunkParts:
    """What ``TableCollector.add`` derives from one chunk's rows, whatever its input numbers."""

    #: table name → position in the chunk of the file of every row
    positions: dict[str, np.ndarray]
    #: (position in the chunk, rejection) of every rejected file
    rejected: list[tuple[int, RejectedFile]]
    #: ``LIGHT_COLUMNS`` of its articles plus ``source_file``
    light: pa.Table

    @classmethod
    def of(cls, rows: ChunkRows) -> ChunkParts:
        files = pa.array([item.source_file for item in rows.files], pa.string())
        light = rows.tables["articles"].select(list(LIGHT_COLUMNS))
        rejected = [(position, item.rejected) for position, item in enumerate(rows.files)]
        return cls(
            positions={name: rows.positions[name].to_numpy() for name in rows.tables},
            rejected=[(position, item) for position, item in rejected if item is not None],
            light=light.append_column("source_file", files.take(rows.positions["articles"])),
        )


class HollowTable:
    """Stands in for a chunk's table whose every row the sorted tables of a ``SortedBefore`` hold.

    Only its number of rows is kept (``SortedBefore.hollowed``): a collection splicing from those
    tables copies the chunk's rows from them and never reads the chunk's own copy, which a
    resident build would otherwise keep beside them (about 330 MiB at 100,000 articles).
    """

    __slots__ = ("num_rows",)

    def __init__(self, num_rows: int) -> None:
        self.num_rows = num_rows


def is_hollow(rows: ChunkRows) -> bool:
    """Whether some table of ``rows`` is a ``HollowTable`` (its rows live only in sorted tables)."""
    return any(isinstance(table, HollowTable) for table in rows.tables.values())


class SortedBefore:
    """The sorted tables of a previous collection and where each chunk's rows went in them.

    A resident build (``builder.watch``) hands the same chunk rows to the next collection for
    every unchanged chunk; ``TableCollector.tables`` then copies their rows from these tables
    in runs instead of sorting every row again.
    """

    def __init__(self) -> None:
        #: table name → the table ``TableCollector.tables`` gave
        self.tables: dict[str, pa.Table] = {}
        #: id(chunk rows) → (the chunk rows, table name → row of each of its rows in ``tables``, -1: dropped)
        self.placed: dict[int, tuple[object, dict[str, np.ndarray]]] = {}
        #: id(chunk rows) → (the chunk rows, its ``ChunkParts``)
        self.parts: dict[int, tuple[object, ChunkParts]] = {}

    def parts_of(self, rows: object) -> ChunkParts | None:
        """The ``ChunkParts`` of chunk ``rows``, if it is a chunk of this collection."""
        found = self.parts.get(id(rows))
        return found[1] if found is not None and found[0] is rows else None

    def rows_in(self, rows: object, name: str) -> np.ndarray | None:
        """Where the rows of table ``name`` of chunk ``rows`` went, if it is a chunk of this collection."""
        found = self.placed.get(id(rows))
        return found[1][name] if found is not None and found[0] is rows else None

    def hollowed(self, rows: ChunkRows) -> ChunkRows:
        """``rows`` without its tables' data when ``tables`` hold every one of its rows.

        The hollow copy (``HollowTable`` tables, the same files and positions) takes ``rows``'
        place here, so the next collection copies its rows from ``tables``. ``rows`` comes back
        as it is when it is not a chunk of this collection, is hollow already, or lost rows on
        the way (a duplicate file's are dropped from ``tables``, and may be needed again).
        """
        found = self.placed.get(id(rows))
        parts = self.parts_of(rows)
        if found is None or found[0] is not rows or parts is None or is_hollow(rows):
            return rows
        where = found[1]
        if set(where) != set(rows.tables) or any(bool((rows_at < 0).any()) for rows_at in where.values()):
            return rows
        # what is kept is copied: a zero-copy slice of a column would keep alive the whole buffer the
        # chunk was read into (a spool file or cache entry holds all four tables in one)
        tables = {name: HollowTable(table.num_rows) for name, table in rows.tables.items()}
        positions = {name: pa.array(np.array(values), pa.int32()) for name, values in rows.positions.items()}
        hollow = ChunkRows(rows.files, tables, positions)  # type: ignore[arg-type]
        kept_parts = ChunkParts(
            positions={name: np.array(position) for name, position in parts.positions.items()},
            rejected=parts.rejected,
            light=parts.light.take(pa.array(np.arange(parts.light.num_rows, dtype=np.int64))),
        )
        del self.placed[id(rows)], self.parts[id(rows)]
        self.placed[id(hollow)] = (hollow, where)
        self.parts[id(hollow)] = (hollow, kept_parts)
        return hollow


class TableCollector:
    """Accumulates the chunks' Arrow rows; finds duplicate files, drops their rows and sorts at the end.

    Nothing per article is kept as a Python object: at 100,000 articles the rows and their
    bookkeeping stay in Arrow (and NumPy for the sort keys). With ``before`` (the previous
    collection's ``after``), rows of chunks it already sorted are copied from its tables.
    """

    def __init__(
        self,
        before: SortedBefore | None = None,
        *,
        remember: bool = False,
        rows_per_piece: int = SPLICE_ROWS_PER_PIECE,
    ) -> None:
        self.before = before
        #: whether ``tables`` leaves an ``after`` for the next collection (it keeps every chunk's
        #: rows alive: a one-off build releases them table by table instead)
        self.remember = remember
        #: a table is spliced from at most one piece per this many rows
        self.rows_per_piece = rows_per_piece
        #: the tables ``tables`` spliced from ``before``
        self.spliced: list[str] = []
        #: where this collection's chunks went (set by ``tables`` when remembering), for the next one
        self.after: SortedBefore | None = None
        #: the rows object of every chunk, in order, and its ``ChunkParts``
        self.chunk_rows: list[object] = []
        self.chunk_parts: list[ChunkParts] = []
        #: per chunk: its tables, and the input number of every row's file
        self.parts: list[tuple[dict[str, pa.Table], dict[str, np.ndarray]]] = []
        #: per chunk: ``LIGHT_COLUMNS`` of its articles plus ``source_file`` and ``index`` (input number)
        self.light_parts: list[pa.Table] = []
        #: (input number, rejection) of every rejected file
        self.rejections: list[tuple[int, RejectedFile]] = []

    def add(self, chunk: ChunkResult) -> None:
        """Take one chunk's rows, articles and rejections."""
        rows = chunk.rows
        parts = self.before.parts_of(rows) if self.before is not None else None
        if parts is None:
            parts = ChunkParts.of(rows)
        if self.remember:
            self.chunk_parts.append(parts)
        indexes = np.asarray(chunk.indexes, dtype=np.int64)
        origins = {name: indexes[positions] for name, positions in parts.positions.items()}
        self.parts.append((dict(rows.tables), origins))
        if self.before is not None or self.remember:
            self.chunk_rows.append(rows)
        self.rejections += chunk.unreadable
        self.rejections += [(chunk.indexes[position], item) for position, item in parts.rejected]
        self.light_parts.append(parts.light.append_column("index", pa.array(origins["articles"], pa.int64())))

    def _light(self) -> pa.Table:
        empty = TableRows().to_arrow()["articles"].select(list(LIGHT_COLUMNS))
        empty = empty.append_column("source_file", pa.array([], pa.string()))
        empty = empty.append_column("index", pa.array([], pa.int64()))
        return pa.concat_tables([empty, *self.light_parts])

    def articles(self, where: pa.Array | None = None) -> list[Article]:
        """Every article added (or those ``where`` is true), text dropped, in input order."""
        light = self._light()
        if where is not None:
            light = light.filter(where)
        light = light.take(pc.sort_indices(light["index"]))
        columns = light.to_pydict()
        del columns["index"]
        names = list(columns)
        return [
            Article(**dict(zip(names, values, strict=True)), text="")
            for values in zip(*columns.values(), strict=True)
        ]

    def duplicates(self) -> list[DuplicateFile]:
        """The duplicate files among the articles, by file name.

        Only articles sharing their bytes or canonical URL with another one can be duplicates, so
        only those become Python objects for ``find_duplicates``.
        """
        light = self._light()
        shared = None
        for column in ("raw_sha256", "canonical_url"):
            counts = pc.value_counts(light[column])
            repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
            mask = pc.is_in(light[column], value_set=repeated)
            shared = mask if shared is None else pc.or_(shared, mask)
        if shared is None or not pc.any(shared).as_py():
            return []
        found = find_duplicates(self.articles(where=shared))
        return sorted(found, key=lambda item: item.source_file)

    def input_sha256(self) -> dict[str, str]:
        """source_file → sha256 of every article's raw file."""
        light = self._light()
        return dict(zip(light["source_file"].to_pylist(), light["raw_sha256"].to_pylist(), strict=True))

    def rejected(self) -> list[RejectedFile]:
        """Every rejected file, in input order."""
        return [item for _, item in sorted(self.rejections, key=lambda item: item[0])]

    def tables(self, duplicates: Sequence[DuplicateFile]) -> Tables:
        """The tables without the rows of duplicate files, in the order ``build_tables`` gives.

        That is rows sorted by article_id, the rows of one article in the order they were added.
        The chunks' rows are released table by table as the sorted tables are made.
        """
        light = self._light()
        self.light_parts = []
        dropped = pa.array([item.source_file for item in duplicates], pa.string())
        kept_articles = pc.invert(pc.is_in(light["source_file"], value_set=dropped))
        kept = light.filter(kept_articles)
        by_id = kept.take(pc.sort_indices(kept["article_id"]))
        # rank of every input file's article in the output (-1: no kept article)
        size = int(pc.max(light["index"]).as_py()) + 1 if light.num_rows else 0
        rank = np.full(size, -1, dtype=np.int64)
        rank[by_id["index"].to_numpy()] = np.arange(by_id.num_rows, dtype=np.int64)
        tables = {}
        after = SortedBefore()
        empty = TableRows().to_arrow()
        for name in empty:
            pieces = [part.pop(name) for part, _ in self.parts]
            row_files = [origins.pop(name) for _, origins in self.parts]
            origin = np.concatenate([np.empty(0, np.int64), *row_files])
            key = rank[origin]
            rows = np.flatnonzero(key >= 0)
            order = rows[np.argsort(key[rows], kind="stable")]
            table = self._spliced(name, pieces, order) if self.before is not None else None
            if table is not None:
                self.spliced.append(name)
            elif len(order) and any(isinstance(piece, HollowTable) for piece in pieces):
                raise RuntimeError(
                    f"the previous {name} table holding a hollow chunk's rows is gone; "
                    "hollow chunks must be forgotten when a build fails"
                )
            else:
                # (with no row to take, a hollow piece is not needed either)
                pieces = [piece for piece in pieces if not isinstance(piece, HollowTable)]
                # one contiguous copy first: taking from 1,500 chunks of long strings is 20x slower
                table = pa.concat_tables([empty[name], *pieces]).combine_chunks()
                table = table.take(pa.array(order, pa.int64()))
            del pieces
            tables[name] = table
            if not self.remember:
                continue
            after.tables[name] = table
            # row of the output that every collected row became (-1: dropped), chunk by chunk
            placed = np.full(len(origin), -1, dtype=np.int64)
            placed[order] = np.arange(len(order), dtype=np.int64)
            ends = np.cumsum([len(files) for files in row_files])
            for rows_object, where in zip(self.chunk_rows, np.split(placed, ends[:-1]), strict=True):
                after.placed.setdefault(id(rows_object), (rows_object, {}))[1][name] = where
        if self.remember:
            after.parts = {
                id(rows): (rows, parts) for rows, parts in zip(self.chunk_rows, self.chunk_parts, strict=True)
            }
            self.after = after
        self.parts = []
        self.chunk_rows, self.chunk_parts = [], []
        article_ids, files = by_id["article_id"].to_pylist(), by_id["source_file"].to_pylist()
        source_files = dict(zip(article_ids, files, strict=True))
        return Tables(tables=tables, source_files=source_files)

    def _spliced(self, name: str, pieces: list[pa.Table], order: np.ndarray) -> pa.Table | None:
        """``concat(pieces).take(order)`` made of the previous tables' rows, or None without them.

        Rows of a chunk ``before`` placed are copied from its table, the others from their piece;
        consecutive rows of one source are one slice, and the slices are made one contiguous
        table. When that would take more than one slice per ``rows_per_piece`` rows, the rows are
        taken one by one from the previous table and the pieces' new rows instead: the pieces of
        placed chunks are never read (a ``HollowTable`` has no rows to read).
        """
        assert self.before is not None
        # taken out: the previous table is released as soon as this one is made (a failed build
        # leaves the next one nothing to splice from, which only costs it the shortcut)
        previous = self.before.tables.pop(name, None)
        if previous is None or not len(order):
            return None
        sizes = np.array([piece.num_rows for piece in pieces], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(sizes)])
        known = [self.before.rows_in(rows, name) for rows in self.chunk_rows]
        was = np.concatenate(
            [np.empty(0, np.int64)]
            + [
                where if where is not None and len(where) == size else np.full(size, -1, np.int64)
                for where, size in zip(known, sizes, strict=True)
            ]
        )[order]
        new = was < 0
        source_rows = was.copy()
        parts = [previous]
        if new.any():
            # the pieces holding rows the previous tables lack, one after the other in ``fresh``
            missing = order[new]
            piece_of = np.searchsorted(starts, missing, side="right") - 1
            needed = np.unique(piece_of)
            fresh_starts = np.concatenate([[0], np.cumsum(sizes[needed])])
            fresh_start_of = np.zeros(len(pieces), dtype=np.int64)
            fresh_start_of[needed] = fresh_starts[:-1]
            source_rows[new] = missing - starts[piece_of] + fresh_start_of[piece_of]
            parts.append(pa.concat_tables([pieces[i] for i in needed]).combine_chunks())
        # a run ends where the source changes or its rows stop following each other
        breaks = np.flatnonzero((np.diff(new) != 0) | (np.diff(source_rows) != 1)) + 1
        if len(breaks) + 1 > max(1, len(order) // self.rows_per_piece):
            if new.all():  # nothing of the previous table is wanted
                return parts[-1].take(pa.array(source_rows, pa.int64()))
            source = pa.concat_tables(parts).combine_chunks()
            source_rows[new] += previous.num_rows
            return source.take(pa.array(source_rows, pa.int64()))
        bounds = np.concatenate([[0], breaks, [len(order)]])
        slices = [
            parts[int(new[start])].slice(int(source_rows[start]), int(end - start))
            for start, end in zip(bounds[:-1], bounds[1:], strict=True)
        ]
        return pa.concat_tables([previous.slice(0, 0), *slices]).combine_chunks()
