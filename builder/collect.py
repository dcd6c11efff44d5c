"""Bringing the chunks' Arrow rows together: duplicate files found and dropped, tables sorted.

``TableCollector`` takes each chunk as the workers hand it back (``builder.workers``) and at the
end gives the four tables in the order ``build_tables`` gives, without ever holding an article
as a Python object.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from builder.articles import find_duplicates
from builder.models import Article, DuplicateFile, RejectedFile
from builder.tables import TableRows, Tables
from builder.workers import ChunkResult

#: the ``articles`` columns duplicate detection and error lines need (the text is left behind)
LIGHT_COLUMNS = (
    "article_id", "url", "canonical_url", "title", "source", "published_date", "fetched_at", "language",
    "raw_sha256",
)


class TableCollector:
    """Accumulates the chunks' Arrow rows; finds duplicate files, drops their rows and sorts at the end.

    Nothing per article is kept as a Python object: at 100,000 articles the rows and their
    bookkeeping stay in Arrow (and NumPy for the sort keys).
    """

    def __init__(self) -> None:
        #: per chunk: its tables, and the input number of every row's file
        self.parts: list[tuple[dict[str, pa.Table], dict[str, np.ndarray]]] = []
        #: per chunk: ``LIGHT_COLUMNS`` of its articles plus ``source_file`` and ``index`` (input number)
        self.light_parts: list[pa.Table] = []
        #: (input number, rejection) of every rejected file
        self.rejections: list[tuple[int, RejectedFile]] = []

    def add(self, chunk: ChunkResult) -> None:
        """Take one chunk's rows, articles and rejections."""
        rows = chunk.rows
        indexes = np.asarray(chunk.indexes, dtype=np.int64)
        origins = {name: indexes[rows.positions[name].to_numpy()] for name in rows.tables}
        self.parts.append((dict(rows.tables), origins))
        self.rejections += chunk.unreadable
        self.rejections += [
            (chunk.indexes[position], item.rejected)
            for position, item in enumerate(rows.files)
            if item.rejected is not None
        ]
        files = pa.array([item.source_file for item in rows.files], pa.string())
        light = rows.tables["articles"].select(list(LIGHT_COLUMNS))
        light = light.append_column("source_file", files.take(rows.positions["articles"]))
        self.light_parts.append(light.append_column("index", pa.array(origins["articles"], pa.int64())))

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
        empty = TableRows().to_arrow()
        for name in empty:
            pieces = [part.pop(name) for part, _ in self.parts]
            row_files = [origins.pop(name) for _, origins in self.parts]
            origin = np.concatenate([np.empty(0, np.int64), *row_files])
            # one contiguous copy first: taking from 1,500 chunks of long strings is 20x slower
            table = pa.concat_tables([empty[name], *pieces]).combine_chunks()
            del pieces
            key = rank[origin]
            rows = np.flatnonzero(key >= 0)
            order = rows[np.argsort(key[rows], kind="stable")]
            tables[name] = table.take(pa.array(order, pa.int64()))
            del table
        self.parts = []
        article_ids, files = by_id["article_id"].to_pylist(), by_id["source_file"].to_pylist()
        source_files = dict(zip(article_ids, files, strict=True))
        return Tables(tables=tables, source_files=source_files)
