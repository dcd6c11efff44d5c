"""Event name mentions in an article and what their sentences say about them (the report cues)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from builder.extract.chinese import simplified
from builder.extract.event_names import clean_name, name_spans, sentences_with_event_words
from builder.extract.text import sentence_spans
from builder.lexicons import load_lines
from builder.models import Article, Evidence

#: cues that report a gathering (as opposed to mentioning one)
STRONG_CUES = frozenset({"held", "opened", "ended", "upcoming"})
#: the lead of an article: principal events are looked for in this share of the text (at least 600 chars)
LEAD_SHARE = 0.35
LEAD_MIN_CHARS = 600
#: suffixes of sub-events that belong to a larger gathering
SUB_EVENT_WORDS = load_lines("sub_event_words.txt")
#: opening verbs: the gathering runs on after the reported date
OPENING_VERBS = load_lines("opening_verbs.txt")
_CLAUSE_END = "，,。；;！!？?"


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
    return Doc(article, simple, sentence_spans(article.text)[0], simplified(article.title))


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


#: advice to hold something (建议…开展应急演练) reports nothing
ADVICE = re.compile(r"(?:建议|应当|需要|要求|鼓励|务必|定期)[^。；;！？!?]*(?:开展|举行|举办|组织)\s*$")
#: words after 开幕 that make it a moment of the event (开幕主旨演讲, 开幕式上), not its opening
OPENING_MOMENT = re.compile(r"式上|仪式上|主旨|主题演讲|致辞|辞|词|演讲|报告|环节|当天")


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
    held = None
    for verb in re.finditer(_verbs("held_verbs.txt"), after):
        rest = after[verb.end() :]
        # 开幕主旨演讲, 开幕致辞, 开幕式上 name a moment of the event, not the report that it opened
        if verb.group().endswith(OPENING_VERBS) and OPENING_MOMENT.match(rest):
            continue
        held = None if re.match(r"之际|以来|后", rest) else verb
        break
    if held and (not ended or held.start() < ended.start()):
        words = after[: held.start()]
        if re.search(_verbs("upcoming_cues.txt"), words) or re.search(r"将|拟", words):
            return "upcoming"
        if held.group().endswith(OPENING_VERBS):
            return "opened"
        return "held"
    if ended:
        return "ended"
    if ADVICE.search(before):
        return "none"
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
    # the patterns below scan the whole sentence for each name; most sentences lack their key words
    inside = "作为" in before and re.search(
        r"作为(.{2,60}?)(?:[一二三四五六七八九十两几\d]+大?(?:峰会|论坛|分论坛|活动|赛事))?之一的\s*$", before
    )
    if inside:
        spans = name_spans(simple, sentence.start + inside.start(1), sentence.start + inside.end(1))
        if spans:
            first_start, first_end = spans[0]
            return _parent_text(doc, first_start, first_end, sentence.start + inside.end(1))
    during = simple.find("期间", sentence.start, sentence.end) >= 0 and re.search(
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


def lead_limit(doc: Doc) -> int:
    """Where the lead ends: principal events are looked for in the sentences that start before it."""
    return max(LEAD_MIN_CHARS, int(len(doc.text) * LEAD_SHARE))


def _sentences_starting(doc: Doc, lo: int, hi: int | None) -> list[Evidence]:
    return [
        sentence for sentence in doc.sentences if lo <= sentence.start and (hi is None or sentence.start < hi)
    ]


def text_mentions(doc: Doc, lo: int = 0, hi: int | None = None) -> list[Mention]:
    """Every event name, with its cue, in the sentences that start in ``lo`` … ``hi`` (in order).

    Each sentence is read on its own, so the mentions of the lead and of the rest can be read apart.

    Example: the seed's ``"12月7日，第八届…专题论坛在北京举行。"`` gives one mention with cue ``held``.
    """
    found = []
    for sentence in sentences_with_event_words(doc.simple, _sentences_starting(doc, lo, hi)):
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


def announced(doc: Doc, mention: Mention) -> bool:
    """Whether a referenced (not reported) event is spoken of in the future tense in its sentence.

    Example: ``"本届XCon2024大会中，…张允义将首次系统地探讨DNS胶水记录…"`` → True
    """
    if mention.cue not in ("this", "in", "none"):
        return False
    after = doc.simple[max(mention.end, mention.sentence.start) : mention.sentence.end]
    return bool(re.search(_verbs("upcoming_cues.txt"), after))


#: an English event name: capitalized words ending in an event word, or a brand with its year or number
#: (both forms start with a capital letter: the lookahead lets the engine skip other positions at once)
_LATIN_EVENT = re.compile(
    r"(?=[A-Z])(?:(?<![A-Za-z0-9])(?:[A-Z][A-Za-z0-9&'.\-]*\s(?:20\d{2}\s)?){0,5}"
    r"(?:" + "|".join(load_lines("latin_event_words.txt")) + r")(?:\s?'?(?:19|20)?\d{2})?"
    r"|(?<![A-Za-z0-9])[A-Z][A-Za-z&\-]*(?:\s[A-Z][A-Za-z&\-]*){0,3}\s?(?:20\d{2}|\d{1,3})(?![0-9]))"
)
#: an English name is reported only by a place phrase and a gathering verb right after it
_LATIN_REPORT = re.compile(
    r"\s*(?:[（(][^）)]{0,80}[）)])?\s*(?:将)?(?:于|在)[^，,。；;]{0,40}?"
    r"(?P<verb>" + "|".join(load_lines("latin_report_verbs.txt")) + ")"
)


def latin_mentions(doc: Doc, hi: int | None = None) -> list[Mention]:
    """Events named only in English in a sentence (starting before ``hi``) that reports them
    (``Black Hat USA 2024在美国…举行``).

    Example: ``"2024年8月3日至8日，Black Hat USA 2024在美国拉斯维加斯举行。"`` → ``Black Hat USA 2024``, held
    """
    found = []
    for sentence in _sentences_starting(doc, 0, hi):
        for match in _LATIN_EVENT.finditer(doc.simple, sentence.start, sentence.end):
            report = _LATIN_REPORT.match(doc.simple, match.end(), sentence.end)
            if not report:
                continue
            words = doc.simple[match.end() : report.start("verb")]
            cue = (
                "upcoming"
                if "将" in words
                else "ended"
                if report["verb"] in ("落幕", "闭幕", "落下帷幕")
                else "held"
            )
            cue = "opened" if report["verb"] in ("开幕", "拉开帷幕") else cue
            name = doc.text[match.start() : match.end()].strip()
            found.append(Mention(name, match.start(), match.start() + len(name), sentence, cue))
    return found
