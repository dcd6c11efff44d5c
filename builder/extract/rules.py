"""The rule-based extractor: composes the small named rules of the sibling modules."""

from __future__ import annotations

from datetime import date

from builder.extract.event_fields import (
    event_dates,
    event_place,
    find_attendance,
    find_theme,
    find_topics,
    series_and_edition,
)
from builder.extract.event_names import event_type_of
from builder.extract.events import Planned, plan_events
from builder.extract.mentions import Doc, announced, prepare
from builder.extract.orgs import find_organizations
from builder.extract.people import find_participants
from builder.models import Article, Event, Extraction
from schema.relations import YEARS_AFTER, YEARS_BEFORE, shift_years

#: bump whenever a rule or lexicon changes what is extracted (invalidates cached extractions)
RULES_VERSION = "0.5.10"


class RuleExtractor:
    """Deterministic, offline extraction by hand-written rules and word lists."""

    name = "rules"
    version = RULES_VERSION

    def extract(self, article: Article) -> Extraction:
        """Read every event the article reports on, with its people and organizations."""
        doc = prepare(article)
        events = tuple(_event(doc, planned) for planned in plan_events(doc))
        return Extraction(
            article_id=article.article_id, extractor=self.name, extractor_version=self.version, events=events
        )


def _event(doc: Doc, planned: Planned) -> Event:
    """One event row from a planned mention; people and organizations are read from its scope only."""
    mention = planned.mention
    event_type = event_type_of(mention.name)
    start_date, end_date = event_dates(doc, mention, event_type)
    place = event_place(doc, mention, planned.scope)
    series, edition = series_and_edition(planned.parent or mention.name)
    attendance = find_attendance(doc, planned.scope)
    upcoming = mention.cue == "upcoming" or (
        start_date is not None and start_date > doc.article.published_date
    )
    upcoming = upcoming or announced(doc, mention)
    start_date, end_date = _within_window(start_date, doc), _within_window(end_date, doc)
    if start_date and end_date and end_date < start_date:
        end_date = None
    return Event(
        name=mention.name,
        event_type=event_type,
        status="upcoming" if upcoming else "held",
        evidence=mention.sentence,
        series=series,
        edition=edition,
        parent_event=planned.parent,
        start_date=start_date,
        end_date=end_date,
        city=place.city,
        country=place.country,
        venue=place.venue,
        theme=find_theme(doc, mention.sentence, planned.scope),
        topics=find_topics(doc, planned.scope),
        attendance=attendance[0] if attendance else None,
        attendance_text=attendance[1] if attendance else None,
        participants=find_participants(doc.article, *planned.scope),
        organizations=find_organizations(doc.article, *planned.scope),
    )


def _within_window(day: date | None, doc: Doc) -> date | None:
    """A date the contract can publish (two years before to one year after publication), else None.

    A date outside that window is a misread (a past edition, a year guessed wrong); publishing
    nothing beats quarantining the whole event.
    """
    published = doc.article.published_date
    if day is None or not shift_years(published, -YEARS_BEFORE) <= day <= shift_years(published, YEARS_AFTER):
        return None
    return day
