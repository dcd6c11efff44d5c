"""The extractor's fast paths give the same answers as the plain rules they replace (issue 7).

Each test keeps the plain version of a rule here, as it was written before the speed-up, and
checks on random texts over the characters that matter that both agree.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.extract.event_names import _anchor, event_words, name_spans, sentences_with_event_words
from builder.extract.names import (
    DOTTED_NAME,
    GIVEN_NAME_CHARS,
    HAN,
    NOT_IN_NAME,
    _alternation,
    _long_follower_at,
    follower_words,
    leading_title_pattern,
    name_start_pattern,
    org_suffixes,
    read_name,
    title_pattern,
    title_run_pattern,
)
from builder.extract.people import BYLINE_GROUP, CLAUSE_REACH, HARD_STOP, LEAD_IN, _clause_start
from builder.extract.text import _SENTENCE_END, sentences
from builder.extract.wordsets import WordSet
from builder.lexicons import load_lines
from builder.models import Evidence

#: characters of titles, names, stops, brackets and lead-ins, so random texts hit every branch
ALPHABET = "副总局长院士主任兼助理原党委书记教授王李张伟华作为报告由据邀请是了（）()，,。：:\n 、记者通讯员A1"
TEXTS = st.text(alphabet=st.sampled_from(ALPHABET), max_size=60)


def _plain_title_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The title patterns without the first-character lookahead."""
    modifiers = _alternation(load_lines("title_modifiers.txt"))
    bases = _alternation(load_lines("person_titles.txt"))
    one = rf"(?:(?:{modifiers})*(?:{bases})(?:助理)?)"
    return (
        re.compile(rf"{one}(?:兼?{one})*$"),
        re.compile(rf"{one}(?:兼?{one})*"),
        re.compile(rf"(?:{modifiers})*(?:{bases})"),
    )


def _spans(matches: object) -> list[tuple[int, int]]:
    return [match.span() for match in matches]  # type: ignore[attr-defined]


@settings(max_examples=300)
@given(TEXTS, st.integers(min_value=0, max_value=60))
def test_title_patterns_match_exactly_where_the_plain_alternations_do(text: str, position: int) -> None:
    plain_title, plain_run, plain_leading = _plain_title_patterns()
    assert _spans([title_pattern().search(text)] if title_pattern().search(text) else []) == _spans(
        [plain_title.search(text)] if plain_title.search(text) else []
    )
    assert _spans(title_run_pattern().finditer(text)) == _spans(plain_run.finditer(text))
    fast, plain = leading_title_pattern().match(text, position), plain_leading.match(text, position)
    assert (fast and fast.span()) == (plain and plain.span())


@settings(max_examples=300)
@given(TEXTS, st.integers(min_value=0, max_value=60))
def test_given_name_room_and_long_followers_agree_with_per_character_checks(text: str, start: int) -> None:
    plain_room = 0
    while (
        plain_room < 2
        and start + plain_room < len(text)
        and re.match(HAN, text[start + plain_room])
        and text[start + plain_room] not in NOT_IN_NAME
    ):
        plain_room += 1
    assert len(GIVEN_NAME_CHARS.match(text, start).group()) == plain_room
    plain_follower = any(len(word) >= 2 and text.startswith(word, start) for word in follower_words())
    assert _long_follower_at(text, start) == plain_follower


def _plain_clause_start(simple: str, name_start: int, floor: int) -> int:
    """``_clause_start`` as first written: every hard stop, byline and bracket scanned in turn."""
    start = max(floor, name_start - CLAUSE_REACH)
    for match in HARD_STOP.finditer(simple, start, name_start):
        start = match.end()
    lead = LEAD_IN.match(simple, start, name_start)
    start = lead.end() if lead else start
    for byline in BYLINE_GROUP.finditer(simple, start, name_start):
        start = byline.end()
    depth = 0
    for index in range(start, name_start):
        depth += {"（": 1, "(": 1, "）": -1, ")": -1}.get(simple[index], 0)
        if depth < 0:
            start, depth = index + 1, 0
    while start < name_start and simple[start] in " \u3000-•·*#>":
        start += 1
    if start == floor and simple.startswith(("以及", "与", "和", "及", "、"), start):
        start += 2 if simple.startswith("以及", start) else 1
    return start


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=120), st.data())
def test_clause_start_agrees_with_the_plain_scan(text: str, data: st.DataObject) -> None:
    name_start = data.draw(st.integers(min_value=0, max_value=len(text)))
    floor = data.draw(st.integers(min_value=0, max_value=name_start))
    assert _clause_start(text, name_start, floor) == _plain_clause_start(text, name_start, floor)


#: event words, stops and filler, so random texts hold names that end at and cross sentence ends
EVENT_ALPHABET = ["论坛", "分论坛", "大会", "峰会", "活动", "会议", "研讨会", "座谈", "会", "坛"]
EVENT_ALPHABET += ["网络安全", "在京举行", "。", "，", "\n", " ", "的"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(EVENT_ALPHABET), max_size=30))
def test_sentences_left_out_hold_no_event_name(pieces: list[str]) -> None:
    simple = "".join(pieces)
    every = tuple(sentences(simple))
    for some in (every, every[1:], every[1:-1]):
        kept = sentences_with_event_words(simple, some)
        assert [sentence for sentence in some if name_spans(simple, sentence.start, sentence.end)] == [
            sentence for sentence in kept if name_spans(simple, sentence.start, sentence.end)
        ]
    plain_anchor = re.compile(r"(?:" + "|".join(map(re.escape, event_words())) + r")(?:活动)?")
    assert _spans(_anchor().finditer(simple)) == _spans(plain_anchor.finditer(simple))


@settings(max_examples=300)
@given(TEXTS, st.integers(min_value=0, max_value=70))
def test_word_sets_answer_like_startswith_and_endswith(text: str, position: int) -> None:
    for words in (follower_words(), org_suffixes(), ("作为", "在", "院士", "A")):
        word_set = WordSet(words)
        assert word_set.starts_at(text, position) == text.startswith(words, position)
        assert word_set.ends(text[:position]) == text[:position].endswith(words)


#: family names (single and compound), given-name characters, characters never in a name, a dot
NAME_ALPHABET = "王李张欧阳司马上官伟华明的了在是·A，"


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(NAME_ALPHABET), max_size=20))
def test_name_start_pattern_keeps_every_position_where_a_name_is_read(text: str) -> None:
    kept = {match.start() for match in name_start_pattern().finditer(text)}
    for position in range(len(text)):
        if read_name(text, position) is not None and not DOTTED_NAME.match(text, position):
            assert position in kept


def _plain_sentences(text: str) -> list[Evidence]:
    """``sentences`` as first written: the spans between sentence ends, each stripped."""
    found, start = [], 0
    ends = [
        (match.end() if not match.group().startswith("\n") else match.start(), match.end())
        for match in _SENTENCE_END.finditer(text)
    ]
    for end, next_start in [*ends, (len(text), len(text))]:
        piece = text[start:end]
        if piece.strip():
            offset = start + (len(piece) - len(piece.lstrip()))
            found.append(Evidence(piece.strip(), offset, offset + len(piece.strip())))
        start = next_start
    return found


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("论坛。！？!?；;”’」』)）\n \u3000\r\t"), max_size=40))
def test_sentences_are_the_stripped_spans_between_sentence_ends(text: str) -> None:
    assert list(sentences(text)) == _plain_sentences(text)
