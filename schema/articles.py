"""Schema of the ``articles`` table: one row per ingested source article."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

import schema.checks  # noqa: F401  (registers not_blank, no_blank_items)
from schema.types import HEX16, Int16, LargeString, String, TimestampUTC
from schema.types import Date as DateType


class ArticlesSchema(pa.DataFrameModel):
    """One row per ingested source article, with or without events."""

    article_id: Series[String] = pa.Field(
        unique=True,
        str_matches=HEX16,
        description="First 16 lowercase hex characters of sha256(canonical_url); the article's key.",
    )
    url: Series[String] = pa.Field(not_blank=True, description="URL as given in the article's front matter.")
    canonical_url: Series[String] = pa.Field(
        not_blank=True,
        unique=True,
        description=(
            "URL normalized for matching: WeChat links keep only __biz, mid, idx and sn; "
            "other links lose their fragment and tracking parameters."
        ),
    )
    title: Series[String] = pa.Field(not_blank=True, description="Article title, stripped.")
    source: Series[String] = pa.Field(
        not_blank=True, description="Publisher or account name from the front matter."
    )
    published_date: Series[DateType] = pa.Field(description="Publication date from the front matter `date`.")
    fetched_at: Series[TimestampUTC] = pa.Field(
        nullable=True, description="When the article was crawled (front matter `fetch_date`), in UTC."
    )
    language: Series[String] = pa.Field(
        str_matches=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        description="BCP-47 language code of the text, e.g. `zh`.",
    )
    text: Series[LargeString] = pa.Field(
        not_blank=True,
        description=(
            "Cleaned body: front matter, images, link targets, layout and platform boilerplate removed; "
            "paragraphs separated by one blank line. "
            "Every evidence offset in the other tables indexes this string."
        ),
    )
    n_events: Series[Int16] = pa.Field(ge=0, description="Number of rows in `events` for this article.")
    raw_sha256: Series[String] = pa.Field(
        str_matches=r"^[0-9a-f]{64}$", description="sha256 of the raw input file's bytes."
    )

    class Config:
        name = "articles"
        description = "One row per ingested source article, with or without events."
        strict = True
        ordered = True
