"""Schema of the ``participants`` table: one row per person per role at an event."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

import schema.checks  # noqa: F401  (registers not_blank, no_blank_items)
from schema.types import HEX16, Int16, Int32, String
from schema.vocab import PARTICIPANT_ROLES


class ParticipantsSchema(pa.DataFrameModel):
    """One row per person per role at an event."""

    event_id: Series[String] = pa.Field(str_matches=HEX16, description="The event (foreign key to `events`).")
    person_order: Series[Int16] = pa.Field(
        ge=1, description="1-based order of the person's first appearance in the article, within the event."
    )
    name: Series[String] = pa.Field(
        not_blank=True,
        description=(
            "The person's name as written in Chinese, or the Latin name when no Chinese one is given."
        ),
    )
    name_latin: Series[String] = pa.Field(
        not_blank=True, nullable=True, description="Latin-script name when given, e.g. `Edward HUMPHREYS`."
    )
    role: Series[String] = pa.Field(
        isin=list(PARTICIPANT_ROLES),
        description=(
            "`speaker` (演讲, 发言, 报告, 致辞, 分享, 解读, 发布), `moderator` (主持), "
            "`panelist` (圆桌, 对话), "
            "`awardee`, `guest` (named as attending only) or `other`."
        ),
    )
    affiliation: Series[String] = pa.Field(
        not_blank=True,
        nullable=True,
        description="Organization the person speaks for, e.g. `《中国企业报》集团`.",
    )
    position: Series[String] = pa.Field(
        not_blank=True,
        nullable=True,
        description="Titles as written, with the article's separators, e.g. `社长、总裁`.",
    )
    talk_title: Series[String] = pa.Field(
        not_blank=True,
        nullable=True,
        description="Title of the talk, without 《》 or quotes, when the article gives one.",
    )
    evidence: Series[String] = pa.Field(
        not_blank=True, description="The sentence of the article text that names the person."
    )
    evidence_start: Series[Int32] = pa.Field(
        ge=0, description="Offset of the evidence sentence in `articles.text`."
    )
    evidence_end: Series[Int32] = pa.Field(
        ge=0, description="End offset (exclusive) of the evidence sentence in `articles.text`."
    )

    class Config:
        name = "participants"
        description = "One row per person per role at an event."
        strict = True
        ordered = True
        unique = ["event_id", "person_order"]
