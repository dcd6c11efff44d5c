"""Which events an article reports: name mentions, the cues around them, and the choice of events.

An article yields its principal event (the gathering its title or lead reports as held, ending
or announced), plus any further event reported with its own organizers, plus sub-forums named as
part of the principal one. Gatherings mentioned in passing (no report cue, outside the lead, a
conference that accepted a paper) yield nothing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from functools import cache

from builder.extract.chinese import simplified
from builder.extract.event_names import clean_name, event_type_of, name_spans, parent_prefix
from builder.extract.text import sentences
from builder.lexicons import load_lines
from builder.models import Article, Evidence

#: cues that report a gathering (as opposed to mentioning one)
STRONG_CUES = frozenset({"held", "opened", "ended", "upcoming"})
#: the lead of an article: principal events are looked for in this share of the text (at least 600 chars)
LEAD_SHARE = 0.35
LEAD_MIN_CHARS = 600
#: suffixes of sub-events that belong to a larger gathering
SUB_EVENT_WORDS = ("分论坛", "专题论坛", "分会场", "平行论坛", "边会", "主论坛")
#: opening verbs: the gathering runs on after the reported date
OPENING_VERBS = ("开幕", "启幕", "启动", "开展", "拉开帷幕", "拉开大幕", "揭幕", "开赛", "打响")
_CLAUSE_END = "，,。；;！!？?"
_NEGATIVE = re.compile(r"录用|收录|论文被|接收了?\d*篇|入选")


@dataclass(frozen=True)
class Doc:
    """An article with its simplified matching copy and sentences."""

    article: Article
    simple: str
    sentences: tuple[Evidence, ...]
    title_simple: str

    @property
    def text(self) -> str:
        return self.article.text


def prepare(article: Article) -> Doc:
    """Build the matching copy of an article (same length as ``article.text``)."""
    simple = simplified(article.text)
    return Doc(article, simple, tuple(sentences(article.text)), simplified(article.title))


@dataclass(frozen=True)
class Mention:
    """One event name in the text (or the title) with what the sentence says about it."""

    name: str
    start: int
    end: int
    sentence: Evidence
    #: held / opened / ended / upcoming (a report), this / in / attend (a reference), or none
    cue: str
    #: the sentence names its organizers (由…主办的 X, X 由…主办)
    organized: bool = False
    #: a larger event named around it (X 期间, 作为 X 之一, X 召开 Y, 是 X 的一部分)
    context_parent: str | None = None
    from_title: bool = False
    #: written as 本届/本次 X: a reference back to an event already named
    referenced: bool = False

    @property
    def bare(self) -> bool:
        """A name that is only an event word (论坛, 本次会议)."""
        return len(re.sub(r"\s", "", self.name)) <= 3


@cache
def _verbs(name: str) -> str:
    return "|".join(sorted(map(re.escape, load_lines(name)), key=len, reverse=True))


def _after_clause(simple: str, end: int, limit: int) -> str:
    """The words after a name up to the end of its clause, skipping a parenthesis right after it."""
    rest = simple[end:limit]
    skip = re.match(r"[”\"」]?\s*(?:\([^()]{0,160}\)|（[^（）]{0,160}）)?", rest)
    offset = skip.end() if skip else 0
    for index in range(offset, len(rest)):
        if rest[index] in _CLAUSE_END:
            return rest[:index]
    return rest


def report_cue(after: str, before: str) -> str:
    """The report cue of a name from the words after it (in its clause) and before it.

    Example: ``report_cue("在北京举行", "12月7日，")`` → ``"held"``;
    ``report_cue("将于11月23日至24日在浙江乌镇举行", "")`` → ``"upcoming"``;
    ``report_cue("圆满落幕", "")`` → ``"ended"``; ``report_cue("", "太康县举行")`` → ``"held"``
    """
    ended = re.search(_verbs("ended_verbs.txt"), after)
    held = re.search(_verbs("held_verbs.txt"), after)
    if held and re.match(r"之际|以来|后", after[held.end() :]):
        held = None
    if held and (not ended or held.start() < ended.start()):
        words = after[: held.start()]
        if re.search(_verbs("upcoming_cues.txt"), words) or re.search(r"将|拟", words):
            return "upcoming"
        if held.group().endswith(OPENING_VERBS):
            return "opened"
        return "held"
    if ended:
        return "ended"
    if re.search(r"(?:举行|举办|召开|开展|组织开展|启动|承办|主办)了?\s*[“\"]?\s*$", before):
        return "upcoming" if re.search(r"将\s*(?:举行|举办|召开)\s*$|将于[^，,。]*$", before) else "held"
    if re.search(r"(?:本届|本次|此次|这次|该)\s*$", before):
        return "this"
    if re.search(r"(?:出席|参加|参与|亮相|受邀出席|受邀参加)了?\s*$", before):
        return "attend"
    if re.match(r"\s*(?:中|上|期间)", after):
        return "in"
    return "none"


def _organized(before: str, after_sentence: str) -> bool:
    if re.search(
        r"由[^。；;]{1,250}?(?:主办|承办|协办|举办|合办|组织|指导)[^。；;]{0,80}?的\s*[“\"]?\s*$", before
    ):
        return True
    return bool(
        re.match(r"[”\"]?\s*[^。，,]{0,8}由[^。]{1,250}?(?:主办|举办|合办|组织|承办)", after_sentence)
    )


def _context_parent(doc: Doc, sentence: Evidence, start: int, end: int) -> str | None:
    """A larger event the sentence places the name inside, as written."""
    simple = doc.simple
    before = simple[sentence.start : start]
    after = simple[end : sentence.end]
    text = doc.text
    inside = re.search(
        r"作为(.{2,60}?)(?:[一二三四五六七八九十两几\d]+大?(?:峰会|论坛|分论坛|活动|赛事))?之一的\s*$", before
    )
    if inside:
        spans = name_spans(simple, sentence.start + inside.start(1), sentence.start + inside.end(1))
        if spans:
            first_start, first_end = spans[0]
            return _parent_text(doc, first_start, first_end, sentence.start + inside.end(1))
    during = re.search(
        r"([A-Za-z][A-Za-z\-]*\s?\d{1,4}|[^，,。]{2,40}?)\s*期间", simple[sentence.start : sentence.end]
    )
    if during and sentence.start + during.end() <= start:
        phrase_start = sentence.start + during.start(1)
        phrase_end = sentence.start + during.end(1)
        if re.fullmatch(r"[A-Za-z][A-Za-z\-]*\s?\d{1,4}", simple[phrase_start:phrase_end]):
            return text[phrase_start:phrase_end]
        spans = name_spans(simple, phrase_start, phrase_end)
        if spans:
            return clean_name(text[spans[-1][0] : spans[-1][1]])
    convened = re.search(r"(?:召开|举行|举办)\s*$", before)
    if convened:
        spans = [
            span
            for span in name_spans(simple, sentence.start, start)
            if span[1] == sentence.start + convened.start()
        ]
        if spans:
            return clean_name(text[spans[-1][0] : spans[-1][1]])
    part = re.search(r"的一部分", after)
    if part:
        spans = name_spans(simple, end, end + part.start())
        if spans:
            return clean_name(text[spans[-1][0] : spans[-1][1]])
    return None


def _parent_text(doc: Doc, start: int, end: int, limit: int) -> str:
    """A parent name with a parenthesis that follows it (第九届互联网安全大会(ISC 2021))."""
    tail = re.match(r"\s*(\([^()]{1,30}\)|（[^（）]{1,30}）)", doc.simple[end:limit])
    if tail:
        end += tail.end()
    return clean_name(doc.text[start:end])


def text_mentions(doc: Doc) -> list[Mention]:
    """Every event name in the text, in order, with its cue.

    Example: the seed's ``"12月7日，第八届…专题论坛在北京举行。"`` gives one mention with cue ``held``.
    """
    found = []
    for sentence in doc.sentences:
        spans = name_spans(doc.simple, sentence.start, sentence.end)
        for index, (start, end) in enumerate(spans):
            # a verb after the next name reports that name, not this one
            limit = spans[index + 1][0] if index + 1 < len(spans) else sentence.end
            after = _after_clause(doc.simple, end, limit)
            before = doc.simple[sentence.start : start]
            name = clean_name(doc.text[start:end])
            found.append(
                Mention(
                    name=name,
                    start=start,
                    end=end,
                    sentence=sentence,
                    cue=report_cue(after, before),
                    organized=_organized(before, doc.simple[end : sentence.end]),
                    context_parent=_context_parent(doc, sentence, start, end),
                    referenced=bool(re.search(r"(?:本届|本次|此次|这次|该)\s*$", before)),
                )
            )
    return found


def genuine_title(doc: Doc) -> bool:
    """Whether the title is a headline, not the first sentence cut short by the crawler.

    Example: a title ``"9月18日下午,陕西省…首届“网安启明星”大"`` that a longer text line starts with → False
    """
    title = doc.title_simple.rstrip(".…").strip()
    if len(title) < 8:
        return True
    for line in doc.simple.split("\n"):
        line = line.strip()
        if line.startswith(title) and len(line.rstrip("。.!！")) > len(title) + 1:
            return False
    return True


_TITLE_SPLIT = re.compile(r"\s*(?:[|｜【】\[\]@!！?？:：]|\|\||\s-\s|，|,)\s*")
_TITLE_REST = re.compile(
    r"^(?:成功|顺利|圆满|隆重|盛大|正式|精彩)?(?:举办|举行|召开|开幕|启幕|落幕|收官|闭幕|回顾|参会记录|记录|直击|开赛|启动|"
    r"侧记|纪实|综述|报道|预告|即将.*|将于.*|在.{1,20}(?:举行|举办|召开|开幕))?$"
)


def title_mention(doc: Doc) -> Mention | None:
    """The event a headline reports.

    Example: ``…论坛在京举办``, ``活动回顾｜…出席首届…论坛``, ``…@2026白帽世界大会``
    """
    if not genuine_title(doc):
        return None
    title, simple = doc.article.title, doc.title_simple
    position = 0
    for segment in _TITLE_SPLIT.split(simple):
        offset = simple.find(segment, position)
        position = offset + len(segment)
        for start, end in name_spans(simple, offset, offset + len(segment)):
            rest = simple[end : offset + len(segment)].strip()
            if not _TITLE_REST.match(rest) or re.search(r"被\s*$|获\s*$", simple[offset:start]):
                continue
            cue = (
                "upcoming"
                if re.search(r"即将|将于|预告", rest)
                else "ended"
                if re.search(r"落幕|收官|闭幕", rest)
                else "held"
            )
            name = clean_name(title[start:end])
            return Mention(name, -1, -1, _title_evidence(doc, name), cue, from_title=True)
    return None


def _title_evidence(doc: Doc, name: str) -> Evidence:
    """The first sentence of the text that names ``name`` (else the first sentence)."""
    key = simplified(name)
    for sentence in doc.sentences:
        if key in doc.simple[sentence.start : sentence.end]:
            return sentence
    return doc.sentences[0]


def _key(name: str) -> str:
    return re.sub(r"[\s“”\"「」『』‘’《》()（）]", "", simplified(name)).lower()


def same_event(first: str, second: str) -> bool:
    """Two names of one event: one contains the other, or they are nearly equal with the same edition.

    Example: ``same_event("ISC 2021国家关键信息基础设施安全防护研讨峰会",
    "国家关键信息基础设施安全防护研讨峰会")`` → True
    """
    a, b = _key(first), _key(second)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    editions = re.findall(r"第[^届期]{1,4}[届期]|首届", a), re.findall(r"第[^届期]{1,4}[届期]|首届", b)
    if editions[0] and editions[1] and editions[0] != editions[1]:
        return False
    brands = (
        re.findall(r"“([^”]{2,12})”", simplified(first)),
        re.findall(r"“([^”]{2,12})”", simplified(second)),
    )
    if editions[0] and editions[0] == editions[1] and brands[0] and brands[0][:1] == brands[1][:1]:
        return True  # 第八届“强网杯”线上初赛 and 第八届“强网杯”全国网络安全挑战赛线上赛
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def announced(doc: Doc, mention: Mention) -> bool:
    """Whether a referenced (not reported) event is spoken of in the future tense in its sentence.

    Example: ``"本届XCon2024大会中，…张允义将首次系统地探讨DNS胶水记录…"`` → True
    """
    if mention.cue not in ("this", "in", "none"):
        return False
    after = doc.simple[max(mention.end, mention.sentence.start) : mention.sentence.end]
    return bool(re.search(_verbs("upcoming_cues.txt"), after))


@dataclass(frozen=True)
class Planned:
    """An event chosen for output: its mention, its parent, and the span of text it owns."""

    mention: Mention
    parent: str | None
    scope: tuple[int, int]


def plan_events(doc: Doc) -> list[Planned]:
    """Choose the events an article reports and the text each owns (its scope)."""
    if not doc.sentences:
        return []
    mentions = text_mentions(doc)
    principal = _principal(doc, mentions)
    if principal is None or _NEGATIVE.search(simplified(principal.sentence.sentence)):
        return []
    parent = principal.context_parent or parent_prefix(principal.name) or title_parent(doc)
    chosen: list[tuple[Mention, str | None]] = [(principal, parent)]
    for mention in mentions:
        if (
            mention.start <= principal.start
            or mention.bare
            or mention.referenced
            or any(same_event(mention.name, kept.name) for kept, _ in chosen)
        ):
            continue
        sub_of_principal = re.match(
            r"\s*作为(?:本届|本次)?.{0,12}?(?:分论坛|专题论坛|分会场|平行论坛|活动)之一",
            doc.simple[mention.end : mention.sentence.end],
        )
        if sub_of_principal:
            chosen.append((mention, principal.name))
        elif mention.organized and mention.cue in STRONG_CUES and not _is_parent_of(mention, chosen):
            chosen.append((mention, mention.context_parent or parent_prefix(mention.name)))
    chosen = _demote_unorganized_principal(chosen)
    return _with_scopes(doc, chosen)


def _is_parent_of(mention: Mention, chosen: list[tuple[Mention, str | None]]) -> bool:
    return any(parent and same_event(parent, mention.name) for _, parent in chosen)


def _principal(doc: Doc, mentions: list[Mention]) -> Mention | None:
    lead_limit = max(LEAD_MIN_CHARS, int(len(doc.text) * LEAD_SHARE))
    in_lead = [mention for mention in mentions if mention.sentence.start < lead_limit]
    strong = [mention for mention in in_lead if mention.cue in STRONG_CUES and not mention.bare]
    title = title_mention(doc)
    if title is not None:
        matching = [
            mention for mention in in_lead if same_event(title.name, mention.name) and not mention.bare
        ]
        # the lead sentence that reports the event, with its date, beats a repeated headline line
        headline = _key(doc.article.title)
        matching.sort(
            key=lambda mention: (
                mention.cue not in STRONG_CUES,
                _key(mention.sentence.sentence) == headline,
                not _has_date(doc, mention.sentence),
            )
        )
        for mention in matching[:1]:
            if len(_key(title.name)) > len(_key(mention.name)) and _key(mention.name) in _key(title.name):
                return replace(mention, name=title.name)
            return mention if mention.cue in STRONG_CUES else replace(mention, cue=title.cue)
        if not strong:
            return title
    if strong:
        return strong[0]
    organized_bare = [
        mention for mention in in_lead if mention.bare and (mention.organized or mention.cue in STRONG_CUES)
    ]
    if organized_bare:
        return organized_bare[0]
    weak = [mention for mention in in_lead if mention.cue in ("this", "in") and not mention.bare]
    return weak[0] if weak else None


def _has_date(doc: Doc, sentence: Evidence) -> bool:
    return bool(
        re.search(
            r"\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}|[一二三四五六七八九十]+月[一二三四五六七八九十]+日",
            doc.simple[sentence.start : sentence.end],
        )
    )


def title_parent(doc: Doc) -> str | None:
    """A headline segment naming a numbered meeting series the report belongs to (``IETF 125｜…``).

    Example: ``"【IETF125参会记录】Dispatch 会议"`` → ``"IETF125"``
    """
    for segment in _TITLE_SPLIT.split(doc.article.title):
        match = re.fullmatch(
            r"([A-Za-z][A-Za-z\-]*\s?\d{1,4})(?:参会记录|参会|记录|期间|直击|回顾)?", segment.strip()
        )
        if match and not re.fullmatch(r"[A-Za-z\-]*\s?(?:19|20)\d\d", match[1]):
            return match[1]
    return None


def _demote_unorganized_principal(
    chosen: list[tuple[Mention, str | None]],
) -> list[tuple[Mention, str | None]]:
    """A big event reported only as the setting of an organized sub-forum becomes that sub-forum's parent."""
    if len(chosen) < 2:
        return chosen
    principal, principal_parent = chosen[0]
    subs = [
        index
        for index, (mention, _) in enumerate(chosen[1:], start=1)
        if mention.organized and simplified(mention.name).rstrip('”"').endswith(SUB_EVENT_WORDS)
    ]
    if principal.organized or not subs or principal.from_title:
        return chosen
    result = []
    for index, (mention, parent) in enumerate(chosen[1:], start=1):
        result.append((mention, principal.name if index in subs else parent))
    return result


def _with_scopes(doc: Doc, chosen: list[tuple[Mention, str | None]]) -> list[Planned]:
    ordered = sorted(chosen, key=lambda item: max(item[0].start, 0))
    planned = []
    for index, (mention, parent) in enumerate(ordered):
        start = 0 if index == 0 else _boundary(ordered[index - 1][0], mention)
        end = len(doc.text) if index == len(ordered) - 1 else _boundary(mention, ordered[index + 1][0])
        planned.append(Planned(mention, parent, (start, end)))
    return planned


def _boundary(previous: Mention, following: Mention) -> int:
    """Where the text of ``following`` begins: its sentence, or its name when both share a sentence."""
    if following.sentence.start == previous.sentence.start:
        return max(following.start, 0)
    return following.sentence.start


__all__ = ["Doc", "Mention", "Planned", "event_type_of", "plan_events", "prepare", "same_event"]
