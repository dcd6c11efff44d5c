"""A cheap first pass in front of full extraction: could this article report an event at all?

Most crawled articles (vulnerability news, policy, products) report no gathering. The rule
extractor reports events only around a *principal* event (``events._principal``), and it finds
one only in these ways:

- a headline clause names an event (an event word of ``lexicons/event_types.tsv`` ends the name)
  and the clause ends there or goes on with a report word (``events.title_mention``);
- a lead sentence (``mentions.LEAD_SHARE`` of the text, at least ``LEAD_MIN_CHARS`` characters)
  names an event with a report cue (``mentions.report_cue``): a held or ended verb after the name,
  举行/主办/… or 本届/出席/… before it, 中/上/期间 right after it; or names its organizers
  (由…主办, ``mentions._organized``);
- a lead sentence names an event in English (a capital letter, then a year, number or event word)
  followed by 在/于 … 举行 or another gathering verb (``mentions.latin_mentions``);

and it reports nothing when the headline says a paper was accepted (录用, 收录, 入选, …). This
check looks for those shapes with a few regex scans of the simplified headline and lead: word
lists come from the extractor's own lexicons, and each test is the extractor's condition with
parts left out, so it is never stricter. ``tests/test_detect.py`` checks that on every article of
``data/raw``, the shared corpora, the probes and a generated crawl.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from builder.extract.chinese import simplified
from builder.extract.event_names import event_words
from builder.extract.mentions import LEAD_MIN_CHARS, LEAD_SHARE
from builder.lexicons import load_lines
from builder.models import Article

#: verbs that report an event named only in English (``Black Hat USA 2024在美国…举行``); the
#: English-name rule of ``builder.extract.mentions`` reads the same lexicon
LATIN_REPORT_VERBS = load_lines("latin_report_verbs.txt")
#: English event words (also read by ``mentions._LATIN_EVENT``); other English names end in a digit
LATIN_EVENT_WORDS = load_lines("latin_event_words.txt")
#: a sentence ends at one of these (``builder.extract.text``); no cue reaches across one
SENTENCE_BREAKS = "。！？!?；;\n"
#: a headline that says a paper was accepted reports no event (``events._NEGATIVE``)
_NEGATIVE = re.compile(r"录用|收录|论文被|接收了?\d*篇|入选")
#: how the extractor cuts a headline into clauses and what may follow a name in one (``events``)
_TITLE_SPLIT = re.compile(r"\s*(?:[|｜【】\[\]@!！?？:：]|\|\||\s-\s|，|,)\s*")
_TITLE_REST = re.compile(
    r"^(?:成功|顺利|圆满|隆重|盛大|正式|精彩)?(?:举办|举行|召开|开幕|启幕|落幕|收官|闭幕|回顾|参会记录|记录|直击|开赛|启动|"
    r"侧记|纪实|综述|报道|预告|即将.*|将于.*|在.{1,20}(?:举行|举办|召开|开幕))?$"
)
#: ``_TITLE_REST`` for a match at a position inside the headline (``^`` holds only at its start)
_TITLE_REST_IN_PLACE = re.compile(_TITLE_REST.pattern.removeprefix("^"))
_SPACES = re.compile(r"\s*")
#: closing marks a name may end with (``event_names.name_spans`` takes one after an event word)
_CLOSERS = "”」』’)）"
#: words before a name that give it a cue: held (举行…), this (本届…), attend (出席…); 该 gives one
#: only when a space follows it, but counts here anyway (looser than needed is safe)
_CUE_BEFORE = re.compile(r"举行|举办|召开|开展|启动|承办|主办|本届|本次|此次|这次|该|出席|参加|参与|亮相")
#: the "in" cue: 中, 上 or 期间 right after the name
_CUE_IN = re.compile(r"[" + _CLOSERS + r"]?\s*(?:中|上|期间)")
#: an organizer phrase needs 由 and one of these verbs in the sentence
_ORGANIZE = re.compile(r"主办|承办|协办|举办|合办|组织|指导")
_CAPITAL = re.compile("[A-Z]")
_BREAK = re.compile("[" + re.escape(SENTENCE_BREAKS) + "]")


@cache
def _event_word_pattern() -> re.Pattern[str]:
    """The extractor's name anchor: an event word (longest first) and 活动 after it."""
    # (a lookahead of first characters, as the extractor's copy has, is slower here: measured)
    return re.compile("(?:" + "|".join(map(re.escape, event_words())) + ")(?:活动)?")


@cache
def _latin_report_pattern() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, LATIN_REPORT_VERBS)))


@cache
def _cue_after_pattern() -> re.Pattern[str]:
    """The held and ended verbs of the report cues, longest first."""
    words = sorted({*load_lines("held_verbs.txt"), *load_lines("ended_verbs.txt")}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


@cache
def _latin_report_after_name() -> re.Pattern[str]:
    """The end of an English event name (a digit or an event word) and the report right after it."""
    # the lookahead of first characters lets the engine skip every other position at once
    first = "".join(sorted({word[0] for word in LATIN_EVENT_WORDS}))
    return re.compile(
        "(?=[\\d" + first + "])(?:\\d|" + "|".join(LATIN_EVENT_WORDS) + ")"
        r"\s*(?:[（(][^）)]{0,80}[）)])?\s*(?:将)?(?:于|在)[^，,。；;]{0,40}?"
        "(?:" + "|".join(LATIN_REPORT_VERBS) + ")"
    )


def has_event_word(text: str) -> bool:
    """True when ``text``, as written or in simplified characters, contains an event word.

    Example: ``"第二屆湖北網路安全宣傳周在武漢大學啟動"`` → True (宣传周);
    ``"微软发布紧急安全补丁，修复Windows系统漏洞。"`` → False
    """
    pattern = _event_word_pattern()
    return pattern.search(text) is not None or pattern.search(simplified(text)) is not None


def may_name_latin_event(text: str) -> bool:
    """True when ``text`` has a capital Latin letter and a verb that reports an English-named event.

    Example: ``"Black Hat USA 2024在美国拉斯维加斯举行。"`` → True;
    ``"会议在北京举行。"`` → False (no English name)
    """
    if re.search("[A-Z]", text) is None:
        return False
    pattern = _latin_report_pattern()
    return pattern.search(text) is not None or pattern.search(simplified(text)) is not None


def headline_may_name_event(title: str) -> bool:
    """Whether a headline clause has an event word that ends the clause or precedes a report word.

    Example: ``"2024网络安全大会在京举办｜现场直击"`` → True;
    ``"大会组委会发布通知：报名截止日期延后"`` → False (组委会 follows 大会 in its clause)
    """
    simple = simplified(title)
    position = 0
    for segment in _TITLE_SPLIT.split(simple):
        offset = simple.find(segment, position)
        position = offset + len(segment)
        stop = offset + len(segment.rstrip())
        for word in _event_word_pattern().finditer(simple, offset, position):
            end = word.end()
            if _clause_rest_reports(simple, end, stop):
                return True
            if end < position and simple[end] in _CLOSERS and _clause_rest_reports(simple, end + 1, stop):
                return True
    return False


def _clause_rest_reports(simple: str, start: int, stop: int) -> bool:
    """``_TITLE_REST.match(simple[start:stop].strip())``, matched in place: no copy per event word.

    (``stop`` is the clause's end without its trailing white space.)
    """
    start = _SPACES.match(simple, start, max(start, stop)).end()
    return _TITLE_REST_IN_PLACE.match(simple, start, max(start, stop)) is not None


def lead_of(text: str) -> str:
    """The simplified text up to the end of the last sentence that starts in the extractor's lead.

    A sentence never runs across a line break, so the lead ends at the first one after the limit.
    Example: a 3,000-character text → its first 1,050 characters and the rest of that line
    """
    limit = max(LEAD_MIN_CHARS, int(len(text) * LEAD_SHARE))
    end = text.find("\n", limit)
    simple = simplified(text)  # the extractor's own copy (cached): the same characters it reads
    return simple if end < 0 else simple[:end]


def _last_break(text: str, start: int, end: int) -> int:
    """The position of the last sentence break in ``text[start:end]``, or -1."""
    return max(text.rfind(mark, start, end) for mark in SENTENCE_BREAKS)


def _sentence_start(text: str, position: int, floor: int = 0) -> int:
    """Just after the last sentence break before ``position`` (the sentence may start later).

    The scan goes back no further than ``floor``: the position of a break already known, or 0.
    """
    return max(floor, _last_break(text, floor, position) + 1)


def lead_may_report_event(lead: str) -> bool:
    """Whether a sentence of ``lead`` has an event word with a report cue or organizers around it.

    Example: ``"12月7日，网络安全论坛在北京举行。"`` → True;
    ``"此漏洞影响多个论坛软件。"`` → False (no cue around 论坛)
    """
    # the words of one sentence are checked together: a cue before the last word or after the
    # first is a cue before or after some word; so each character is scanned a bounded number of
    # times, even in a hostile text of a million event words and no sentence break
    sentences: list[list[int]] = []  # [sentence start, sentence end, first word's end, last word's start]
    for word in _event_word_pattern().finditer(lead):
        start, end = word.span()
        if _CUE_IN.match(lead, end):
            return True
        if sentences and start < sentences[-1][1]:
            sentences[-1][3] = start
            continue
        floor = sentences[-1][1] if sentences else 0
        sentence_break = _BREAK.search(lead, end)
        sentence_end = sentence_break.start() if sentence_break else len(lead)
        sentences.append([_sentence_start(lead, start, floor), sentence_end, end, start])
    for sentence_start, sentence_end, first_end, last_start in sentences:
        if (
            _CUE_BEFORE.search(lead, sentence_start, last_start)
            or _cue_after_pattern().search(lead, first_end, sentence_end)
            or (
                lead.find("由", sentence_start, sentence_end) >= 0
                and _ORGANIZE.search(lead, sentence_start, sentence_end)
            )
        ):
            return True
    return False


def lead_may_name_latin_event(lead: str) -> bool:
    """Whether a sentence of ``lead`` has a capital letter, then a year or English event word and 在…举行.

    Example: ``"2024年8月3日至8日，Black Hat USA 2024在美国拉斯维加斯举行。"`` → True;
    ``"会议于2024年12月在北京举行。"`` → False (no capital letter)
    """
    if _latin_report_pattern().search(lead) is None:
        return False
    pattern = _latin_report_after_name()
    # every match start is a candidate (matches may overlap); breaks and capital letters are
    # looked for only where the previous candidate's look did not reach, so the work stays linear
    looked_until = 0
    while (report := pattern.search(lead, looked_until)) is not None:
        start = report.start()
        last_break = _last_break(lead, looked_until, start)
        if last_break >= 0:  # a new sentence: look for a capital letter from its start
            looked_until = last_break + 1
        if _CAPITAL.search(lead, looked_until, start + 1):
            return True
        looked_until = start + 1
    return False


def might_report_event(article: Article) -> bool:
    """False when the rule extractor surely finds no event in ``article`` (see the module docstring)."""
    if _NEGATIVE.search(simplified(article.title)):
        return False
    if headline_may_name_event(article.title):
        return True
    lead = lead_of(article.text)
    return lead_may_report_event(lead) or lead_may_name_latin_event(lead)


def _always(article: Article) -> bool:
    return True


def detector_for(extractor_name: str) -> Callable[[Article], bool]:
    """The cheap check in front of an extractor: the event-shape check for the rules, none otherwise.

    Another extractor (statistical, model-based) may find events without any of these shapes,
    so it sees every article.
    """
    return might_report_event if extractor_name == "rules" else _always
