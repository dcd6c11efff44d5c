"""The rule-based extractor: composes the small named rules of the sibling modules."""

from __future__ import annotations

from builder.models import Article, Extraction

#: bump whenever a rule or lexicon changes what is extracted (invalidates cached extractions)
RULES_VERSION = "0.1.0"


class RuleExtractor:
    """Deterministic, offline extraction by hand-written rules and word lists."""

    name = "rules"
    version = RULES_VERSION

    def extract(self, article: Article) -> Extraction:
        """Read every event the article reports on."""
        # the event rules land in builder/extract/events.py (issue 3); until then nothing is read
        return Extraction(article_id=article.article_id, extractor=self.name, extractor_version=self.version)
