"""A real build folder for the card, documents and loader tests.

The articles are the real ones in ``data/raw``; the extractions are made from the gold
annotations in ``data/gold`` (each row's evidence is the first sentence of the text that names
it), so the tests see realistic events, people and organizations whatever the extractor yields
today. The folder is written by the real stages: tables, validation, release, documents, card.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from builder.articles import canonical_url, discover, read_articles
from builder.extract.text import sentences
from builder.models import Article, Event, Evidence, Extraction, Organization, Participant
from builder.tables import build_tables

REPO = Path(__file__).resolve().parent.parent
RAW_DIR = REPO / "data" / "raw"
GOLD_DIR = REPO / "data" / "gold"
EXTRACTOR = ("gold-replay", "test")


def evidence_for(text: str, *needles: str | None) -> Evidence:
    """The first sentence of ``text`` that contains one of ``needles`` (else the first sentence)."""
    all_sentences = list(sentences(text))
    for needle in needles:
        if needle:
            for sentence in all_sentences:
                if needle in sentence.sentence:
                    return sentence
    return all_sentences[0]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def gold_event(article: Article, gold: dict) -> Event:
    """An ``Event`` with the gold values of one gold event, grounded in ``article.text``."""
    text = article.text
    return Event(
        name=gold["name"],
        event_type=gold["event_type"],
        status=gold["status"],
        evidence=evidence_for(text, gold["name"], gold.get("series"), gold.get("theme")),
        series=gold.get("series"),
        edition=gold.get("edition"),
        parent_event=gold.get("parent_event"),
        start_date=_date(gold.get("start_date")),
        end_date=_date(gold.get("end_date")),
        city=gold.get("city"),
        country=gold.get("country"),
        venue=gold.get("venue"),
        theme=gold.get("theme"),
        topics=tuple(gold.get("topics") or ()),
        attendance=gold.get("attendance"),
        participants=tuple(
            Participant(
                name=person["name"],
                role=person["role"],
                evidence=evidence_for(text, person["name"], person.get("name_latin")),
                name_latin=person.get("name_latin"),
                affiliation=person.get("affiliation"),
                position=person.get("position"),
                talk_title=person.get("talk_title"),
            )
            for person in gold["participants"]
        ),
        organizations=tuple(
            Organization(name=org["name"], role=org["role"], evidence=evidence_for(text, org["name"]))
            for org in gold["organizations"]
        ),
    )


def gold_extractions(articles: list[Article], gold_dir: Path = GOLD_DIR) -> list[Extraction]:
    """One extraction per article that has a gold file, holding the gold events."""
    by_url = {article.canonical_url: article for article in articles}
    extractions = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        article = by_url.get(canonical_url(gold["url"]))
        if article is None:
            continue
        events = tuple(gold_event(article, event) for event in gold["events"])
        extractions.append(Extraction(article.article_id, EXTRACTOR[0], EXTRACTOR[1], events))
    return extractions


def write_test_build(folder: Path, raw_dir: Path = RAW_DIR) -> dict:
    """Build ``raw_dir`` with gold-replay extractions into ``folder``; return the manifest."""
    from builder import card, release
    from builder.validate import validate_tables

    items = list(read_articles(raw_dir))
    articles = [item for item in items if isinstance(item, Article)]
    rejected = [item for item in items if not isinstance(item, Article) and hasattr(item, "field")]
    duplicates = [item for item in items if not isinstance(item, Article) and hasattr(item, "kept_file")]
    result = validate_tables(build_tables(articles, gold_extractions(articles)))
    folder.mkdir(parents=True, exist_ok=True)
    manifest = release.write_build(
        folder,
        result,
        raw_dir=raw_dir,
        input_files=discover(raw_dir),
        rejected=rejected,
        duplicates=duplicates,
        extractor=EXTRACTOR,
    )
    card.write_card(folder, manifest)
    return manifest
