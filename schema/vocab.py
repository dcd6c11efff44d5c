"""Controlled vocabularies of the dataset contract (shared/spec/dataset.md, schema version 1)."""

from __future__ import annotations

#: version of the table contract; bumped on any column change
SCHEMA_VERSION = "1"

#: allowed values of ``events.event_type``
EVENT_TYPES: tuple[str, ...] = (
    "forum",
    "summit",
    "conference",
    "seminar",
    "competition",
    "ceremony",
    "exhibition",
    "training",
    "exercise",
    "campaign",
    "meeting",
    "other",
)

#: allowed values of ``events.status``
EVENT_STATUSES: tuple[str, ...] = ("held", "upcoming")

#: allowed values of ``participants.role``
PARTICIPANT_ROLES: tuple[str, ...] = ("speaker", "moderator", "panelist", "awardee", "guest", "other")

#: allowed values of ``organizations.role``
ORGANIZATION_ROLES: tuple[str, ...] = (
    "organizer",
    "co_organizer",
    "host",
    "co_host",
    "supporter",
    "guide",
    "sponsor",
    "other",
)
