"""Date phrases → full dates, years resolved against the article's ``published_date``.

A month-day without a year takes the article's year, or the previous year when that would put
it more than 60 days after publication (the contract's rule). Weekdays and clock times are
ignored; vague words (近日, 日前) give no date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from builder.extract.numerals import parse_chinese_integer

#: a month-day this far after publication is read as last year's
FUTURE_TOLERANCE = timedelta(days=60)

_N = r"(?:\d{1,2}|[一二三四五六七八九十〇零]{1,3})"
#: a year, month and day, any of them optional except the day: "2024年10月14日", "10月14日", "14日"
_YMD = (
    r"(?:(?P<@y>(?:19|20)\d\d)\s*年\s*)?"
    r"(?:(?P<@m>" + _N + r")\s*月\s*)?"
    r"(?P<@d>" + _N + r")\s*[日号號]"
)
_RANGE_SEP = r"\s*(?:-|–|—|－|~|～|至|到)\s*"
_CJK_DATE = re.compile(
    r"(?<![\d年月])"
    + _YMD.replace("@", "s")
    + r"(?:"
    + _RANGE_SEP
    + _YMD.replace("@", "e")
    + r"|"
    + _RANGE_SEP
    + r"(?P<ed2>\d{1,2})(?![\d月日号號]))?"
)
#: "10月14-18日": the start day has no 日 of its own
_SHORT_RANGE = re.compile(
    r"(?<![\d年月])(?:(?P<sy>(?:19|20)\d{2})\s*年\s*)?(?P<sm>\d{1,2})\s*月\s*(?P<sd>\d{1,2})\s*(?:-|–|—|－|~|～)\s*(?P<ed>\d{1,2})\s*[日号號]"
)
_NUMERIC_DATE = re.compile(
    r"(?<!\d)(?P<sy>(?:19|20)\d{2})(?P<sep>[-/.])(?P<sm>\d{1,2})(?P=sep)(?P<sd>\d{1,2})(?![\d:])"
)


@dataclass(frozen=True)
class DateMatch:
    """A date or date range found in a text, with its character span."""

    start_date: date
    end_date: date | None
    start: int
    end: int
    #: the phrase gave the day only ("13日"), so its month came from context
    day_only: bool = False
    #: the phrase gave its year
    has_year: bool = False


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) if text.isdigit() else parse_chinese_integer(text)


def resolve_year(month: int, day: int, published: date) -> date | None:
    """The full date of a month-day written without a year.

    Example: ``resolve_year(12, 7, date(2024, 12, 10))`` → 2024-12-07;
    ``resolve_year(12, 30, date(2025, 1, 5))`` → 2024-12-30
    """
    try:
        candidate = date(published.year, month, day)
    except ValueError:
        return _safe_date(published.year - 1, month, day)
    if candidate - published > FUTURE_TOLERANCE:
        return _safe_date(published.year - 1, month, day)
    return candidate


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full(
    year: int | None, month: int | None, day: int | None, published: date, context: date | None
) -> date | None:
    if day is None:
        return None
    if month is None:
        if context is None:
            return None
        year = year or context.year
        month = context.month
    if year is not None:
        return _safe_date(year, month, day)
    if context is not None and context.month == month:
        return _safe_date(context.year, month, day)
    return resolve_year(month, day, published)


def find_dates(text: str, published: date, context: date | None = None) -> list[DateMatch]:
    """Every date or date range in ``text``, in order.

    ``context`` supplies the month (and year) of day-only phrases such as ``13日``; without it they
    are skipped.

    Example: ``find_dates("2024年10月14日-18日，大会在盐湖城举行", date(2024, 10, 31))``
    → ``[DateMatch(2024-10-14, 2024-10-18, 0, 14)]``; ``"9月3日至5日"`` → 09-03 to 09-05;
    ``"9月30日至10月2日"`` crosses the month; ``"六月一日下午"`` → 06-01
    """
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < other_end and other_start < end for other_start, other_end in taken)

    for match in _NUMERIC_DATE.finditer(text):
        day = _safe_date(int(match["sy"]), int(match["sm"]), int(match["sd"]))
        if day is not None:
            found.append(DateMatch(day, None, match.start(), match.end(), has_year=True))
            taken.append((match.start(), match.end()))
    for match in _SHORT_RANGE.finditer(text):
        if overlaps(match.start(), match.end()):
            continue
        year = int(match["sy"]) if match["sy"] else None
        start = _full(year, int(match["sm"]), int(match["sd"]), published, context)
        if start is None:
            continue
        end = _safe_date(start.year, start.month, int(match["ed"]))
        found.append(DateMatch(start, end, match.start(), match.end(), has_year=year is not None))
        taken.append((match.start(), match.end()))
    for match in _CJK_DATE.finditer(text):
        if overlaps(match.start(), match.end()):
            continue
        month = _number(match["sm"])
        if month is None and (context is None or not match["sd"].isdigit()):
            continue  # a bare "一日" is a word, not a date
        year = int(match["sy"]) if match["sy"] else None
        start = _full(year, month, _number(match["sd"]), published, context)
        if start is None or (month is not None and not 1 <= month <= 12):
            continue
        end = _range_end(match, start)
        found.append(
            DateMatch(
                start, end, match.start(), match.end(), day_only=month is None, has_year=year is not None
            )
        )
        taken.append((match.start(), match.end()))
    return sorted(found, key=lambda item: item.start)


def _range_end(match: re.Match[str], start: date) -> date | None:
    if match["ed2"]:
        day = int(match["ed2"])
        end = _safe_date(start.year, start.month, day)
        return end if end is not None and end >= start else None
    day = _number(match["ed"])
    if day is None:
        return None
    month = _number(match["em"]) or start.month
    year = int(match["ey"]) if match["ey"] else start.year
    end = _safe_date(year, month, day)
    if end is not None and end < start and not match["ey"]:
        end = _safe_date(year + 1, month, day)
    return end
