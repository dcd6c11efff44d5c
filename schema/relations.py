"""Cross-table rules of the contract (foreign keys, ``n_events``, evidence spans, dates) over Arrow tables.

The per-table rules (types, nulls, patterns, vocabularies, blank strings, unique keys) live in the
pandera models; the rules here need two tables at once. Each returns ``Violation`` records that
name the rule, the table, the row (its index in that table), the column and the offending value.
Lookups and comparisons are vectorized with ``pyarrow.compute``; only the evidence-span check
slices strings in Python, because Arrow has no per-row substring kernel.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: rule id → what it requires, in the words of the contract
RULES: dict[str, str] = {
    "unique_key": "keys are unique: article_id, event_id, (event_id, person_order), (event_id, org_order)",
    "foreign_key": "events.article_id names an article; participants/organizations.event_id an event",
    "n_events": "articles.n_events equals the number of events of the article",
    "evidence_span": "articles.text[evidence_start:evidence_end] == evidence",
    "date_order": "end_date >= start_date",
    "date_window": "event dates lie within two years before and one year after published_date",
    "not_null": "columns outside the nullable ones hold no nulls",
    "pattern": "ids, hashes, language and country codes match their patterns",
    "min_value": "edition, orders, attendance and offsets respect their lower bounds",
    "allowed_values": "categorical columns hold only the values listed in schema/vocab.py",
    "not_blank": "no string (or list item) is empty or only white space; null is fine where nullable",
    "parent_quarantined": "a row whose article or event is quarantined is quarantined with it",
}

#: table → columns whose values together identify a row
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id",),
    "events": ("event_id",),
    "participants": ("event_id", "person_order"),
    "organizations": ("event_id", "org_order"),
}

#: child table → (parent table, foreign key column; the parent's key column has the same name)
PARENTS: dict[str, tuple[str, str]] = {
    "events": ("articles", "article_id"),
    "participants": ("events", "event_id"),
    "organizations": ("events", "event_id"),
}

#: the date window of an event around its article's published_date, in years
YEARS_BEFORE, YEARS_AFTER = 2, 1


@dataclass(frozen=True)
class Violation:
    """One broken rule in one row: ``row`` indexes ``table``; ``value`` is the offending value as text."""

    rule: str
    table: str
    row: int
    column: str
    value: str | None
    problem: str


def value_text(value: object) -> str | None:
    """A cell value as the text stored in quarantine: ISO dates, JSON lists, ``None`` for null.

    Example: ``value_text(datetime.date(2024, 12, 7)) == "2024-12-07"``
    """
    if isinstance(value, np.ndarray | pa.Scalar):
        value = value.tolist() if isinstance(value, np.ndarray) else value.as_py()
    if value is None:
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False, default=str)
    return str(value)


def parent_rows(tables: dict[str, pa.Table], child: str) -> pa.Array:
    """For each row of ``child``, the row index of its parent (first match), or null when it has none."""
    parent, column = PARENTS[child]
    options = pc.SetLookupOptions(value_set=tables[parent].column(column).combine_chunks(), skip_nulls=True)
    return pc.index_in(tables[child].column(column), options=options).combine_chunks()


def article_rows(tables: dict[str, pa.Table], table: str) -> pa.Array:
    """For each row of ``table``, the row index of its article, or null when it cannot be found."""
    if table == "articles":
        return pa.array(np.arange(tables["articles"].num_rows), pa.int32())
    if table == "events":
        return parent_rows(tables, "events")
    event_rows = parent_rows(tables, table)
    return pc.take(parent_rows(tables, "events"), event_rows)


def _violations(
    rule: str, table: str, rows: np.ndarray, column: str, values: list, problem: str | list[str]
) -> list[Violation]:
    problems = problem if isinstance(problem, list) else [problem] * len(values)
    return [
        Violation(rule, table, int(row), column, value_text(value), text)
        for row, value, text in zip(rows, values, problems, strict=True)
    ]


def _true_rows(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Row indices where a boolean array is true (null counts as false)."""
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))


def check_foreign_keys(tables: dict[str, pa.Table]) -> list[Violation]:
    """``foreign_key``: every child row points to an existing parent row."""
    found: list[Violation] = []
    for child, (parent, column) in PARENTS.items():
        keys = tables[child].column(column)
        missing = _true_rows(pc.and_(pc.is_null(parent_rows(tables, child)), pc.is_valid(keys)))
        values = pc.take(keys, missing).to_pylist()
        found += _violations("foreign_key", child, missing, column, values, f"no such {parent[:-1]}")
    return found


def check_n_events(tables: dict[str, pa.Table]) -> list[Violation]:
    """``n_events``: each article's ``n_events`` equals its number of rows in ``events``."""
    articles = tables["articles"]
    counts = tables["events"].group_by("article_id").aggregate([("article_id", "count")])
    options = pc.SetLookupOptions(value_set=counts.column("article_id").combine_chunks(), skip_nulls=True)
    where = pc.index_in(articles.column("article_id"), options=options)
    actual = pc.fill_null(pc.take(counts.column("article_id_count"), where), 0)
    rows = _true_rows(pc.not_equal(pc.cast(articles.column("n_events"), pa.int64()), actual))
    expected = pc.take(actual, rows).to_pylist()
    values = pc.take(articles.column("n_events"), rows).to_pylist()
    problems = [f"differs from the {count} rows in events" for count in expected]
    return _violations("n_events", "articles", rows, "n_events", values, problems)


class SharedWork:
    """Work several rules need over the same tables, done once per validation.

    Article texts leave Arrow once each (``texts``), and ``span_owners`` is worked out once
    per child table (``owners``). The tables must not change while it is in use.
    """

    def __init__(self, tables: dict[str, pa.Table]) -> None:
        self.tables = tables
        self._texts: dict[int, str] = {}
        self._owners: dict[str, dict[int, list[int]]] = {}

    def texts(self, rows: Iterable[int]) -> dict[int, str]:
        """Article row → ``text``, for the given rows."""
        wanted = set(rows)
        missing = sorted(wanted - self._texts.keys())
        if missing:
            column = self.tables["articles"].column("text")
            values = pc.take(column, pa.array(missing, pa.int64())).to_pylist()
            self._texts.update(zip(missing, values, strict=True))
        return {row: self._texts[row] for row in wanted}

    def owners(self, child: str) -> dict[int, list[int]]:
        """``span_owners(tables, child)``, worked out on the first call."""
        if child not in self._owners:
            self._owners[child] = span_owners(self.tables, child, self)
        return self._owners[child]


def span_owners(
    tables: dict[str, pa.Table], child: str, work: SharedWork | None = None
) -> dict[int, list[int]]:
    """Rows of ``child`` whose event_id names several events → the events whose article holds the evidence.

    Two articles reporting the same event give it the same event_id; the key alone cannot tell
    which copy a participant or organization came from, but its evidence offsets can.
    ``work`` lends its decoded article texts.
    """
    events = tables["events"]
    counts = events.group_by("event_id").aggregate([("event_id", "count")])
    shared = pc.filter(
        counts.column("event_id"), pc.greater(counts.column("event_id_count"), 1)
    ).combine_chunks()
    rows = _true_rows(pc.is_in(tables[child].column("event_id"), value_set=shared))
    if len(rows) == 0:
        return {}
    copy_rows = _true_rows(pc.is_in(events.column("event_id"), value_set=shared))
    copy_ids = pc.take(events.column("event_id"), copy_rows).to_pylist()
    copy_articles = pc.take(parent_rows(tables, "events"), copy_rows).to_pylist()
    copies: dict[str, list[tuple[int, int]]] = {}
    for row, event_id, article in zip(copy_rows.tolist(), copy_ids, copy_articles, strict=True):
        copies.setdefault(event_id, [])
        if article is not None:
            copies[event_id].append((row, article))
    # each article text leaves Arrow once, not once per comparison
    known_articles = (article for article in copy_articles if article is not None)
    text_of = (work or SharedWork(tables)).texts(known_articles)
    names = ("event_id", "evidence", "evidence_start", "evidence_end")
    columns = [pc.take(tables[child].column(name), rows).to_pylist() for name in names]
    # rows of copies of one article repeat (event_id, span, evidence): work each combination out once
    known: dict[tuple, list[int]] = {}
    owners: dict[int, list[int]] = {}
    for row, event_id, evidence, start, end in zip(rows.tolist(), *columns, strict=True):
        if None in (evidence, start, end) or not 0 <= start <= end:
            owners[row] = []
            continue
        combination = (event_id, evidence, start, end)
        if combination not in known:
            known[combination] = [
                copy for copy, article in copies[event_id] if text_of[article][start:end] == evidence
            ]
        owners[row] = list(known[combination])
    return owners


def check_evidence_spans(tables: dict[str, pa.Table], work: SharedWork | None = None) -> list[Violation]:
    """``evidence_span``: ``articles.text[evidence_start:evidence_end] == evidence`` in every child table.

    The slices are cut in Python (Arrow has no per-row substring kernel) and compared in Arrow;
    rows without an article or with null fields are left to ``foreign_key`` and ``not_null``.
    A row of a shared event_id passes when the article of any event with that id holds it.
    """
    work = work or SharedWork(tables)
    found: list[Violation] = []
    for table in PARENTS:
        data = tables[table]
        owners = work.owners(table) if table != "events" else {}
        unowned = [row for row, copies in owners.items() if not copies]
        article_of = article_rows(tables, table)
        evidence, start, end = (data.column(name) for name in ("evidence", "evidence_start", "evidence_end"))
        known = pc.and_(
            pc.and_(pc.is_valid(article_of), pc.is_valid(evidence)),
            pc.and_(pc.is_valid(start), pc.is_valid(end)),
        )
        if owners:
            shared = np.zeros(data.num_rows, dtype=bool)
            shared[list(owners)] = True
            known = pc.and_(known, pa.array(np.logical_not(shared)))
        ordered = pc.and_(pc.greater_equal(start, 0), pc.greater_equal(end, start))
        checked = _true_rows(pc.and_(known, ordered))
        articles, firsts, lasts = (
            pc.take(column, checked).to_numpy().tolist() for column in (article_of, start, end)
        )
        texts = work.texts(articles)
        cut = zip(articles, firsts, lasts, strict=True)
        spans = pa.array([texts[article][first:last] for article, first, last in cut], pa.string())
        differ = _true_rows(pc.not_equal(spans, pc.take(evidence, checked)))
        bad = np.concatenate([checked[differ], _true_rows(pc.and_(known, pc.invert(ordered))), unowned])
        read = dict(zip(checked[differ].tolist(), pc.take(spans, differ).to_pylist(), strict=True))
        for row in sorted(set(bad.astype(int).tolist())):
            first, last = start[row].as_py(), end[row].as_py()
            if row in owners:
                detail = " of any article reporting this event_id"
            elif row in read:
                detail = f" (that span reads {_short(read[row])!r})"
            else:
                detail = " (invalid span)"
            problem = f"is not articles.text[{first}:{last}]{detail}"
            found.append(Violation("evidence_span", table, row, "evidence", evidence[row].as_py(), problem))
    return found


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (or earlier); 29 February becomes the 28th.

    Example: ``shift_years(date(2024, 2, 29), -2) == date(2022, 2, 28)``
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def check_dates(tables: dict[str, pa.Table]) -> list[Violation]:
    """``date_order`` (end_date >= start_date) and ``date_window`` (dates near published_date)."""
    events = tables["events"]
    start, end = events.column("start_date"), events.column("end_date")
    found: list[Violation] = []
    rows = _true_rows(pc.less(end, start))
    starts = pc.take(start, rows).to_pylist()
    problems = [f"before start_date {day.isoformat()}" for day in starts]
    found += _violations("date_order", "events", rows, "end_date", pc.take(end, rows).to_pylist(), problems)

    published = pc.take(tables["articles"].column("published_date"), article_rows(tables, "events"))
    distinct = pc.unique(published.drop_null())
    lookup = pc.index_in(published, value_set=distinct)
    days = distinct.to_pylist()
    lower = pc.take(pa.array([shift_years(day, -YEARS_BEFORE) for day in days], pa.date32()), lookup)
    upper = pc.take(pa.array([shift_years(day, YEARS_AFTER) for day in days], pa.date32()), lookup)
    for column, dates in (("start_date", start), ("end_date", end)):
        rows = _true_rows(pc.or_(pc.less(dates, lower), pc.greater(dates, upper)))
        problems = [
            f"outside {YEARS_BEFORE} years before to {YEARS_AFTER} year after published_date {day}"
            for day in pc.take(published, rows).to_pylist()
        ]
        values = pc.take(dates, rows).to_pylist()
        found += _violations("date_window", "events", rows, column, values, problems)
    return found


def row_article_ids(
    tables: dict[str, pa.Table], table: str, rows: pa.Array, work: SharedWork | None = None
) -> list[str | None]:
    """The article_id each row belongs to (even when that article is missing), or None if unknown."""
    if table in ("articles", "events"):
        return pc.take(tables[table].column("article_id"), rows).to_pylist()
    event_rows = pc.take(parent_rows(tables, table), rows).to_pylist()
    # a shared event_id: the copy whose article holds the row's evidence
    owners = (work or SharedWork(tables)).owners(table)
    event_rows = [
        owners[row][0] if owners.get(row) else event
        for row, event in zip(rows.to_pylist(), event_rows, strict=True)
    ]
    return pc.take(tables["events"].column("article_id"), pa.array(event_rows, pa.int64())).to_pylist()


def recount_events(articles: pa.Table, events: pa.Table) -> pa.Table:
    """``n_events`` of each published article = its number of published events."""
    counts = events.group_by("article_id").aggregate([("article_id", "count")])
    where = pc.index_in(articles.column("article_id"), value_set=counts.column("article_id").combine_chunks())
    n_events = pc.cast(pc.fill_null(pc.take(counts.column("article_id_count"), where), 0), pa.int16())
    position = articles.schema.get_field_index("n_events")
    return articles.set_column(position, articles.schema.field(position), n_events)


def check_relations(tables: dict[str, pa.Table], work: SharedWork | None = None) -> list[Violation]:
    """Every cross-table rule over the four contract tables."""
    return [
        *check_foreign_keys(tables),
        *check_n_events(tables),
        *check_evidence_spans(tables, work),
        *check_dates(tables),
    ]
