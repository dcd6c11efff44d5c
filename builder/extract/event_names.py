"""Event names in running text: where a name ends (an event word) and where it starts.

All functions read the simplified matching copy of the text; spans index both copies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from builder.extract.chinese import simplified
from builder.extract.places import first_city
from builder.lexicons import load_lines, load_mapping
from builder.models import Evidence

#: characters an event name may contain
_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9“”\"「」『』‘’《》·•—\-–()（）&+'._/]")
#: words that cannot be inside a name: the name starts after the last of them
_STOPS = re.compile(
    r"的|(?<![存正所现实])在(?!线)|(?<![关基属对用等])于|(?<![路自理缘])由|是|(?<![作成称认])为|被|将|(?<![面])向|至|"
    r"(?:出席|参加|参与|亮相|举行|举办|主办|承办|协办|召开|开幕|启动|开展|组织)了?|"
    r"期间|之际|作为|通过|本届|本次|此次|这次|今年|近日|日前|届时|(?<![资通视腾简快喜])讯|(?<=日)电|获悉|记者|\d+日|[上下]午|晚上|当天|"
    r"分别|以及|及|和(?=[“\"])|、"
)
#: words after an event word that make it a modifier, not the end of a name (大会组委会, 论坛期间 are fine)
_NOT_END = re.compile(
    r"组委会|秘书处|官网|主席|成员|赛道|赛题|议题|平台|中心|室|纪要|精神|服务|专区|系统|展览|大厅|厅"
)
#: words after 直播 that make it a notice about a stream (直播预告, 直播回放), not a name's end
_NOT_STREAM_END = re.compile(r"预告|回放|间|平台|链接|入口")
#: English event words → event type (a brand with a year is a conference)
LATIN_TYPES = {
    "Conference": "conference", "Summit": "summit", "Forum": "forum", "Workshop": "seminar",
    "Symposium": "conference", "Congress": "conference", "Expo": "exhibition", "Hackathon": "competition",
    "CTF": "competition",
}  # fmt: skip
_QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’", "(": ")", "（": "）"}


@cache
def event_words() -> dict[str, str]:
    """Event word → event type, longest first."""
    return dict(sorted(load_mapping("event_types.tsv").items(), key=lambda item: -len(item[0])))


@cache
def _anchor() -> re.Pattern[str]:
    """An event word (and 活动 after it); the lookahead of first characters skips other positions at once."""
    words = "|".join(map(re.escape, event_words()))
    first = re.escape("".join(sorted({word[0] for word in event_words()})))
    return re.compile(r"(?=[" + first + r"])(?:" + words + r")(?:活动)?")


def sentences_with_event_words(simple: str, sentences: Sequence[Evidence]) -> list[Evidence]:
    """The sentences that an event word overlaps, found with one scan of the text they span.

    ``name_spans`` of any other sentence is empty (every name ends in an event word inside it), so
    callers skip those instead of scanning each sentence on its own.

    Example: in ``"会议在京举行。天气晴。"`` only the first sentence is kept.
    """
    if not sentences:
        return []
    # a scan from the first sentence's start finds every word that lies inside one of the sentences
    words = [match.span() for match in _anchor().finditer(simple, sentences[0].start, sentences[-1].end)]
    kept = []
    index = 0
    for sentence in sentences:
        # words and sentences are both in text order and do not overlap among themselves
        while index < len(words) and words[index][1] <= sentence.start:
            index += 1
        if index < len(words) and words[index][0] < sentence.end:
            kept.append(sentence)
    return kept


def event_type_of(name: str) -> str:
    """The contract event type of a (simplified) name: its first part's last event word.

    Example: ``"2017年“湖湘杯”网络安全技能大赛决赛暨颁奖仪式"`` → ``"competition"``;
    ``"2023年嘉定区网络安全应急演练活动"`` → ``"exercise"``
    """
    head = first_part(simplified(name)).rstrip('”」』’"）) ')
    latin = re.search(r"(" + "|".join(LATIN_TYPES) + r")\W*\d*$", head)
    if latin:
        return LATIN_TYPES[latin[1]]
    if re.fullmatch(r"[A-Za-z][A-Za-z&\-\s]*\s?\d{1,4}", head):
        return "conference"
    if head.endswith("活动") and not head.endswith(("研讨活动", "交流活动")):
        head = head[:-2]
    for word, kind in event_words().items():
        if head.endswith(word):
            return kind
    for word, kind in event_words().items():
        if word in head:
            return kind
    return "other"


def first_part(name: str) -> str:
    """The part of an ``A暨B`` name before 暨, when that part is itself an event.

    Example: ``"首届论坛暨第一届国际峰会"`` → ``"首届论坛"``; ``"辽宁省暨沈阳市网络安全宣传周"`` unchanged
    """
    head, sep, _ = name.partition("暨")
    if sep and ends_with_event_word(head):
        return head
    return name


def ends_with_event_word(text: str) -> bool:
    """Whether ``text`` (closing quotes ignored) ends with an event word."""
    text = simplified(text).rstrip('”」』’"）) ')
    if text.endswith("活动"):
        text = text[:-2] or text
    return any(text.endswith(word) for word in event_words())


def _balance(text: str) -> int:
    """Open quotes or brackets minus closed ones."""
    depth = 0
    for char in text:
        if char in _QUOTE_PAIRS:
            depth += 1
        elif char in _QUOTE_PAIRS.values():
            depth -= 1
    return depth


def _start_of_name(simple: str, anchor_start: int, floor: int) -> int:
    """Walk left from an event word over name characters, then cut after the last stop word."""
    position = anchor_start
    while position > floor:
        char = simple[position - 1]
        if _NAME_CHAR.match(char):
            position -= 1
            continue
        if (
            char == " "
            and position - 2 >= floor
            and (
                simple[position - 2].isascii()
                and simple[position - 2].isalnum()
                or simple[position].isascii()
                and simple[position].isalnum()
            )
        ):
            position -= 1
            continue
        break
    segment = simple[position:anchor_start]
    cut = 0
    for match in _STOPS.finditer(segment):
        if _balance(segment[: match.start()]) <= 0:
            cut = match.end()
    for match in re.finditer(r"——", segment):
        before = segment[cut : match.start()]
        if match.start() >= cut and not ends_with_event_word(before):
            cut = match.end()
    start = position + cut
    depth = 0
    for index in range(start, anchor_start):
        # a closing bracket without its opening one ends a byline, as in "(记者张璁、陈然)香港首届…"
        if simple[index] in "(（":
            depth += 1
        elif simple[index] in ")）":
            depth -= 1
            if depth < 0:
                start, depth = index + 1, 0
    leading = re.match(r"\s*(?:\([^()]*\)|（[^（）]*）)\s*", simple[start:anchor_start])
    if leading:
        start += leading.end()
    while start < anchor_start and simple[start] in " —-–·•)）”」』’,，:：|｜#":
        start += 1
    return start


def is_non_event(name: str) -> bool:
    """Whether a name is a gathering outside the dataset (``lexicons/non_events.txt``).

    Example: ``"2024年第一次临时股东大会"`` → True; ``"2024网络安全大会"`` → False
    """
    simple = simplified(name).rstrip('”」』’"）) ')
    return simple.endswith(tuple(load_lines("non_events.txt")))


def is_platform(name: str) -> bool:
    """Whether a name starts with a meeting or streaming platform (``lexicons/platforms.txt``).

    Example: ``"腾讯会议线上直播"`` → True (the medium of ``云原生安全线上研讨会``, not an event)
    """
    return simplified(name).startswith(tuple(load_lines("platforms.txt")))


def name_spans(simple: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans of event names inside ``simple[lo:hi]``; a name that ends inside a longer one is dropped.

    Example: in ``"12月7日，第八届“一带一路”园区建设国际合作峰会首次网络安全国际合作专题论坛在北京举行。"``
    → the span of ``第八届“一带一路”园区建设国际合作峰会首次网络安全国际合作专题论坛``
    """
    spans: list[tuple[int, int]] = []
    for match in _anchor().finditer(simple, lo, hi):
        end = match.end()
        if _NOT_END.match(simple, end) or (match.group() == "直播" and _NOT_STREAM_END.match(simple, end)):
            continue
        start = _start_of_name(simple, match.start(), lo)
        if _balance(simple[start:end]) > 0 and end < hi and simple[end] in "”」』’)）":
            end += 1
        if end - start < 2 or is_non_event(simple[start:end]) or is_platform(simple[start:end]):
            continue
        spans.append((start, end))
    kept = []
    for start, end in spans:
        longer = any(
            other_start <= start
            and other_end > end
            and _NAME_CHAR.match(simple[end] if end < hi else " ")
            and all(_NAME_CHAR.match(char) or char == " " for char in simple[end:other_end])
            for other_start, other_end in spans
        )
        if not longer:
            kept.append((start, end))
    return kept


def clean_name(name: str) -> str:
    """Drop wrapping quotes, a first-time adverb between a parent and a sub-event, and outer spaces.

    Example: ``"“RISC-V与AI融合发展分论坛”"`` → ``"RISC-V与AI融合发展分论坛"``;
    ``"第八届“一带一路”园区建设国际合作峰会首次网络安全国际合作专题论坛"`` →
    ``"第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛"``
    """
    name = name.strip()
    simple = simplified(name)
    for opening, closing in (("“", "”"), ("「", "」"), ('"', '"'), ("『", "』")):
        inner = name[1:-1]
        if (
            name.startswith(opening)
            and name.endswith(closing)
            and opening not in inner
            and closing not in inner
        ):
            name, simple = inner.strip(), simplified(inner.strip())
    for adverb in load_lines("name_fillers.txt"):
        index = simple.find(adverb)
        if index > 0 and ends_with_event_word(simple[:index]):
            name = name[:index] + name[index + len(adverb) :]
            simple = simple[:index] + simple[index + len(adverb) :]
    return name


def _place_and_word(text: str) -> bool:
    """Whether ``text`` is only a place and an event word (乌镇峰会): a name's tail, not a sub-event."""
    for word in event_words():
        if text.endswith(word):
            return first_city(text[: -len(word)]) is not None and len(text) - len(word) <= 3
    return False


def parent_prefix(name: str) -> str | None:
    """The longest proper prefix of a name that is itself an event (its parent).

    Example: ``"2024国家网络安全宣传周——香港分论坛"`` → ``"2024国家网络安全宣传周"``;
    ``"第十七届全国大学生信息安全竞赛——创新实践能力赛决赛"`` →
    ``"第十七届全国大学生信息安全竞赛——创新实践能力赛"``
    """
    simple = simplified(name)
    head = first_part(simple)
    best = None
    for match in _anchor().finditer(head):
        end = match.end()
        while end < len(head) and head[end] in "”」』’)）" and _balance(head[:end]) > 0:
            end += 1
        rest = head[end:].strip(' —-·“”"')
        if end < len(head) and rest and ends_with_event_word(head) and not _place_and_word(rest):
            best = name[:end].rstrip(" —-·")
    if best and _balance(best) != 0:
        return None
    return best
