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

from builder.extract.chinese import simplified
from builder.extract.event_names import clean_name, event_type_of, name_spans, parent_prefix
from builder.extract.mentions import (
    STRONG_CUES,
    SUB_EVENT_WORDS,
    Doc,
    Mention,
    latin_mentions,
    lead_limit,
    text_mentions,
)
from builder.lexicons import load_lines
from builder.models import Evidence

#: rounds of a competition that leave more to come: their report implies the competition goes on
OPEN_STAGES = load_lines("open_stages.txt")
#: a report that a paper was accepted at a conference is not a report of the conference
_NEGATIVE = re.compile(r"录用|收录|论文被|接收了?\d*篇|入选")


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


def _stage(key: str) -> str | None:
    """``open`` for an early round, ``final`` for a final, else None."""
    if key.endswith(OPEN_STAGES):
        return "open"
    if key.endswith(("决赛", "总决赛")):
        return "final"
    return None


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
    if _stage(a) != _stage(b):
        return False  # the online round and the final of one competition are two events
    if editions[0] and editions[0] == editions[1] and brands[0] and brands[0][:1] == brands[1][:1]:
        return True  # 第八届“强网杯”线上初赛 and 第八届“强网杯”全国网络安全挑战赛线上赛
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


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
    # the principal event is chosen from the lead: the rest of the text is read only when there is one
    lead_mentions = text_mentions(doc, hi=lead_limit(doc))
    principal = _principal(doc, lead_mentions)
    if principal is None or _NEGATIVE.search(simplified(principal.sentence.sentence) + doc.title_simple):
        return []
    mentions = lead_mentions + text_mentions(doc, lo=lead_limit(doc))
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
    for section in _section_sub_forums(doc, principal):
        if not any(same_event(section.name, kept.name) for kept, _ in chosen):
            chosen.append((section, principal.name))
    competition = _competition_of_round(mentions, principal, parent)
    if competition is not None:
        chosen.append((competition, None))
    for announced_event in title_followups(doc, principal):
        if not any(same_event(announced_event.name, kept.name) for kept, _ in chosen):
            chosen.append((announced_event, parent_prefix(principal.name) and parent))
    chosen = _demote_unorganized_principal(chosen)
    return _with_scopes(doc, chosen)


#: a sentence or clause mark: a section heading has none
_CLAUSE_MARK = re.compile(r"[。；;，,]")
#: sub-event words a section heading ends with
_SECTION_WORDS = load_lines("section_words.txt")


def _section_sub_forums(doc: Doc, principal: Mention) -> list[Mention]:
    """Sub-forums heading their own sections (a line that only names 某某分论坛), when there are several.

    Example: after the lead, lines ``"数据安全分论坛"`` and ``"AI安全分论坛"`` each followed by
    their speakers → two sub-forum events of the principal one
    """
    found = []
    for sentence in doc.sentences:
        # the length test first: it rules out nearly every sentence without slicing the text
        if sentence.start <= principal.sentence.start or sentence.end - sentence.start > 40:
            continue
        before = doc.text[max(sentence.start - 1, 0) : sentence.start]
        after = doc.text[sentence.end : sentence.end + 1]
        simple = doc.simple[sentence.start : sentence.end]
        if before not in ("", "\n") or after not in ("", "\n") or _CLAUSE_MARK.search(simple):
            continue
        spans = name_spans(doc.simple, sentence.start, sentence.end)
        if not spans or doc.simple[spans[-1][1] : sentence.end].strip(' ”"'):
            continue
        start, end = spans[-1]
        name = clean_name(doc.text[start:end])
        if simplified(name).rstrip('”"').endswith(_SECTION_WORDS):
            found.append(Mention(name, start, end, sentence, "held"))
    return found if len(found) >= 2 else []


def _competition_of_round(mentions: list[Mention], principal: Mention, parent: str | None) -> Mention | None:
    """The whole competition, when the principal is an early round and 本届大赛由…主办 names organizers.

    Example: ``"…第八届“强网杯”全国网络安全挑战赛线上赛正式收官。"`` then
    ``"本届大赛由中央网信办…指导，…主办"`` → the competition ``第八届“强网杯”全国网络安全挑战赛``
    is an event of its own
    """
    if not parent or _stage(_key(principal.name)) != "open":
        return None
    kind = event_type_of(parent)
    for mention in mentions:
        if (
            mention.start > principal.start
            and mention.bare
            and mention.referenced
            and mention.organized
            and event_type_of(mention.name) == kind
        ):
            return replace(mention, name=parent, cue="held", context_parent=None)
    return None


def title_followups(doc: Doc, principal: Mention) -> list[Mention]:
    """Announced events in later headline clauses (``…线上初赛收官,线下决赛即将打响``).

    A clause naming a bare round borrows the edition and brand of the headline's first name.
    Example: ``"第八届“强网杯”线上初赛收官,线下决赛即将打响"`` → upcoming ``第八届“强网杯”线下决赛``
    """
    if not genuine_title(doc):
        return []
    title, simple = doc.article.title, doc.title_simple
    brand = re.match(r"(?:第[^届]{1,4}届)?“[^”]{1,12}”", simple)
    found = []
    position = 0
    for segment in _TITLE_SPLIT.split(simple):
        offset = simple.find(segment, position)
        position = offset + len(segment)
        for start, end in name_spans(simple, offset, offset + len(segment)):
            if start == 0 or not re.match(r"\s*(?:即将|将于|将在)", simple[end : offset + len(segment)]):
                continue
            name = clean_name(title[start:end])
            if brand and not simplified(name).startswith(brand.group()):
                name = title[: brand.end()] + name
            if same_event(name, principal.name):
                continue
            evidence = _sentence_with(doc, segment) or principal.sentence
            found.append(Mention(name, -1, -1, evidence, "upcoming", from_title=True))
    return found


def _sentence_with(doc: Doc, words: str) -> Evidence | None:
    for sentence in doc.sentences:
        if words in doc.simple[sentence.start : sentence.end]:
            return sentence
    return None


def _is_parent_of(mention: Mention, chosen: list[tuple[Mention, str | None]]) -> bool:
    return any(parent and same_event(parent, mention.name) for _, parent in chosen)


def _principal(doc: Doc, mentions: list[Mention]) -> Mention | None:
    in_lead = [mention for mention in mentions if mention.sentence.start < lead_limit(doc)]
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
    # a gathering only referred to (本届X大会中, 在X上, 出席X) is the subject only when the headline names it
    weak = [
        mention
        for mention in in_lead
        if mention.cue in ("this", "in", "attend") and not mention.bare and _in_headline(doc, mention)
    ]
    if weak:
        return weak[0]
    latin = latin_mentions(doc, hi=lead_limit(doc))
    return latin[0] if latin else None


def _in_headline(doc: Doc, mention: Mention) -> bool:
    """Whether the headline names the event: its name without the final event word, or its alias.

    Example: ``"XCon2024大会"`` is named by the headline ``"XCon2024议题||影子缓存：…"``;
    ``"第十届互联网安全大会（ISC 2022）"`` by ``"…亮相ISC 2022"``
    """
    headline = _key(doc.article.title)
    core = _key(mention.name)
    for word in ("大会", "论坛", "峰会", "会议", "直播", "活动"):
        core = core.removesuffix(word)
    alias = re.match(r"\s*[（(]([^）)]{2,30})[）)]", doc.simple[max(mention.end, 0) :])
    return (len(core) >= 3 and core in headline) or bool(alias and _key(alias[1]) in headline)


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


__all__ = ["Planned", "genuine_title", "plan_events", "same_event", "title_mention"]
