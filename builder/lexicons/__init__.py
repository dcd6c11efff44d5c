"""Word lists and patterns the rules read: data files, not code."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of ``builder/lexicons/<name>``, in file order."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


@cache
def load_mapping(name: str) -> dict[str, str]:
    """``key<TAB>value`` lines of a lexicon file as a dict (first occurrence wins)."""
    mapping: dict[str, str] = {}
    for line in load_lines(name):
        key, _, value = line.partition("\t")
        mapping.setdefault(key.strip(), value.strip())
    return mapping
