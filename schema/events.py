"""Schema of the ``events`` table: one row per event an article reports on."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

import schema.checks  # noqa: F401  (registers not_blank, no_blank_items)
from schema.types import HEX16, Int16, Int32, String, StringList
from schema.types import Date as DateType
from schema.vocab import EVENT_STATUSES, EVENT_TYPES


class EventsSchema(pa.DataFrameModel):
    """One row per event (forum, summit, conference, competition, ...) an article reports on."""

    event_id: Series[String] = pa.Field(
        unique=True,
        str_matches=HEX16,
        description=(
            'First 16 hex characters of sha256(normalized name + "|" + start_date, or "" when unknown).'
        ),
    )
    article_id: Series[String] = pa.Field(
        str_matches=HEX16, description="The article that reports the event (foreign key to `articles`)."
    )
    name: Series[String] = pa.Field(
        not_blank=True,
        description="Full event name as reported, without news verbs such as 举办, 召开 or 开幕.",
    )
    event_type: Series[String] = pa.Field(
        isin=list(EVENT_TYPES), description="Kind of event: " + ", ".join(EVENT_TYPES) + "."
    )
    status: Series[String] = pa.Field(
        isin=list(EVENT_STATUSES),
        description="`held` when reported as having taken place or under way, `upcoming` when announced.",
    )
    series: Series[String] = pa.Field(
        not_blank=True,
        nullable=True,
        description="The recurring series without the edition, e.g. `“一带一路”园区建设国际合作峰会`.",
    )
    edition: Series[Int16] = pa.Field(
        nullable=True, ge=1, description="Edition number within the series (第八届 → 8)."
    )
    parent_event: Series[String] = pa.Field(
        not_blank=True,
        nullable=True,
        description="The larger event this one is part of, e.g. the conference of a sub-forum.",
    )
    start_date: Series[DateType] = pa.Field(
        nullable=True,
        description=(
            "First day of the event; a month-day without a year takes the article's year, or the previous "
            "year when that would put it more than 60 days after publication."
        ),
    )
    end_date: Series[DateType] = pa.Field(
        nullable=True, description="Last day of the event; equals `start_date` for one-day events."
    )
    city: Series[String] = pa.Field(
        not_blank=True,
        nullable=True,
        description="City without the 市 suffix, e.g. `北京`; null for online events or when not stated.",
    )
    country: Series[String] = pa.Field(
        nullable=True,
        str_matches=r"^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2 code of the country, e.g. `CN`.",
    )
    venue: Series[String] = pa.Field(
        not_blank=True, nullable=True, description="Building or hall, when named."
    )
    theme: Series[String] = pa.Field(
        not_blank=True, nullable=True, description="The stated theme (以“X”为主题 → `X`), without quotes."
    )
    topics: Series[StringList] = pa.Field(
        no_blank_items=True,
        description=(
            "Listed agenda topics (探讨A、B、C等议题 → [A, B, C]); an empty list when none are listed."
        ),
    )
    attendance: Series[Int32] = pa.Field(
        nullable=True,
        ge=0,
        description="Lower bound of the reported number of attendees (三百多人 → 300, 近800名 → 800).",
    )
    attendance_text: Series[String] = pa.Field(
        not_blank=True, nullable=True, description="The verbatim phrase the attendance number was read from."
    )
    evidence: Series[String] = pa.Field(
        not_blank=True, description="The sentence of the article text that names the event."
    )
    evidence_start: Series[Int32] = pa.Field(
        ge=0, description="Offset of the evidence sentence in `articles.text` (Python string index)."
    )
    evidence_end: Series[Int32] = pa.Field(
        ge=0, description="End offset (exclusive): `articles.text[evidence_start:evidence_end] == evidence`."
    )

    class Config:
        name = "events"
        description = "One row per event an article reports on."
        strict = True
        ordered = True
