"""Stage 1: read raw Markdown articles, parse their YAML front matter and clean the body into text.

Every ``*.md`` entry below the raw folder ends as exactly one of: an ``Article``, a
``DuplicateFile`` (naming the copy kept and why) or a ``RejectedFile`` (a one-line reason).

Date rule (deterministic, no wall clock): ``date`` must lie in years 1990-2100 and, when the
file has a ``fetch_date``, no more than one day after it (an article cannot be published after
it was fetched; one day of slack covers UTC+8 publishing vs UTC crawl times).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from builder.clean import CleanText, clean_body, strip_invisible
from builder.errors import ArticleError
from builder.frontmatter import decode_raw, shown, split_front_matter
from builder.models import Article, DuplicateFile, RejectedFile
from builder.sources import DEFAULT_MAX_BYTES, discover, open_input

__all__ = [
    "DEFAULT_MAX_BYTES",
    "CleanText",
    "canonical_url",
    "clean_body",
    "discover",
    "parse_article",
    "read_article",
    "read_articles",
]

#: query keys that identify a WeChat article; every other key is per-share noise
WECHAT_KEYS = ("__biz", "mid", "idx", "sn")
#: prefixes of query keys that track the reader, not the page
TRACKING_PREFIXES = ("utm_", "scene", "subscene", "chksm", "from", "spm", "share", "rd")
#: default language of the corpus
LANGUAGE = "zh"
#: published dates outside these years are impossible for this corpus (the web is younger; 2100 is a typo)
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
#: an article may carry the next day's date relative to its UTC fetch time (UTC+8 publishers)
FETCH_SLACK = timedelta(days=1)


def canonical_url(url: str) -> str:
    """Normalize a URL for matching and for ``article_id``.

    Example: ``https://mp.weixin.qq.com/s?__biz=X&mid=1&idx=3&sn=ab&chksm=zz#rd``
    → ``https://mp.weixin.qq.com/s?__biz=X&idx=3&mid=1&sn=ab``
    """
    parts = urlsplit(url.strip())
    query = parse_qsl(parts.query, keep_blank_values=True)
    if parts.netloc.endswith("mp.weixin.qq.com") and parts.path.startswith("/s"):
        query = [(key, value) for key, value in query if key in WECHAT_KEYS]
    else:
        query = [(key, value) for key, value in query if not key.lower().startswith(TRACKING_PREFIXES)]
    return urlunsplit(("https", parts.netloc.lower(), parts.path, urlencode(sorted(query)), ""))


def article_id_for(canonical: str) -> str:
    """First 16 hex characters of sha256 of the canonical URL."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _text_field(meta: dict, key: str, source_file: str, *, required: bool) -> str | None:
    """A front-matter value that must be text; internal white space runs become one space."""
    value = meta.get(key)
    if value is not None and not isinstance(value, str):
        raise ArticleError(
            f"must be text, not a {type(value).__name__}", path=source_file, field=key,
            hint=f"Write '{key}:' as a single line of text",
        )
    cleaned = " ".join(strip_invisible(value).split()) if value is not None else ""
    if not cleaned:
        if required:
            raise ArticleError(
                "missing or empty", path=source_file, field=key, hint=f"Add '{key}:' to the front matter"
            )
        return None
    return cleaned


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?")


def _parse_published_date(meta: dict, source_file: str) -> date:
    value = meta.get("date")
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = _text_field(meta, "date", source_file, required=True)
        match = _DATE.fullmatch(text)
        try:
            value = date(int(match[1]), int(match[2]), int(match[3])) if match else None
        except ValueError:
            value = None
        if value is None:
            raise ArticleError(
                "not a valid date", path=source_file, field="date", value=shown(text),
                hint="Write the date as YYYY-MM-DD",
            )
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ArticleError(
            f"outside the years {EARLIEST_YEAR}-{LATEST_YEAR}", path=source_file, field="date",
            value=value.isoformat(), hint="Correct the year",
        )
    return value


def _parse_fetched_at(meta: dict, source_file: str) -> datetime | None:
    value = meta.get("fetch_date")
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        text = _text_field(meta, "fetch_date", source_file, required=False)
        if text is None:
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ArticleError(
                "not an ISO 8601 date-time", path=source_file, field="fetch_date", value=shown(text),
                hint="Write fetch_date as YYYY-MM-DDTHH:MM:SS or leave it out",
            ) from None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ArticleError(
            f"outside the years {EARLIEST_YEAR}-{LATEST_YEAR}", path=source_file, field="fetch_date",
            value=value.isoformat(), hint="Correct the year or leave fetch_date out",
        )
    # crawl times without a zone were recorded in UTC by the crawler
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_WEB_ADDRESS = re.compile(r"https?://[^\s/?#]+")
_SPACE = re.compile(r"\s")


def _parse_url(meta: dict, source_file: str) -> tuple[str, str]:
    url = _text_field(meta, "url", source_file, required=True)
    problem = None
    if not _WEB_ADDRESS.match(url):
        problem = "not an http(s) URL"
    elif _SPACE.search(url):
        problem = "contains white space"
    else:
        try:
            return url, canonical_url(url)
        except ValueError:
            problem = "not a well-formed URL"
    raise ArticleError(
        problem, path=source_file, field="url", value=shown(url), hint="Give the article's web address"
    )


def parse_article(raw: bytes, source_file: str) -> Article:
    """Parse one raw article file's bytes into an ``Article``.

    Raises ``ArticleError`` naming the file and field when the front matter is missing,
    malformed, or lacks ``url``, ``title`` or a valid ``date``, or when no text is left.
    """
    raw_sha256 = hashlib.sha256(raw).hexdigest()
    meta, body = split_front_matter(decode_raw(raw, source_file), source_file)
    url, canonical = _parse_url(meta, source_file)
    title = _text_field(meta, "title", source_file, required=True)
    published_date = _parse_published_date(meta, source_file)
    fetched_at = _parse_fetched_at(meta, source_file)
    if fetched_at is not None and published_date > fetched_at.date() + FETCH_SLACK:
        raise ArticleError(
            f"after the fetch_date {fetched_at.date().isoformat()}", path=source_file, field="date",
            value=published_date.isoformat(),
            hint="Correct the date; an article cannot be fetched before it exists",
        )
    # the contract needs a publisher; the site's host is the most honest stand-in
    source = _text_field(meta, "source", source_file, required=False) or urlsplit(canonical).netloc
    language = _text_field(meta, "language", source_file, required=False) or LANGUAGE
    cleaned = clean_body(body)
    if not cleaned.text:
        raise ArticleError(
            "empty after removing images, links and platform boilerplate", path=source_file, field="body",
            hint="Check that the file holds the article's text",
        )
    return Article(
        article_id=article_id_for(canonical),
        url=url,
        canonical_url=canonical,
        title=title,
        source=source,
        published_date=published_date,
        fetched_at=fetched_at,
        language=language,
        text=cleaned.text,
        raw_sha256=raw_sha256,
        source_file=source_file,
        emphasis=cleaned.emphasis,
    )


def read_article(path: Path, raw_dir: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read and parse one article file; ``source_file`` is relative to ``raw_dir`` when given.

    Raises ``ArticleError`` for a file that is unsafe to read (see ``builder.sources.open_input``).
    """
    root = raw_dir if raw_dir is not None else path.parent
    source_file, raw = open_input(path, root, max_bytes)
    return parse_article(raw, source_file)


def _rejection(source_file: str, error: ArticleError, raw_sha256: str | None) -> RejectedFile:
    reason = ArticleError(error.message, value=error.value, hint=error.hint).line()
    return RejectedFile(source_file=source_file, field=error.field, reason=reason, raw_sha256=raw_sha256)


def read_articles(
    raw_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | RejectedFile | DuplicateFile]:
    """Parse every ``*.md`` entry below ``raw_dir``, yielding exactly one result per entry.

    Bad entries become ``RejectedFile``. Byte-identical copies and files with the same canonical
    URL become ``DuplicateFile`` naming the file finally kept: of the same URL the later
    ``fetch_date`` wins; on a tie (or none) the first path in sorted order. Results come in
    path order, so a build's report is deterministic.
    """
    results: dict[str, Article | RejectedFile | DuplicateFile] = {}
    for path in discover(raw_dir):
        relative = path.relative_to(raw_dir).as_posix()
        item = read_input(path, raw_dir, max_bytes)
        results[relative] = item if isinstance(item, RejectedFile) else parse_input(*item)
    articles = [item for item in results.values() if isinstance(item, Article)]
    for duplicate in find_duplicates(articles):
        results[duplicate.source_file] = duplicate
    yield from (results[name] for name in sorted(results))


def read_input(
    path: Path, raw_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[str, bytes] | RejectedFile:
    """``(source_file, bytes)`` of one entry below ``raw_dir``, or the ``RejectedFile`` saying why not.

    The first half of ``read_articles``' work on one file; the build runs it in worker processes.
    """
    try:
        return open_input(path, raw_dir, max_bytes)
    except ArticleError as error:
        return _rejection(error.path or path.relative_to(raw_dir).as_posix(), error, None)


def parse_input(source_file: str, raw: bytes) -> Article | RejectedFile:
    """The second half: ``parse_article``, with a parse error turned into a ``RejectedFile``."""
    try:
        return parse_article(raw, source_file)
    except ArticleError as error:
        return _rejection(error.path or source_file, error, hashlib.sha256(raw).hexdigest())


def find_duplicates(articles: list[Article]) -> Iterator[DuplicateFile]:
    """The duplicates among ``articles`` (given in path order), each naming the file finally kept.

    Reads only ``source_file``, ``raw_sha256``, ``canonical_url`` and ``fetched_at``: the build
    passes articles whose text it has already dropped.
    """
    first_with_bytes: dict[str, Article] = {}
    by_url: dict[str, list[Article]] = {}
    for article in articles:
        original = first_with_bytes.setdefault(article.raw_sha256, article)
        if original is not article:
            continue
        by_url.setdefault(article.canonical_url, []).append(article)
    kept_for_url: dict[str, Article] = {}
    for canonical, group in by_url.items():
        earliest = datetime.min.replace(tzinfo=UTC)
        latest = max(article.fetched_at or earliest for article in group)
        kept = next(article for article in group if (article.fetched_at or earliest) == latest)
        kept_for_url[canonical] = kept
        for article in group:
            if article is kept:
                continue
            if (article.fetched_at or earliest) == latest:
                why = "same canonical URL and fetch_date; the first file in path order is kept"
            else:
                why = "same canonical URL; the kept file has the later fetch_date"
            yield DuplicateFile(article.source_file, kept.source_file, why, article.raw_sha256)
    for article in articles:
        original = first_with_bytes[article.raw_sha256]
        if original is not article:
            kept = kept_for_url[original.canonical_url]
            why = "byte-identical to the kept file"
            if kept is not original:
                why = f"byte-identical to {original.source_file}, itself a duplicate of the kept file"
            yield DuplicateFile(article.source_file, kept.source_file, why, article.raw_sha256)
