"""Person names and the titles around them: where a name starts and ends, and how the words before
it split into affiliation and position. All functions read the simplified copy of the text."""

from __future__ import annotations

import re
from functools import cache

from builder.extract.wordsets import WordSet
from builder.lexicons import load_lines, load_mapping

#: characters that never occur inside a Chinese given name (function words, title fragments)
NOT_IN_NAME = frozenset("的了是在和与及等为对就也还并从以副总原各位名个们这那其之所将于被把给着过月日时")
#: characters that end a clause word rather than a three-character name (杨华则在, 石伟就)
NOT_LAST_IN_NAME = frozenset("则在就对向与和及也还又并说称等曾将已共")
#: a run of Han characters
HAN = r"[\u3400-\u9fff]"
HAN_CHAR = re.compile(HAN)
#: up to two characters that may form a given name: Han characters not in ``NOT_IN_NAME``
GIVEN_NAME_CHARS = re.compile("(?:(?![" + re.escape("".join(sorted(NOT_IN_NAME))) + "])" + HAN + "){0,2}")
#: a name written in Latin letters: two or three capitalized words (MengChow Kang, Edward HUMPHREYS)
LATIN_NAME = re.compile(r"[A-Z][A-Za-z\-']+(?: [A-Z][A-Za-z\-']+){1,2}")
#: a transliterated foreign name with the middle dot (爱德华·汉弗莱斯)
DOTTED_NAME = re.compile(rf"{HAN}{{1,6}}(?:[·•・]{HAN}{{1,8}})+")
#: text that may separate a title from the name (a space or two in captions)
GAP = re.compile(r"[ \u3000\u00a0]*")

#: a description in brackets after a name: 张三（北京大学教授）
BRACKETED = re.compile(r"[（(]([^（）()\n]{2,40})[）)]")
#: a description after a name that opens a line: • 张三，北京大学教授 / 张三 | 北京大学 教授
LINE_DESCRIPTION = re.compile(r"(?:[，,：:｜|—\-]|\s)+([^\n。；;]{2,60}?)[\s|｜。；;]*(?:\n|$)")
#: what may open a line before a name (bullets, numbering)
LINE_OPENING = re.compile(r"^[\s•·\-*#>|｜\d.、)）]*$")


@cache
def surnames() -> tuple[str, ...]:
    """Family names, compound ones first."""
    return tuple(sorted(load_lines("surnames.txt"), key=len, reverse=True))


@cache
def _surname_set() -> frozenset[str]:
    return frozenset(surnames())


@cache
def name_start_pattern() -> re.Pattern[str]:
    """Matches (empty) where a family name and a given-name character begin: a filter before ``read_name``.

    It mirrors ``_surname_at`` (a compound family name wins when it fits), so ``read_name`` is
    None wherever it does not match, except for names with a middle dot (``DOTTED_NAME``).

    Example: matches at 石 in ``"局长石伟就"``; not at 王 in ``"王的"`` (的 is never in a name)
    """
    compound = _alternation(tuple(name for name in surnames() if len(name) == 2))
    single = re.escape("".join(sorted(name for name in surnames() if len(name) == 1)))
    first = re.escape("".join(sorted({name[0] for name in surnames()})))
    given = "(?![" + re.escape("".join(sorted(NOT_IN_NAME))) + "])" + HAN
    return re.compile(f"(?=[{first}])(?=(?:{compound}){given}|(?!{compound})[{single}]{given})")


def _surname_at(text: str, start: int) -> str | None:
    """The family name starting at ``start`` (a compound one when it fits), else None."""
    for length in (2, 1):
        if text[start : start + length] in _surname_set():
            return text[start : start + length]
    return None


@cache
def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _starts_with_one_of(words: tuple[str, ...]) -> str:
    """A lookahead for the first characters of ``words``: the regex engine then skips, in one step,
    every position where none of them can start, instead of trying each word of a long alternation.

    Example: ``_starts_with_one_of(("局长", "院士"))`` → ``"(?=[局院])"``
    """
    return "(?=[" + re.escape("".join(sorted({word[0] for word in words}))) + "])"


@cache
def title_pattern() -> re.Pattern[str]:
    """One or more titles joined by 兼, anchored at the end of the text before a name.

    Example: ``"公安部十一局原副局长"`` matches ``"原副局长"``; ``"党总支副书记兼副院长"`` matches all of it.
    """
    modifier_words, base_words = load_lines("title_modifiers.txt"), load_lines("person_titles.txt")
    modifiers, bases = _alternation(modifier_words), _alternation(base_words)
    one = rf"(?:(?:{modifiers})*(?:{bases})(?:助理)?)"
    return re.compile(rf"{_starts_with_one_of(modifier_words + base_words)}{one}(?:兼?{one})*$")


@cache
def title_run_pattern() -> re.Pattern[str]:
    """``title_pattern`` without the end anchor, to find titles anywhere in a text."""
    return re.compile(title_pattern().pattern.removesuffix("$"))


@cache
def leading_title_pattern() -> re.Pattern[str]:
    """Titles right after a name (王建华会长, 李昕副教授, 刘礼才副处长)."""
    modifier_words, base_words = load_lines("title_modifiers.txt"), load_lines("person_titles.txt")
    modifiers, bases = _alternation(modifier_words), _alternation(base_words)
    return re.compile(rf"{_starts_with_one_of(modifier_words + base_words)}(?:{modifiers})*(?:{bases})")


@cache
def follower_words() -> tuple[str, ...]:
    """Words that may directly follow a name: followers, titles and role cues, longest first."""
    words = set(load_lines("name_followers.txt")) | set(load_lines("person_titles.txt"))
    words |= set(load_mapping("person_role_cues.tsv"))
    return tuple(sorted(words, key=len, reverse=True))


@cache
def follower_set() -> WordSet:
    """``follower_words`` for fast tests at a position."""
    return WordSet(follower_words())


@cache
def non_names() -> frozenset[str]:
    """Words that look like names but are not."""
    return frozenset(load_lines("non_names.txt"))


def _is_boundary(text: str, pos: int) -> bool:
    """True when a name may end at ``pos``: end of text, punctuation, space or a follower word."""
    if pos >= len(text):
        return True
    char = text[pos]
    if not HAN_CHAR.match(char) and not char.isalnum():
        return True
    if char.isascii() and char.isalnum():
        return True
    return follower_set().starts_at(text, pos) or bool(leading_title_pattern().match(text, pos))


def _strong_boundary(text: str, pos: int) -> bool:
    return pos >= len(text) or (not HAN_CHAR.match(text[pos]) and not text[pos].isalnum())


def read_name(text: str, start: int) -> int | None:
    """End of the Chinese name that starts at ``start``, or None when no name starts there.

    A family name takes one or two given-name characters; where the name ends is decided by what
    follows: punctuation first, then a follower word (title, role cue, 在, 表示 ...).

    Example: ``read_name("副县长、公安局长石伟就2022年", 8)`` → ``10`` (``石伟``)
    """
    dotted = DOTTED_NAME.match(text, start)
    if dotted:
        last_dot = max(text.rfind(dot, start, dotted.end()) for dot in "·•・")
        for end in range(last_dot + 3, dotted.end() + 1):
            if _is_boundary(text, end):
                return end
        return dotted.end()
    surname = _surname_at(text, start)
    if surname is None:
        return None
    given_start = start + len(surname)
    given_room = GIVEN_NAME_CHARS.match(text, given_start).end() - given_start
    if not given_room:
        return None
    candidates = [
        end
        for end in (given_start + 2, given_start + 1)
        if end - given_start <= given_room
        and text[start:end] not in non_names()
        and not (end - given_start == 2 and text[end - 1] in NOT_LAST_IN_NAME)
    ]
    for test in (_strong_boundary, _is_boundary):
        for end in candidates:
            if test(text, end):
                # 陶伟作为, 王强作报告: a two-character follower starting right after the shorter name
                shorter = given_start + 1
                if end > shorter and shorter in candidates and _long_follower_at(text, shorter):
                    return shorter
                return end
    return None


@cache
def _long_followers() -> WordSet:
    """The follower words of two or more characters."""
    return WordSet(word for word in follower_words() if len(word) >= 2)


def _long_follower_at(text: str, pos: int) -> bool:
    """Whether a follower word of two or more characters starts at ``pos`` (作为, 作报告)."""
    return _long_followers().starts_at(text, pos)


def split_org_title(piece: str) -> tuple[str, str]:
    """Split one 、-separated piece into (organization, titles).

    A few words between the organization's suffix and the title belong to the title.

    Example: ``"公安部十一局原副局长"`` → ``("公安部十一局", "原副局长")``;
    ``"ZDNS 副主任"`` → ``("ZDNS", "副主任")``; ``"小米集团安全工程师"`` → ``("小米集团", "安全工程师")``
    """
    match = title_pattern().search(piece)
    if not match:
        return piece.strip(), ""
    organization = piece[: match.start()].rstrip(" \u3000|｜")
    cut = max(
        (
            organization.rfind(suffix) + len(suffix)
            for suffix in org_suffixes()
            if len(suffix) > 1 and suffix in organization
        ),
        default=-1,
    )
    tail = organization[cut:] if cut > 0 else ""
    if tail.startswith("的"):
        return organization[:cut].strip(), match.group()
    if (
        tail
        and len(tail) <= 6
        and re.fullmatch(rf"{HAN}+", tail)
        and not tail.startswith(("党", "原", "前"))
        and not tail.endswith(org_suffixes())
    ):
        return organization[:cut].strip(), piece[len(organization) - len(tail) :].strip()
    return organization.strip(), match.group()


def _looks_like_title_remainder(remainder: str) -> bool:
    """A short Han-only remainder before a title is part of the title (国家级教学名师, 公安局长),
    and so is a party unit of the organization already named (党委宣传部部长)."""
    if remainder.startswith(("党委", "党组", "党总支", "党工委")):
        return True
    return (
        bool(remainder)
        and len(remainder) <= 5
        and re.fullmatch(rf"{HAN}+", remainder) is not None
        and not (remainder.endswith(org_suffixes()))
    )


@cache
def org_suffixes() -> tuple[str, ...]:
    """Words an organization name ends with (公司, 大学, 局 ...)."""
    return tuple(sorted(load_lines("org_suffixes.txt"), key=len, reverse=True))


@cache
def org_suffix_set() -> WordSet:
    """``org_suffixes`` for fast tests of a text's end."""
    return WordSet(org_suffixes())


def split_affiliation(prefix: str, original: str) -> tuple[str | None, str | None]:
    """Affiliation and position from the words before a name (``prefix`` simplified, ``original`` as written).

    Titles several 、-separated pieces long stay together; with several organization + title pairs
    the pair nearest the name wins.

    Example: ``"MANRS 指导委员会成员、ZDNS 副主任、首席科学家"`` → ``("ZDNS", "副主任、首席科学家")``
    """
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer("、", prefix):
        pieces.append((start, match.start()))
        start = match.end()
    pieces.append((start, len(prefix)))
    titles_start: int | None = None
    affiliation: str | None = None
    for index in range(len(pieces) - 1, -1, -1):
        begin, end = pieces[index]
        organization, title = split_org_title(prefix[begin:end])
        if not title:
            break
        has_title_before = index > 0 and bool(
            split_org_title(prefix[pieces[index - 1][0] : pieces[index - 1][1]])[1]
        )
        if organization and _looks_like_title_remainder(organization) and has_title_before:
            titles_start = begin + (len(prefix[begin:end]) - len(prefix[begin:end].lstrip()))
            continue
        titles_start = end - len(title)
        if organization:
            org_start = begin + (len(prefix[begin:end]) - len(prefix[begin:end].lstrip()))
            affiliation = original[org_start : org_start + len(organization)].strip()
            break
    if titles_start is None:
        begin, end = pieces[-1]
        text = original[begin:end].strip()
        return (text or None), None
    position = original[titles_start:].strip()
    return affiliation or None, position or None


def description_after(simple: str, start: int, end: int) -> tuple[int, int] | None:
    """Span of a description that follows the name and ends with a title, else None.

    Example: ``"• 张三，北京大学网络空间安全学院教授"`` → the span of ``北京大学网络空间安全学院教授``
    """
    match = BRACKETED.match(simple, end)
    if match is None:
        line_start = simple.rfind("\n", 0, start) + 1
        if not LINE_OPENING.match(simple[line_start:start]):
            return None
        match = LINE_DESCRIPTION.match(simple, end)
    if match is None or not title_pattern().search(match.group(1).rstrip()):
        return None
    return match.start(1), match.start(1) + len(match.group(1).rstrip())
