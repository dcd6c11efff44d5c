"""Schema of the ``organizations`` table: one row per organization per role at an event."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

import schema.checks  # noqa: F401  (registers not_blank, no_blank_items)
from schema.types import HEX16, Int16, Int32, String
from schema.vocab import ORGANIZATION_ROLES


class OrganizationsSchema(pa.DataFrameModel):
    """One row per organization per role at an event."""

    event_id: Series[String] = pa.Field(str_matches=HEX16, description="The event (foreign key to `events`).")
    org_order: Series[Int16] = pa.Field(
        ge=1, description="1-based order of the organization within the event."
    )
    name: Series[String] = pa.Field(
        not_blank=True, description="Organization name as written, e.g. `中国联合网络通信集团有限公司`."
    )
    role: Series[String] = pa.Field(
        isin=list(ORGANIZATION_ROLES),
        description=(
            "`organizer` (主办), `co_organizer` (联合主办), `host` (承办), `co_host` (协办), "
            "`supporter` (支持), "
            "`guide` (指导), `sponsor` (赞助) or `other` (媒体支持, 技术支撑, ...)."
        ),
    )
    evidence: Series[String] = pa.Field(
        not_blank=True, description="The sentence of the article text that names the organization."
    )
    evidence_start: Series[Int32] = pa.Field(
        ge=0, description="Offset of the evidence sentence in `articles.text`."
    )
    evidence_end: Series[Int32] = pa.Field(
        ge=0, description="End offset (exclusive) of the evidence sentence in `articles.text`."
    )

    class Config:
        name = "organizations"
        description = "One row per organization per role at an event."
        strict = True
        ordered = True
        unique = ["event_id", "org_order"]
