"""Real articles and hand-made extractions shared by the validation tests (no fakes of our own code)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from builder.articles import discover, read_articles
from builder.extract.text import sentence_at
from builder.models import (
    Article,
    DuplicateFile,
    Event,
    Evidence,
    Extraction,
    Organization,
    Participant,
    RejectedFile,
)
from builder.release import write_build
from builder.tables import build_tables
from builder.validate import ValidationResult, validate_tables

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEED_FILE = "cnis-2024-12-10-seed.md"
FORUM = "第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛"


def sentence(article: Article, needle: str) -> Evidence:
    """The real sentence of the article that contains ``needle``."""
    return sentence_at(article.text, article.text.index(needle))


def forum(seed: Article, **changes: object) -> Event:
    """The seed's forum as the extractor should read it, with two people and two organizations."""
    values: dict = {
        "name": FORUM,
        "event_type": "forum",
        "status": "held",
        "evidence": sentence(seed, "12月7日，第八届"),
        "series": "“一带一路”园区建设国际合作峰会",
        "edition": 8,
        "start_date": dt.date(2024, 12, 7),
        "end_date": dt.date(2024, 12, 7),
        "city": "北京",
        "country": "CN",
        "theme": "网络安全国际合作",
        "topics": ("网络安全的基本制度建设", "国际标准化发展"),
        "participants": (
            Participant(
                "吴昀国",
                "speaker",
                sentence(seed, "吴昀国在开幕致辞"),
                affiliation="《中国企业报》集团",
                position="社长、总裁",
            ),
            Participant(
                "吴世忠",
                "speaker",
                sentence(seed, "吴世忠的发言"),
                affiliation="中国工程院",
                position="院士",
                talk_title="共建“一带一路”网络空间命运共同体",
            ),
        ),
        "organizations": (
            Organization("《中国企业报》集团", "organizer", sentence(seed, "12月7日，第八届")),
            Organization("中国对外经济贸易会计学会", "supporter", sentence(seed, "12月7日，第八届")),
        ),
    }
    values.update(changes)
    return Event(**values)


def real_articles() -> tuple[list[Article], list[RejectedFile], list[DuplicateFile]]:
    """Every file of data/raw, split into parsed articles, rejected files and duplicates."""
    items = list(read_articles(RAW))
    return (
        [item for item in items if isinstance(item, Article)],
        [item for item in items if isinstance(item, RejectedFile)],
        [item for item in items if isinstance(item, DuplicateFile)],
    )


def seed_of(articles: Sequence[Article]) -> Article:
    return next(article for article in articles if article.source_file == SEED_FILE)


def validated(articles: Sequence[Article], seed: Article, *events: Event) -> ValidationResult:
    """Validate the real articles with ``events`` extracted from the seed."""
    extraction = Extraction(seed.article_id, "test", "1", tuple(events))
    return validate_tables(build_tables(articles, [extraction]))


def write_real_build(folder: Path, *events: Event) -> Path:
    """A real build folder (Parquet + manifest, written by the release stage) of data/raw plus ``events``."""
    articles, rejected, duplicates = real_articles()
    result = validated(articles, seed_of(articles), *events)
    write_build(
        folder,
        result,
        raw_dir=RAW,
        input_files=discover(RAW),
        rejected=rejected,
        duplicates=duplicates,
        extractor=("test", "1"),
    )
    return folder
