"""Stage 2: read events, participants and organizations out of one article.

An extractor is anything with ``name``, ``version`` and ``extract(article) -> Extraction``.
The rule-based extractor is the default; another (statistical, model-based) registers in
``EXTRACTORS`` and is chosen by name without touching the other stages.
"""

from __future__ import annotations

from typing import Protocol

from builder.errors import ExtractionError
from builder.models import Article, Extraction


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


__all__ = ["DEFAULT_EXTRACTOR", "EXTRACTORS", "Extractor", "extract", "get_extractor"]
