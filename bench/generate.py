"""A deterministic synthetic crawl for benchmarks, recombined from the real articles in ``data/raw``.

About one article in 20 is an event article: a real event article whose years (front matter
and text alike) are shifted by a few years and whose event names get a number (edition) or a
letter tag unique to the copy, so that, as in a real crawl, copies do not collapse onto one
``event_id``. The others recombine paragraphs of the real non-event articles under the front
matter of one of them. Every article gets a unique URL; the same seed gives the same bytes.

    python bench/generate.py --articles 1000 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from builder.articles import decode_raw, parse_article, split_front_matter  # noqa: E402
from builder.extract import Extractor, get_extractor  # noqa: E402
from builder.extract.detect import might_report_event  # noqa: E402
from builder.lexicons import load_lines  # noqa: E402

#: share of event articles in a real crawl
EVENT_SHARE = 0.05
#: event articles are moved by up to this many years either way
YEAR_SHIFT = 5
#: files per sub-folder of the generated corpus
FILES_PER_FOLDER = 10_000
_YEAR = re.compile(r"(?<![0-9])(19[89][0-9]|20[0-9][0-9])(?![0-9])")
#: an edition in an event name: 第八届, 第31届, 第十二期, 首届
_EDITION = re.compile(r"第[0-9一二三四五六七八九十百]+[届期]|首届")
#: placeholders in a renaming for the copy's number and the copy's letter tag
NUMBER, LETTERS = "\x00", "\x01"


@dataclass(frozen=True)
class Source:
    """One real article split into front matter and Markdown paragraphs."""

    name: str
    meta: dict
    paragraphs: tuple[str, ...]
    is_event: bool
    #: (text, replacement with NUMBER or LETTERS) that give the event names a copy-specific variant
    renamings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Corpus:
    """What was generated."""

    folder: Path
    files: int
    event_files: int
    event_sources: int
    non_event_sources: int
    #: how the real articles were sorted into event and non-event sources
    classified_by: str


def load_sources(raw_dir: Path) -> tuple[list[Source], str]:
    """The real articles of ``raw_dir`` and how they were told apart.

    An event source is one in which the extractor finds an event; while the extractor finds
    none anywhere, the gold files (``data/gold``) decide, and failing those the cheap detector.
    """
    parsed = []
    for path in sorted(raw_dir.glob("*.md")):
        raw = path.read_bytes()
        meta, body = split_front_matter(decode_raw(raw, path.name), path.name)
        paragraphs = tuple(part.strip("\n") for part in re.split(r"\n\s*\n", body) if part.strip())
        parsed.append((path, raw, meta, paragraphs))
    extractor = get_extractor()
    names = [
        [event.name for event in extractor.extract(parse_article(raw, path.name)).events]
        for path, raw, _, _ in parsed
    ]
    flags = [bool(found) for found in names]
    method = "extractor"
    if not any(flags):
        gold_dir = raw_dir.parent / "gold"
        flags = [_gold_has_events(gold_dir / f"{path.stem}.json") for path, _, _, _ in parsed]
        method = "gold"
    if not any(flags):
        flags = [might_report_event(parse_article(raw, path.name)) for path, raw, _, _ in parsed]
        method = "detector"
    sources = [
        Source(
            path.name, meta, paragraphs, flag, _renamings(raw, path.name, found, extractor) if flag else ()
        )
        for (path, raw, meta, paragraphs), flag, found in zip(parsed, flags, names, strict=True)
    ]
    return sources, method


def _renamings(
    raw: bytes, name: str, event_names: list[str], extractor: Extractor
) -> tuple[tuple[str, str], ...]:
    """For each event name, the first text replacement after which the extractor reads a new name.

    Tried in order: renumber its edition (第八届 → 第N届), prefix an edition (第N届XCon…), tag its
    leading Latin word (XCon → XConAB). A name no replacement changes keeps its copies' event_id.
    """
    text = decode_raw(raw, name)
    chosen = []
    for event_name in event_names:
        candidates = []
        edition = _EDITION.search(event_name)
        if edition:
            suffix = "届" if edition[0] == "首届" else edition[0][-1]
            candidates.append((edition[0], f"第{NUMBER}{suffix}"))
        candidates.append((event_name, f"第{NUMBER}届{event_name}"))
        latin = re.match(r"[A-Za-z]+", event_name)
        if latin:
            candidates.append((latin[0], latin[0] + LETTERS))
        for old, new in candidates:
            if old not in text:
                continue
            varied = _rename(text, ((old, new),), 7)
            found = [
                event.name for event in extractor.extract(parse_article(varied.encode("utf-8"), name)).events
            ]
            if len(found) == len(event_names) and event_name not in found:
                chosen.append((old, new))
                break
    return tuple(chosen)


def _rename(text: str, renamings: tuple[tuple[str, str], ...], number: int) -> str:
    """``text`` with the renamings of copy ``number`` (numbers skip the years 1980–2099)."""
    value = number if number < 1980 else number + 120
    letters = ""
    while True:
        letters = chr(ord("A") + number % 26) + letters
        number = number // 26 - 1
        if number < 0:
            break
    for old, new in renamings:
        text = text.replace(old, new.replace(NUMBER, str(value)).replace(LETTERS, letters))
    return text


def _before_cut(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    markers = load_lines("cut_markers.txt")
    for number, paragraph in enumerate(paragraphs):
        if any(marker in paragraph for marker in markers):
            return paragraphs[:number]
    return paragraphs


def _gold_has_events(path: Path) -> bool:
    try:
        return bool(json.loads(path.read_text(encoding="utf-8")).get("events"))
    except (OSError, ValueError):
        return False


def generate(articles: int, out_dir: Path, *, raw_dir: Path = REPO / "data" / "raw", seed: int = 0) -> Corpus:
    """Write ``articles`` synthetic articles below ``out_dir`` (created; must not hold articles)."""
    sources, method = load_sources(raw_dir)
    events = [source for source in sources if source.is_event]
    others = [source for source in sources if not source.is_event]
    if not events or not others:
        raise SystemExit(f"{raw_dir}: need both event and non-event articles to recombine")
    # paragraphs after an end-of-article marker are platform chrome that the cleaner cuts
    kept = [_before_cut(source.paragraphs) for source in others]
    pool = [paragraph for paragraphs in kept for paragraph in paragraphs]
    lengths = [len(paragraphs) for paragraphs in kept]
    rng = random.Random(seed)
    event_files = 0
    copies: dict[str, int] = {}
    for number in range(articles):
        is_event = rng.random() < EVENT_SHARE
        if is_event:
            event_files += 1
            source = rng.choice(events)
            copies[source.name] = copies.get(source.name, 0) + 1
            text = _event_article(source, number, copies[source.name] + 1, rng)
        else:
            text = _recombined_article(rng.choice(others), pool, rng.choice(lengths), number, rng)
        folder = out_dir / f"part-{number // FILES_PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{number:07d}-{'e' if is_event else 'n'}.md").write_text(text, encoding="utf-8")
    return Corpus(out_dir, articles, event_files, len(events), len(others), method)


def _event_article(source: Source, number: int, copy: int, rng: random.Random) -> str:
    shift = rng.randint(-YEAR_SHIFT, YEAR_SHIFT)
    # renamed before the years shift, so a renaming that contains a year still matches
    body = _rename("\n\n".join(source.paragraphs), source.renamings, copy)
    body = _YEAR.sub(lambda match: str(int(match[0]) + shift), body)
    title = _rename(str(source.meta.get("title", "")), source.renamings, copy)
    title = _YEAR.sub(lambda match: str(int(match[0]) + shift), title)
    published = _shift_years(_as_date(source.meta.get("date")), shift)
    return _front_matter(title, source, number, published, rng) + body + "\n"


def _recombined_article(source: Source, pool: list[str], count: int, number: int, rng: random.Random) -> str:
    body = "\n\n".join(rng.choice(pool) for _ in range(max(1, count)))
    published = date(2015, 1, 1) + timedelta(days=rng.randrange(11 * 365))
    return _front_matter(str(source.meta.get("title", "")), source, number, published, rng) + body + "\n"


def _front_matter(title: str, source: Source, number: int, published: date, rng: random.Random) -> str:
    fetched = datetime(published.year, published.month, published.day) + timedelta(
        days=rng.randrange(1, 30), seconds=rng.randrange(86_400)
    )
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"url: https://bench.example.org/{number // 1000:04d}/{number:07d}.html",
        f"source: {json.dumps(str(source.meta.get('source') or 'bench'), ensure_ascii=False)}",
        f"date: {published.isoformat()}",
        f"fetch_date: {fetched.isoformat()}",
        "---",
        "",
    ]
    return "\n".join(lines) + "\n"


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _shift_years(day: date, shift: int) -> date:
    try:
        return day.replace(year=day.year + shift)
    except ValueError:  # 29 February
        return day.replace(year=day.year + shift, day=28)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args(argv)
    corpus = generate(options.articles, options.out, seed=options.seed)
    print(
        f"wrote {corpus.files} articles ({corpus.event_files} event articles) to {corpus.folder}; "
        f"sources: {corpus.event_sources} event, {corpus.non_event_sources} other (by {corpus.classified_by})"
    )


if __name__ == "__main__":
    main()
