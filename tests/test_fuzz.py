"""Fuzzing (issue 6 item 5): mutated real articles through parsing, extraction, tables and validation.

Each mutation is drawn from a seeded generator, so a failure names its seed and index and can be
replayed with ``mutate(raw, random.Random(seed * 1_000_003 + index))``. The default run fuzzes
200 articles; ``pytest -m slow`` runs the full 10,000.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from builder.accounting import check_rows
from builder.articles import parse_article
from builder.errors import ArticleError
from builder.extract import DEFAULT_EXTRACTOR, get_extractor
from builder.models import Article, Extraction
from builder.tables import build_tables
from builder.validate import validate_tables

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEED = 20241207

#: fragments that stress the cleaner and the rules: Markdown, HTML, invisible characters, and the
#: Chinese number, date, edition and role phrases the extractor reads
FRAGMENTS = [
    "**", "__", "*", "[", "](", ")", "![", "<", ">", "<script>", "</script>", "<!--", "-->", "&amp;", "&#0;",
    "#", "## ", "- ", "1. ", "---", "\n", "\n\n", "\r\n", "\t", "\\", "|", "`", "\u200b", "\u200e", "\x00",
    "\x07", "\ufeff", "\u2028", "\U0001f600", "　", "\xa0",
    "三百多人", "近800名", "2000余人", "一千二百余人", "十万", "零", "两", "第八届", "第一百零一届", "第0届",
    "12月7日", "12月7日至9日", "2024年12月7日—8日", "2月30日", "13月45日", "9999年", "昨日", "今天上午",
    "在京举办", "在沪召开", "主办", "联合主办", "承办", "协办", "主持", "致辞", "发表主旨演讲", "以“",
    "”为主题", "《", "》", "（", "）", "、", "：", "论坛", "峰会", "大会", "研讨会", "院士", "教授",
    "Edward HUMPHREYS", "99999999999人", "第99999届", "1" * 60, "-1人", "0名",
]


def _mutate_bytes(data: bytearray, rng: random.Random) -> None:
    kind = rng.randrange(6)
    position = rng.randrange(len(data) + 1)
    if kind == 0 and data:  # flip a byte (breaks UTF-8 sequences, front matter, anything)
        data[min(position, len(data) - 1)] = rng.randrange(256)
    elif kind == 1:  # insert random bytes
        data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    elif kind == 2:  # delete a range
        del data[position : position + rng.randint(1, 200)]
    elif kind == 3:  # duplicate a range
        data[position:position] = data[position : position + rng.randint(1, 400)]
    elif kind == 4:  # truncate
        del data[position:]
    else:  # move a range elsewhere
        piece = data[position : position + rng.randint(1, 300)]
        del data[position : position + len(piece)]
        target = rng.randrange(len(data) + 1)
        data[target:target] = piece


def _mutate_text(text: str, rng: random.Random) -> str:
    kind = rng.randrange(4)
    position = rng.randrange(len(text) + 1)
    if kind <= 1:  # insert fragments
        inserted = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 6)))
        return text[:position] + inserted + text[position:]
    if kind == 2:  # shuffle some lines (keeps the front matter's first line so it still parses often)
        lines = text.split("\n")
        head, tail = lines[:1], lines[1:]
        for _ in range(rng.randint(1, 5)):
            if len(tail) > 1:
                a, b = rng.randrange(len(tail)), rng.randrange(len(tail))
                tail[a], tail[b] = tail[b], tail[a]
        return "\n".join(head + tail)
    # replace a digit or Chinese numeral with another
    digits = "0123456789零一二三四五六七八九十百千万两"
    spots = [index for index, char in enumerate(text) if char in digits]
    if not spots:
        return text
    spot = rng.choice(spots)
    return text[:spot] + rng.choice(digits) + text[spot + 1 :]


def mutate(raw: bytes, rng: random.Random) -> bytes:
    """One to four byte- or text-level mutations of ``raw``."""
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.35:
            data = bytearray(raw)
            _mutate_bytes(data, rng)
            raw = bytes(data)
        else:
            text = raw.decode("utf-8", errors="surrogateescape")
            raw = _mutate_text(text, rng).encode("utf-8", errors="surrogateescape")
    return raw


def check_extraction(article: Article, extraction: Extraction) -> None:
    """Every evidence span of every extracted row indexes the article's text exactly."""
    assert extraction.article_id == article.article_id
    for event in extraction.events:
        rows = [event, *event.participants, *event.organizations]
        for row in rows:
            evidence = row.evidence
            assert article.text[evidence.start : evidence.end] == evidence.sentence, (row, evidence)


@pytest.mark.parametrize("count", [200, pytest.param(10_000, marks=pytest.mark.slow)], ids=["quick", "full"])
def test_fuzz_mutated_real_articles_parse_and_extract_without_crashing(count: int) -> None:
    originals = [path.read_bytes() for path in sorted(RAW.glob("*.md"))]
    extractor = get_extractor(DEFAULT_EXTRACTOR)
    parsed = rejected = 0
    articles: list[Article] = []
    extractions: list[Extraction] = []
    for index in range(count):
        rng = random.Random(SEED * 1_000_003 + index)
        raw = mutate(rng.choice(originals), rng)
        try:
            article = parse_article(raw, f"fuzz-{index}.md")
        except ArticleError as error:
            assert "\n" not in error.line(), (index, error.line())
            rejected += 1
            continue
        try:
            extraction = extractor.extract(article)
        except Exception as error:  # noqa: BLE001 - the point is to name the seed of any crash
            message = f"extraction crashed on mutation {index} (seed {SEED}): {error!r}"
            raise AssertionError(message) from error
        check_extraction(article, extraction)
        articles.append(article)
        extractions.append(extraction)
        parsed += 1
    # the mutations must leave most articles parseable, or the extractor is barely exercised
    assert parsed > count // 3, (parsed, rejected)
    # the rest of the build, in memory: tables and validation take every row without crashing, and
    # each extracted row is published or quarantined (mutations repeat URLs: duplicate ids quarantine)
    result = validate_tables(build_tables(articles, extractions))
    check_rows(result, len(articles))
