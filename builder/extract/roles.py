"""Participant roles from cue words (致辞 → speaker, 主持 → moderator, 出席 → guest)."""

from __future__ import annotations

import re
from functools import cache

from builder.lexicons import load_mapping

#: roles in the order that decides between two cues for one person
ROLE_PRIORITY = ("moderator", "panelist", "speaker", "awardee", "other", "guest")
#: quoted words (“对话”) name things, they do not say what a person does
QUOTED = re.compile(r"“[^“”]*”")


@cache
def _cue_pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(cue) for cue in sorted(_role_cues(), key=len, reverse=True)))


@cache
def _role_cues() -> dict[str, str]:
    return load_mapping("person_role_cues.tsv")


def roles_in(words: str) -> list[str]:
    """The roles named by cue words in ``words``, longest cue first at each position.

    Example: ``"出席会议并致辞，"`` → ``["guest", "speaker"]``
    """
    words = QUOTED.sub(lambda quoted: "“" + " " * (len(quoted.group()) - 2) + "”", words)
    cues = _role_cues()
    return [
        cues[match.group()]
        for match in _cue_pattern().finditer(words)
        if cues[match.group()] in ROLE_PRIORITY and (cues[match.group()] != "awardee" or match.start() <= 4)
    ]


def best_role(roles: list[str]) -> str | None:
    """The strongest role of ``roles`` by ``ROLE_PRIORITY``."""
    return min(roles, key=ROLE_PRIORITY.index) if roles else None
