"""City, country and venue from place phrases, using the lexicons in ``builder/lexicons/``.

Every function reads simplified text (traditional text is converted by the caller with offsets
kept) and returns spans, so the caller can report a city as the article wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from builder.lexicons import load_lines, load_mapping

#: words that make an event online-only (no city)
ONLINE = re.compile(r"线上赛|线上初赛|线上举行|线上举办|线上召开|在线举行|以线上|云端|云上举办|网络直播|直播")
#: a hybrid event still has a city
HYBRID = re.compile(r"线下|現場|现场会场|实景会场")
_COUNTY = re.compile(r"[\u4e00-\u9fff]{1,3}[县縣]")
#: a city followed by these words names an institution: the whole phrase is the venue (西安外事学院)
_INSTITUTION = load_lines("institution_suffixes.txt")
_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{1,4}(?:新区|高新区|区|镇|街道)")


@dataclass(frozen=True)
class Place:
    """A place read from a phrase: ``city_span`` indexes the phrase, ``city`` is the lexicon form."""

    city: str | None
    country: str | None
    venue: str | None
    city_span: tuple[int, int] | None = None


@cache
def _cities() -> dict[str, str | None]:
    """City → country for every known city, longest names first."""
    foreign = load_mapping("foreign_cities.tsv")
    known: dict[str, str | None] = {name: "CN" for name in load_lines("cities.txt")}
    known.update(foreign)
    return dict(sorted(known.items(), key=lambda item: -len(item[0])))


@cache
def _city_pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(name) for name in _cities()))


@cache
def _countries() -> dict[str, str]:
    return dict(sorted(load_mapping("countries.tsv").items(), key=lambda item: -len(item[0])))


@cache
def _provinces() -> tuple[str, ...]:
    return tuple(sorted(load_lines("provinces.txt"), key=len, reverse=True))


def country_of(city: str) -> str | None:
    """ISO code of a known city (``CN`` for mainland cities and counties).

    Example: ``country_of("盐湖城")`` → ``"US"``; ``country_of("澳门")`` → ``"MO"``
    """
    if city in _cities():
        return _cities()[city]
    return "CN" if _COUNTY.fullmatch(city) else None


def parse_place(phrase: str) -> Place:
    """Split a place phrase into country, city and venue.

    Example: ``"美国盐湖城"`` → US / 盐湖城; ``"北京国家会议中心"`` → 北京 / 国家会议中心;
    ``"浙江乌镇"`` → 乌镇; ``"湖南大学国家超级计算长沙中心"`` → 长沙, venue the whole phrase;
    ``"太康县人民广场"`` → 太康县 / 太康县人民广场
    """
    position = 0
    country = None
    for name, code in _countries().items():
        if phrase.startswith(name):
            country, position = code, len(name)
            break
    for province in _provinces():
        if phrase.startswith(province, position):
            after = position + len(province)
            if phrase.startswith("省", after):
                after += 1
            elif phrase.startswith("自治区", after):
                after += 3
            if _city_pattern().match(phrase, after) or _COUNTY.match(phrase, after):
                position = after
            break
    match = _city_pattern().match(phrase, position)
    if match:
        city = match.group()
        end = match.end() + (1 if phrase.startswith("市", match.end()) else 0)
        rest = phrase[end:].strip()
        whole = rest.endswith(_INSTITUTION) or len(rest) <= 3
        venue = _venue(phrase[position:], whole=True) if whole and rest else _venue(rest)
        return Place(city, country or country_of(city), venue, (match.start(), match.end()))
    county = _COUNTY.match(phrase, position)
    if county:
        return Place(
            county.group(), "CN", _venue(phrase[position:], whole=True), (county.start(), county.end())
        )
    inside = _city_pattern().search(phrase, position)
    if inside:
        city = inside.group()
        return Place(city, country or country_of(city), _venue(phrase[position:], whole=True), inside.span())
    return Place(None, country, _venue(phrase[position:], whole=True))


def _venue(rest: str, whole: bool = False) -> str | None:
    """The venue part of a place phrase, when it names a building or hall."""
    rest = rest.strip(" ，,、的")
    if not whole and rest.endswith(_INSTITUTION):
        return None
    if not whole:
        rest = _DISTRICT.sub("", rest).strip()
    if rest and rest.endswith(tuple(load_lines("venue_suffixes.txt"))):
        return rest
    return None


def alias_city(text: str) -> tuple[str, int, int] | None:
    """A one-character city alias after 在/来/赴/抵 (``在京举办`` → 北京), with its span.

    Example: ``"中国互联网大会在京开幕"`` → ``("北京", 7, 8)``
    """
    aliases = load_mapping("city_aliases.tsv")
    pattern = "|".join(sorted(map(re.escape, aliases), key=len, reverse=True))
    match = re.search(
        r"(?:在|来|赴|抵|于)(" + pattern + r")(?=举|召|开|启|隆|盛|成|顺|圆|正|拉|落|闭|进|的|，|,)", text
    )
    if match:
        return aliases[match[1]], match.start(1), match.end(1)
    return None


def first_city(text: str) -> tuple[str, int, int] | None:
    """The first known city named anywhere in ``text``, with its span.

    Example: ``"镇江市委网信办组织开展了全市网络安全应急演练"`` → ``("镇江", 0, 2)``
    """
    match = _city_pattern().search(text)
    return (match.group(), match.start(), match.end()) if match else None


def first_county(text: str) -> tuple[str, int, int] | None:
    """The first county named in ``text`` (太康县), with its span.

    Example: ``"大河网讯 9月5日上午,太康县举行…"`` → ``("太康县", 14, 17)``
    """
    match = re.search(r"(?<![全本该各每一])[\u4e00-\u9fff]{2,3}?县(?![委城长])", text)
    return (match.group(), match.start(), match.end()) if match else None


def is_online(text: str) -> bool:
    """Whether an event name or sentence says the event ran online only.

    Example: ``"FreeBuf甲方社群第十二期内部直播"`` → True; ``"以“线下+线上”形式"`` → False
    """
    return bool(ONLINE.search(text)) and not HYBRID.search(text)
