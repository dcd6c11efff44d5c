"""Stage 2: read events, participants and organizations out of one article.

An extractor is anything with ``name``, ``version`` and ``extract(article) -> Extraction``.
The rule-based extractor is the default; another (statistical, model-based) registers in
``EXTRACTORS`` and is chosen by name without touching the other stages.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from builder.errors import ExtractionError
from builder.models import Article, Event, Extraction


class Extractor(Protocol):
    """The interface every extractor implements."""

    name: str
    version: str

    def extract(self, article: Article) -> Extraction:
        """Read every event of ``article``; must be deterministic and use no network."""
        ...


def _rule_extractor() -> Extractor:
    from builder.extract.rules import RuleExtractor

    return RuleExtractor()


#: extractor name → factory
EXTRACTORS = {"rules": _rule_extractor}

#: the extractor used when none is named
DEFAULT_EXTRACTOR = "rules"


def get_extractor(name: str = DEFAULT_EXTRACTOR) -> Extractor:
    """The extractor registered under ``name``."""
    try:
        factory = EXTRACTORS[name]
    except KeyError:
        known = ", ".join(sorted(EXTRACTORS))
        raise ExtractionError(
            f"unknown extractor {name!r}", field="extractor", hint=f"Use one of: {known}"
        ) from None
    return factory()


def extract(article: Article, extractor: Extractor | None = None) -> Extraction:
    """Run ``extractor`` (default: the rule-based one) on one article."""
    return (extractor or get_extractor()).extract(article)


@dataclass(frozen=True)
class ExtractResult:
    """What one article file yields (``builder extract FILE``)."""

    source_file: str
    article: Article
    extraction: Extraction

    def to_dict(self) -> dict:
        """A JSON-ready form (``builder extract FILE --json``): the article's keys and every event."""
        return {
            "file": self.source_file,
            "article_id": self.article.article_id,
            "title": self.article.title,
            "published_date": self.article.published_date.isoformat(),
            "extractor": self.extraction.extractor,
            "extractor_version": self.extraction.extractor_version,
            "events": [_jsonable(dataclasses.asdict(event)) for event in self.extraction.events],
        }

    def summary_lines(self) -> list[str]:
        """A short plain-text report: one block per event."""
        events = self.extraction.events
        lines = [
            f"{self.source_file}: {len(events)} event{'' if len(events) == 1 else 's'} "
            f"({self.extraction.extractor} {self.extraction.extractor_version})"
        ]
        for number, event in enumerate(events, start=1):
            lines.extend(_event_lines(number, event))
        return lines


def _event_lines(number: int, event: Event) -> list[str]:
    dates = " to ".join(
        dict.fromkeys(str(day) for day in (event.start_date, event.end_date) if day is not None)
    )
    place = " ".join(part for part in (event.city, event.country, event.venue) if part)
    lines = [
        f"event {number}: {event.name} [{event.event_type}, {event.status}] {dates or '-'} {place or '-'}"
    ]
    details = {
        "series": event.series,
        "edition": event.edition,
        "parent": event.parent_event,
        "theme": event.theme,
        "attendance": f"{event.attendance} ({event.attendance_text})" if event.attendance else None,
        "topics": "、".join(event.topics) or None,
    }
    lines += [f"  {key}: {value}" for key, value in details.items() if value is not None]
    lines.append(f"  evidence [{event.evidence.start}:{event.evidence.end}]: {event.evidence.sentence}")
    for person in event.participants:
        about = ", ".join(part for part in (person.affiliation, person.position, person.talk_title) if part)
        lines.append(f"  {person.role}: {person.name}" + (f" ({about})" if about else ""))
    for organization in event.organizations:
        lines.append(f"  {organization.role}: {organization.name}")
    return lines


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def extract_file(path: Path, extractor: Extractor | None = None) -> ExtractResult:
    """Parse one raw article file and run the extractor (default: the rule-based one) on it.

    Raises ``ArticleError`` (a ``BuilderError``) when the file cannot be read or parsed.
    """
    from builder.articles import read_article

    article = read_article(Path(path))
    return ExtractResult(str(path), article, extract(article, extractor))


__all__ = [
    "DEFAULT_EXTRACTOR",
    "EXTRACTORS",
    "ExtractResult",
    "Extractor",
    "extract",
    "extract_file",
    "get_extractor",
]
