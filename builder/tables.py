"""Stage 3: turn articles and extractions into the four Arrow tables of the contract.

This is the only module outside ``schema/`` that names the published columns.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa

from builder.models import Article, Event, Extraction
from schema.arrow import ARROW_SCHEMAS, TABLE_NAMES


def normalize_name(name: str) -> str:
    """The form of an event name that ``event_id`` hashes: NFKC, no white space.

    Example: ``"第八届 “一带一路” 峰会"`` → ``"第八届“一带一路”峰会"``
    """
    return "".join(unicodedata.normalize("NFKC", name).split())


def event_id_for(name: str, start_date: object) -> str:
    """First 16 hex of sha256(normalized name + "|" + ISO start date or "")."""
    key = normalize_name(name) + "|" + (start_date.isoformat() if start_date is not None else "")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Tables:
    """The four contract tables of one build, plus the raw file of every article."""

    tables: dict[str, pa.Table]
    #: article_id → raw file (relative to the raw folder), for quarantine rows and error lines
    source_files: dict[str, str]


def article_row(article: Article, n_events: int) -> dict:
    """One ``articles`` row."""
    return {
        "article_id": article.article_id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "source": article.source,
        "published_date": article.published_date,
        "fetched_at": article.fetched_at,
        "language": article.language,
        "text": article.text,
        "n_events": n_events,
        "raw_sha256": article.raw_sha256,
    }


def event_rows(article_id: str, event: Event) -> tuple[dict, list[dict], list[dict]]:
    """The ``events`` row of one event and its ``participants`` and ``organizations`` rows."""
    event_id = event_id_for(event.name, event.start_date)
    event_row = {
        "event_id": event_id,
        "article_id": article_id,
        "name": event.name,
        "event_type": event.event_type,
        "status": event.status,
        "series": event.series,
        "edition": event.edition,
        "parent_event": event.parent_event,
        "start_date": event.start_date,
        "end_date": event.end_date,
        "city": event.city,
        "country": event.country,
        "venue": event.venue,
        "theme": event.theme,
        "topics": list(event.topics),
        "attendance": event.attendance,
        "attendance_text": event.attendance_text,
        "evidence": event.evidence.sentence,
        "evidence_start": event.evidence.start,
        "evidence_end": event.evidence.end,
    }
    participant_rows = [
        {
            "event_id": event_id,
            "person_order": order,
            "name": person.name,
            "name_latin": person.name_latin,
            "role": person.role,
            "affiliation": person.affiliation,
            "position": person.position,
            "talk_title": person.talk_title,
            "evidence": person.evidence.sentence,
            "evidence_start": person.evidence.start,
            "evidence_end": person.evidence.end,
        }
        for order, person in enumerate(event.participants, start=1)
    ]
    organization_rows = [
        {
            "event_id": event_id,
            "org_order": order,
            "name": organization.name,
            "role": organization.role,
            "evidence": organization.evidence.sentence,
            "evidence_start": organization.evidence.start,
            "evidence_end": organization.evidence.end,
        }
        for order, organization in enumerate(event.organizations, start=1)
    ]
    return event_row, participant_rows, organization_rows


class TableRows:
    """Rows of the four tables accumulated article by article, with the article of every row.

    ``build_tables`` uses it for a whole corpus; the pipeline for one bounded batch at a time.
    """

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLE_NAMES}
        #: table → the origin of every row (participants and organizations included)
        self.row_origins: dict[str, list[object]] = {name: [] for name in TABLE_NAMES}

    def add(self, article: Article, extraction: Extraction | None, origin: object = None) -> None:
        """Append the rows of one article and its events (no events when ``extraction`` is None).

        ``origin`` (default: the article_id) is recorded for every row, e.g. the input file's number.
        """
        events = extraction.events if extraction is not None else ()
        origin = article.article_id if origin is None else origin
        self._append("articles", origin, [article_row(article, len(events))])
        for event in events:
            event_row, participant_rows, organization_rows = event_rows(article.article_id, event)
            self._append("events", origin, [event_row])
            self._append("participants", origin, participant_rows)
            self._append("organizations", origin, organization_rows)

    def _append(self, table: str, origin: object, rows: list[dict]) -> None:
        self.rows[table].extend(rows)
        self.row_origins[table].extend([origin] * len(rows))

    def to_arrow(self) -> dict[str, pa.Table]:
        """The rows as Arrow tables in the contract's schemas, in the order they were added."""
        return {
            name: pa.Table.from_pylist(table_rows, schema=ARROW_SCHEMAS[name])
            for name, table_rows in self.rows.items()
        }


def build_tables(articles: Iterable[Article], extractions: Iterable[Extraction]) -> Tables:
    """Assemble the contract tables; rows are ordered by article_id, then article order.

    Articles and extractions are paired by ``article_id``; an article without an extraction
    has no events.
    """
    by_article = {extraction.article_id: extraction for extraction in extractions}
    rows = TableRows()
    source_files: dict[str, str] = {}
    for article in sorted(articles, key=lambda item: item.article_id):
        source_files[article.article_id] = article.source_file
        rows.add(article, by_article.get(article.article_id))
    return Tables(tables=rows.to_arrow(), source_files=source_files)
