"""Plain typed records exchanged between the stages (articles → extract → tables)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Article:
    """One parsed and cleaned source article; offsets elsewhere index ``text``."""

    article_id: str
    url: str
    canonical_url: str
    title: str
    source: str
    published_date: date
    fetched_at: datetime | None
    language: str
    text: str
    raw_sha256: str
    #: path of the raw file relative to the raw folder, for error messages and quarantine rows
    source_file: str
    #: (start, end) spans of ``text`` that were bold or italic in the Markdown; a layout cue for rules
    emphasis: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class RejectedFile:
    """A raw input that could not become an article, with the one-line reason."""

    source_file: str
    field: str | None
    reason: str
    raw_sha256: str | None = None

    def line(self) -> str:
        """The one-line report shown to users."""
        where = f"{self.source_file}: {self.field}" if self.field else self.source_file
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class DuplicateFile:
    """A raw input that duplicates another kept input (same bytes or same canonical URL)."""

    source_file: str
    kept_file: str
    reason: str
    raw_sha256: str


@dataclass(frozen=True)
class Evidence:
    """A span of ``Article.text``: ``text[start:end] == sentence``."""

    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class Participant:
    """A person in one role at one event."""

    name: str
    role: str
    evidence: Evidence
    name_latin: str | None = None
    affiliation: str | None = None
    position: str | None = None
    talk_title: str | None = None


@dataclass(frozen=True)
class Organization:
    """An organization in one role at one event."""

    name: str
    role: str
    evidence: Evidence


@dataclass(frozen=True)
class Event:
    """One event an article reports on, with its people and organizations in article order."""

    name: str
    event_type: str
    status: str
    evidence: Evidence
    series: str | None = None
    edition: int | None = None
    parent_event: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    city: str | None = None
    country: str | None = None
    venue: str | None = None
    theme: str | None = None
    topics: tuple[str, ...] = ()
    attendance: int | None = None
    attendance_text: str | None = None
    participants: tuple[Participant, ...] = ()
    organizations: tuple[Organization, ...] = ()


@dataclass(frozen=True)
class Extraction:
    """Everything one extractor read out of one article."""

    article_id: str
    extractor: str
    extractor_version: str
    events: tuple[Event, ...] = field(default_factory=tuple)
