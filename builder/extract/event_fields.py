"""The fields of one chosen event: dates, place, series and edition, theme, topics, attendance."""

from __future__ import annotations

import re
from datetime import date, timedelta

from builder.extract.chinese import simplified
from builder.extract.dates import DateMatch, find_dates
from builder.extract.event_names import clean_name, first_part
from builder.extract.mentions import Doc, Mention
from builder.extract.numerals import parse_number, people_counts, plus_counts
from builder.extract.places import (
    Place,
    alias_city,
    country_of,
    first_city,
    first_county,
    is_online,
    parse_place,
)
from builder.models import Evidence

_VAGUE_DATE = re.compile(r"近日|日前|近期|前不久|不久前")
_DATELINE = re.compile(r"(\d{1,2})月(\d{1,2})日\s*(?:电|讯)")
_HEADER_DATE = re.compile(
    r"(?:^|\n)(?![^\n：:]{0,4}(?:发布|更新|发稿))[^\n：:]{0,4}(?:时间|日期)\s*[：:]\s*([^\n]+)"
)
_HEADER_PLACE = re.compile(r"(?:^|\n)[^\n：:]{0,4}(?:地点|会场|地址)\s*[：:]\s*([^\n]+)")
_PLACE_PHRASE = re.compile(
    r"(?:在|于)\s*(?P<place>[^，,。；;、：:“”\"\s]{2,30}?)\s*(?:隆重|盛大|成功|顺利|圆满|正式|如期|统一|线上线下)?"
    r"(?:举行|举办|召开|开幕|启幕|开启|启动|拉开|落幕|闭幕|开赛|开展|进行|揭幕|主办|会师)"
)
_GATHER_PLACE = re.compile(r"(?:齐聚|汇聚|相聚|走进|来到|落户)\s*(?P<place>[^，,。；;、\s]{2,12})")
_ATTENDANCE_CONTEXT = re.compile(
    r"参会|参加|出席|与会|齐聚|汇聚|参与|观摩|到场|参赛|会师|角逐|列队|莅临|聆听|观看|来自|共计|汇集|相聚|参展|现场"
)
_THEME_PATTERNS = (
    re.compile(r"以\s*[“\"「『](?P<theme>[^”\"」』]{2,80})[”\"」』]\s*为(?:大会|论坛|年度|活动)?主题"),
    re.compile(r"(?<!演讲)(?<!报告)主题(?:为|是|：|:)\s*[“\"「『](?P<theme>[^”\"」』]{2,80})[”\"」』]"),
    re.compile(
        r"围绕(?:年度|大会)?主题\s*[“\"「『](?P<theme>[^”\"」』]{2,80})[”\"」』](?!\s*(?:发表|作|做|进行|分享|演讲))"
    ),
    re.compile(
        r"围绕\s*[“\"「『](?P<theme>[^”\"」』]{2,80})[”\"」』]\s*(?:的|这[个一])?(?:年度)?主题(?!\s*(?:发表|作|做|进行|分享|演讲))"
    ),
)
_TOPICS = re.compile(
    r"(?:探讨|讨论|围绕|聚焦|涵盖|包括|交流)(?P<items>[^。；;：:]{4,200}?)等(?:\d+个|[一二三四五六七八九十]+个)?"
    r"(?:议题|话题|主题|方面|领域|问题|热点)"
)
_EDITION = re.compile(r"[（(]?第\s*(?P<number>[0-9一二三四五六七八九十百零〇]+)\s*[届期][）)]?|首届")
_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}\s*年?(?:度)?\s*")
_LATIN_BRAND_YEAR = re.compile(r"^(?P<brand>[A-Za-z][A-Za-z\-]*?)\s?'?(?:19|20)?\d{2}(?![0-9])")
_LATIN_EDITION = re.compile(r"^(?P<brand>[A-Za-z][A-Za-z\- ]*?)\s?(?P<number>\d{1,3})$")
#: the largest attendance and edition the contract's int32 / int16 columns hold; a bigger
#: "count" is a misreading (an ID, a sum, a typo) and would stop the build at the Arrow stage
MAX_ATTENDANCE, MAX_EDITION = 2**31 - 1, 2**15 - 1
#: an English name ending in a year: the series is the name without it (Black Hat USA 2024)
_LATIN_NAME_YEAR = re.compile(r"^(?P<brand>[A-Za-z][A-Za-z0-9&'.\- ]*?)\s*'?(?:19|20)?\d{2}$")
_PLACE_BEFORE_EDITION = re.compile(r"(?:全国|全省|全市|国际|[\u4e00-\u9fff]{2,3}(?:省|市)?)(?=首届|第)")


def dateline_date(doc: Doc) -> date | None:
    """The date of a news dateline (``新华社香港9月13日电``), for day-only phrases like ``13日``."""
    match = _DATELINE.search(doc.simple[:400])
    if not match:
        return None
    found = find_dates(match.group(), doc.article.published_date)
    return found[0].start_date if found else None


def _clause_end(simple: str, position: int, limit: int) -> int:
    for index in range(position, limit):
        if simple[index] in "。；;":
            return index
    return limit


def event_dates(doc: Doc, mention: Mention, type_: str) -> tuple[date | None, date | None]:
    """Start and end date of an event from its sentence, the dateline, a header or the lead.

    Example: ``"2024年10月14日-18日，第31届…大会…在美国盐湖城举行。"`` → (2024-10-14, 2024-10-18);
    ``"…线上赛圆满落幕。"`` dated 11月22日 → (None, 2024-11-22); ``"近日,…峰会…召开"`` → (None, None)
    """
    sentence = mention.sentence
    simple = doc.simple[sentence.start : sentence.end]
    name_at = mention.start - sentence.start if mention.start >= 0 else 0
    if _VAGUE_DATE.search(simple[: max(name_at, 0) + 1]):
        return None, None
    published = doc.article.published_date
    dateline = dateline_date(doc)
    context = dateline or _day_only_context(published, simple, mention.cue)
    matches = [
        match
        for match in find_dates(simple, published, context)
        if not re.match(r"\s*(?:电|讯)", simple[match.end :])
    ]
    chosen = _nearest(matches, mention, sentence, doc.simple)
    if chosen is None:
        chosen = _header_date(doc) or _relative_day(simple, published) or _lead_date(doc, mention)
    if chosen is None:
        return None, None
    start, end = chosen.start_date, chosen.end_date
    if end is not None and end >= start:
        return start, end
    days = _duration(simple) or _duration(_next_sentence_about_it(doc, sentence))
    if mention.cue == "ended":
        return (start - timedelta(days=days - 1) if days else None), start
    if days:
        return start, start + timedelta(days=days - 1)
    if mention.cue == "opened" and type_ != "ceremony":
        return start, None
    return start, start


#: a sentence that goes on about the gathering just named: 峰会由…, 本届大会为期…
SAME_GATHERING = re.compile(
    r"\s*(?:本届|本次|此次|该|这次)?[\u4e00-\u9fff]{0,4}?(?:会|论坛|赛|周|展|活动)[由以为共]"
)


def _next_sentence_about_it(doc: Doc, sentence: Evidence) -> str:
    """The sentence after ``sentence`` when it goes on about the same gathering (峰会由…主办，为期两天).

    Example: after ``"6月25日，2025中国网络安全产业峰会在京开幕。"`` → ``"峰会由…主办，为期两天，…"``
    """
    for following in doc.sentences:
        if following.start >= sentence.end:
            text = doc.simple[following.start : following.end]
            if SAME_GATHERING.match(text):
                return text
            return ""
    return ""


def _duration(sentence: str) -> int | None:
    """The length in days of a gathering the sentence states (为期两天, 历时三天, 会期3天).

    Example: ``"11月5日，为期两天的2024数据安全大会在上海开幕。"`` → 2
    """
    match = re.search(r"(?:为期|历时|会期)\s*(\d{1,2}|[一二两三四五六七八九十]{1,2})\s*天", sentence)
    if not match:
        return None
    days = parse_number(match[1])
    return days if days and 1 <= days <= 31 else None


def _day_only_context(published: date, sentence: str, cue: str) -> date:
    """The month a day-only phrase (``10日``) falls in without a dateline: publication's, or the
    previous one when the day is still ahead and the event is reported as past.

    Example: published 2024-11-03, ``"28日，论坛在京举行"`` → October
    """
    day = re.search(r"(?<![\d月])(\d{1,2})日", sentence)
    if day and cue != "upcoming" and int(day[1]) > published.day:
        return published.replace(day=1) - timedelta(days=1)
    return published


def _relative_day(sentence: str, published: date) -> DateMatch | None:
    """Today or yesterday, counted from publication (``今日，大会在京开幕``).

    Example: ``"昨天，论坛在北京举行"`` published 2024-11-03 → 2024-11-02
    """
    match = re.search(r"(今天|今日|昨天|昨日)(?:上午|下午|晚上|晚间)?[，,\s]", sentence)
    if not match:
        return None
    day = published - timedelta(days=1 if match[1].startswith("昨") else 0)
    return DateMatch(day, None, match.start(), match.end())


def _nearest(
    matches: list[DateMatch], mention: Mention, sentence: Evidence, simple_text: str
) -> DateMatch | None:
    if not matches:
        return None
    if mention.start < 0:
        return matches[0]
    name_start = mention.start - sentence.start
    name_end = mention.end - sentence.start
    clause_end = _clause_end(simple_text, mention.end, sentence.end) - sentence.start
    after = [match for match in matches if name_end <= match.start < clause_end]
    if after:
        return after[0]
    before = [match for match in matches if match.end <= name_start]
    return before[-1] if before else None


def _header_date(doc: Doc) -> DateMatch | None:
    for header in _HEADER_DATE.finditer(doc.simple):
        found = find_dates(header[1], doc.article.published_date)
        if found:
            return found[0]
    return None


def _lead_date(doc: Doc, mention: Mention) -> DateMatch | None:
    """The first dated sentence of the lead that reports a gathering verb (``9月17日开展后``)."""
    limit = max(600, len(doc.text) // 3)
    for sentence in doc.sentences:
        if sentence.start > limit:
            break
        simple = doc.simple[sentence.start : sentence.end]
        if re.search(r"发布时间|来源|\d{1,2}:\d{2}", simple):
            continue
        for match in find_dates(simple, doc.article.published_date):
            if re.match(
                r"[^。；;]{0,60}?(?:举行|举办|召开|开幕|开展|启动|开赛|落幕|齐聚|汇聚|相聚)",
                simple[match.end :],
            ):
                return match
    return None


def event_place(doc: Doc, mention: Mention, scope: tuple[int, int]) -> Place:
    """City (as written), country and venue of an event.

    Example: ``"…论坛在北京举行"`` → 北京 / CN; ``"…大会在美国盐湖城举行"`` → 盐湖城 / US;
    ``"…在京開幕"`` → 北京; an online event (直播, 线上赛) → no city
    """
    sentence = mention.sentence
    simple = doc.simple[sentence.start : sentence.end]
    if is_online(simplified(mention.name)) or is_online(simple):
        return Place(None, None, None)
    venue = None
    offset = max(mention.end - sentence.start, 0)
    phrases = sorted(
        _PLACE_PHRASE.finditer(simple), key=lambda match: (match.start() < offset, match.start())
    )
    for match in [*phrases, *_GATHER_PLACE.finditer(simple)]:
        place = parse_place(match["place"])
        venue = venue or place.venue
        if place.city:
            return _as_written(doc, place, sentence.start + match.start("place"), venue)
    alias = alias_city(simple)
    if alias:
        return Place(alias[0], country_of(alias[0]), venue)
    for earlier in doc.sentences:
        if earlier.start >= sentence.start:
            break
        for match in _PLACE_PHRASE.finditer(doc.simple, earlier.start, earlier.end):
            place = parse_place(match["place"])
            if place.city:
                return _as_written(doc, place, match.start("place"), venue)
    header = _HEADER_PLACE.search(doc.simple)
    if header:
        place = parse_place(header[1].strip())
        venue = venue or place.venue or header[1].strip()
        if place.city:
            return _as_written(doc, place, header.start(1), venue)
    dateline = re.search(r"([\u4e00-\u9fff]{2,8}?)\s*\d{1,2}月\d{1,2}日\s*(?:电|讯)", doc.simple[:400])
    if dateline:
        city = first_city(dateline[1])
        if city:
            return _city_at(doc, city, dateline.start(1), venue)
    following = [item for item in doc.sentences if sentence.start < item.start < scope[1]][:6]
    for later in following:
        for match in _PLACE_PHRASE.finditer(doc.simple, later.start, later.end):
            place = parse_place(match["place"])
            if place.city:
                return _as_written(doc, place, match.start("place"), venue)
    for lo, hi in ((sentence.start, sentence.end), _paragraphs_around(doc, sentence.start, scope)):
        city = first_city(doc.simple[lo:hi]) or first_county(doc.simple[lo:hi])
        if city:
            return _city_at(doc, city, lo, venue)
    return Place(None, None, venue)


def _paragraphs_around(doc: Doc, position: int, scope: tuple[int, int]) -> tuple[int, int]:
    """The paragraph holding ``position`` and the next one, inside the scope."""
    start = doc.text.rfind("\n\n", scope[0], position)
    start = scope[0] if start == -1 else start
    first = doc.text.find("\n\n", position, scope[1])
    if first == -1:
        return start, scope[1]
    second = doc.text.find("\n\n", first + 2, scope[1])
    return start, scope[1] if second == -1 else second


def _as_written(doc: Doc, place: Place, phrase_start: int, venue: str | None) -> Place:
    lo, hi = place.city_span
    city = doc.text[phrase_start + lo : phrase_start + hi]
    if venue and place.venue == venue:
        start = doc.simple.find(venue, phrase_start)
        venue = doc.text[start : start + len(venue)] if start >= 0 else venue
    return Place(city, place.country, venue)


def _city_at(doc: Doc, city: tuple[str, int, int], offset: int, venue: str | None) -> Place:
    name, lo, hi = city
    return Place(doc.text[offset + lo : offset + hi], country_of(name), venue)


def series_and_edition(name: str) -> tuple[str | None, int | None]:
    """The recurring series (name without year, edition and sub-title) and the edition number.

    Example: ``"第八届“一带一路”园区建设国际合作峰会"`` → (``"“一带一路”园区建设国际合作峰会"``, 8);
    ``"2023(第二十二届)中国互联网大会"`` → (``"中国互联网大会"``, 22); ``"IETF 125"`` → (``"IETF"``, 125);
    ``"DataCon2024大数据安全分析竞赛"`` → (``"DataCon"``, None); ``"网络空间安全研讨会"`` → (None, None)
    """
    simple = simplified(first_part(simplified(name)))
    original = name[: len(simple)]
    latin = _LATIN_EDITION.match(simple)
    if latin:
        number = int(latin["number"])
        return original[: latin.end("brand")], number if number < 1000 else None
    latin_year = _LATIN_NAME_YEAR.match(simple)
    if latin_year:
        return original[: latin_year.end("brand")].strip(), None
    edition = None
    keep = [True] * len(simple)
    removed = False
    brand = _LATIN_BRAND_YEAR.match(simple)
    if brand and re.match(r"(?:19|20)?\d{2}", simple[brand.end("brand") :].lstrip(" '")):
        return original[: brand.end("brand")], None
    year = _YEAR_PREFIX.match(simple)
    if year:
        keep[: year.end()] = [False] * year.end()
        removed = True
    for match in _EDITION.finditer(simple):
        edition = 1 if match.group() == "首届" else parse_number(match["number"])
        if edition is not None and edition > MAX_EDITION:
            edition = None
        keep[match.start() : match.end()] = [False] * (match.end() - match.start())
        removed = True
        place = _PLACE_BEFORE_EDITION.match(simple, 0 if not year else year.end())
        if place and place.end() == match.start() and not any(keep[: place.start()]):
            keep[place.start() : place.end()] = [False] * (place.end() - place.start())
        break
    for match in re.finditer(r"\([^()]*\)|（[^（）]*）|——.*$", simple):
        keep[match.start() : match.end()] = [False] * (match.end() - match.start())
    if not removed:
        return None, edition
    series = "".join(char for char, kept in zip(original, keep, strict=True) if kept).strip(" ·—-")
    series = clean_name(series) if series else series
    return series or None, edition if edition and edition >= 1 else None


def find_theme(doc: Doc, evidence: Evidence, scope: tuple[int, int]) -> str | None:
    """The stated theme (以“X”为主题 → X), from the evidence sentence first, then the scope.

    Example: ``"论坛以“网络安全国际合作”为主题，探讨…"`` → ``"网络安全国际合作"``
    """
    for lo, hi in ((evidence.start, evidence.end), scope):
        best = None
        for pattern in _THEME_PATTERNS:
            match = pattern.search(doc.simple, lo, hi)
            if match and (best is None or match.start() < best.start()):
                best = match
        if best:
            return doc.text[best.start("theme") : best.end("theme")].strip()
    return None


def find_topics(doc: Doc, scope: tuple[int, int]) -> tuple[str, ...]:
    """Listed agenda topics (探讨A、B、C等议题 → (A, B, C)).

    Example: ``"探讨网络安全的基本制度建设、国际标准化发展、AI与网络安全融合等议题"`` → 3 topics
    """
    match = _TOPICS.search(doc.simple, *scope)
    if not match:
        return ()
    text = doc.text[match.start("items") : match.end("items")]
    items = [item.strip(' “”"「」') for item in re.split(r"[、]", text)]
    items = [item for item in items if 1 < len(item) <= 40]
    return tuple(items) if len(items) >= 2 else ()


def find_attendance(doc: Doc, scope: tuple[int, int]) -> tuple[int, str] | None:
    """The first count of attendees in the scope, as a lower bound, with the phrase it came from.

    Example: ``"…三百多人参加了论坛"`` → (300, ``"三百多人"``); ``"近800位…齐聚天津"`` → (800, ``"近800位"``)
    """
    lo, hi = scope
    simple = doc.simple[lo:hi]
    counts = sorted(people_counts(simple) + plus_counts(simple), key=lambda count: count.start)
    for count in counts:
        sentence_start = max(simple.rfind(mark, 0, count.start) for mark in "。；;\n") + 1
        sentence_end = min(
            (index for index in (simple.find(mark, count.end) for mark in "。；;\n") if index != -1),
            default=len(simple),
        )
        sentence = simple[sentence_start:sentence_end]
        if not 10 <= count.value <= MAX_ATTENDANCE or not _ATTENDANCE_CONTEXT.search(sentence):
            continue
        if re.match(
            r"(?:分享者|演讲|讲者|嘉宾致辞|获奖|选手获|同学|院士)", simple[count.end : count.end + 4]
        ):
            continue
        return count.value, doc.text[lo + count.start : lo + count.end]
    return None
