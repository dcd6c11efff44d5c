"""Participants of one event: who is named, in which role, with affiliation, position and talk title."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from builder.extract.chinese import simplified
from builder.extract.names import (
    GAP,
    HAN,
    HAN_CHAR,
    LATIN_NAME,
    NOT_IN_NAME,
    description_after,
    follower_set,
    leading_title_pattern,
    name_start_pattern,
    non_names,
    org_suffix_set,
    read_name,
    split_affiliation,
    title_pattern,
    title_run_pattern,
)
from builder.extract.roles import best_role, roles_in
from builder.extract.talks import talk_title
from builder.extract.text import sentence_at
from builder.lexicons import load_lines
from builder.models import Article, Participant

#: a clause ends here; the words before a name never reach back past one of these
HARD_STOP = re.compile(r"[，,。；;：:！？!?\n“”\"｜|]")
#: everything up to and including the last hard stop (``HARD_STOP`` searched from the right)
_LAST_HARD_STOP = re.compile(r"(?s:.*)" + HARD_STOP.pattern)
#: a bracket: only a text with one can hold a byline group or close a bracket opened earlier
_BRACKET = re.compile(r"[（()）]")
#: a sentence ends here; the words after a name that carry its role stop at one of these
SENTENCE_STOP = re.compile(r"[。；;！？!?\n]")
#: what may stand between two names of one list (、，以及 和)
LIST_GAP = " ，,、和及与以\u3000"
#: what may open a line before a name: bullets, numbering, table bars
BULLETS = " \u3000•·-*#>|｜0123456789.、)）"
#: a role written as a key before names: 主持人：张三 / 演讲嘉宾：张三、李四
ROLE_KEY = re.compile(
    r"(?:主持人|主持|嘉宾|主讲人|报告人|主讲嘉宾|演讲人|演讲嘉宾|分享嘉宾|讲者|点评嘉宾|对话嘉宾|圆桌嘉宾|获奖者|获奖人)\s*[：:]"
    r"(?:[\u3400-\u9fff]{2,4}[、，, ]+)*\s*$"
)
#: words before a name that end in a Latin letter (an organization written in Latin letters)
_LATIN_LAST = re.compile(r"[A-Za-z]$")
#: what may follow a title written after a name for the name to count (王建华会长，/ 会长出席)
_AFTER_TITLE = re.compile(r"[\s，,、。；;）)等出在致主表指]|$")
#: a line this short before a caption is a heading whose cue the caption takes
HEADING_LENGTH = 20
#: a role noun right before a bare name: 主持人王小明, 嘉宾张三
ROLE_NOUNS = load_lines("role_nouns.txt")
#: what a bare name at the start of a clause may do to count as a participant: 李四致辞
ACTS = load_lines("participant_acts.txt")
#: a byline in brackets: (记者翟翔、余俊杰)
BYLINE_GROUP = re.compile(r"[（(][^（）()]*(?:记者|通讯员|编辑|摄影)[^（）()]*[）)]")
#: how far back (characters) the words describing a person may start
CLAUSE_REACH = 80
#: a clause ends here; a later bare mention of a name takes its role from its own clause only
CLAUSE_STOP = re.compile(r"[，,。；;！？!?\n“”]")
#: words that open a clause before a name and are not part of the affiliation
LEAD_IN = re.compile(
    r".*(?:由|据|邀请|邀|是|了|以及|包括|其中|来自|出席的有|参加的有|还有|随后|紧接着|此外|最后|同时|另外|然后|会上|期间)"
)
#: a name in Latin letters in brackets right after a Han name: 江明灶（MengChow Kang）
LATIN_IN_BRACKETS = re.compile(r"[（(]\s*([A-Za-z][A-Za-z .\-']+?)\s*[）)]")
#: the rest of a list of bare names closed by 等 + a people word: 谭晓生、郑文彬、方兴等嘉宾
NAME_LIST_REST = re.compile(r"(?:、[\u3400-\u9fff]{2,4}?)*?等(?:嘉宾|专家|学者|领导|同志|院士|教授|代表|人)")
#: an organizing role right after a candidate shows it is an organization (广州大学方班共同组织)
ORG_ROLE_WORDS = tuple(
    f"{joint}{role}"
    for joint in ("", "共同", "联合")
    for role in ("主办", "承办", "协办", "举办", "组织", "指导", "支持")
)
#: a name may not be one of these followed by 士/生/师 (刘女士, 王先生)
ADDRESS_WORDS = load_lines("address_words.txt")


@dataclass
class Mention:
    """One place where a person is named; offsets are relative to the event scope."""

    name_start: int
    name_end: int
    after: int
    affiliation: str | None = None
    position: str | None = None
    name_latin: str | None = None
    caption: bool = False
    roles: list[str] = field(default_factory=list)
    talk_title: str | None = None


@cache
def _latin_non_name_words() -> frozenset[str]:
    return frozenset(load_lines("latin_non_name_words.txt"))


@cache
def _byline_titles() -> tuple[str, ...]:
    return load_lines("non_person_titles.txt")


def _clause_start(simple: str, name_start: int, floor: int) -> int:
    """Where the words that describe a person begin: after the last hard stop and any lead-in."""
    start = max(floor, name_start - CLAUSE_REACH)
    last_stop = _LAST_HARD_STOP.match(simple, start, name_start)
    start = last_stop.end() if last_stop else start
    lead = LEAD_IN.match(simple, start, name_start)
    start = lead.end() if lead else start
    if _BRACKET.search(simple, start, name_start):
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


def _title_before(simple: str, clause_start: int, name_start: int) -> bool:
    words = simple[clause_start:name_start].rstrip(" \u3000\u00a0")
    if not words or words.endswith(_byline_titles()):
        return False
    return bool(title_pattern().search(words))


def _org_before(simple: str, clause_start: int, name_start: int) -> bool:
    words = simple[clause_start:name_start].rstrip(" \u3000\u00a0")
    return bool(words) and (org_suffix_set().ends(words) or bool(_LATIN_LAST.search(words)))


def _title_after(simple: str, end: int) -> int:
    """End of a title written right after the name (王建华会长), else ``end``."""
    match = leading_title_pattern().match(simple, end)
    return match.end() if match else end


def _is_caption(simple: str, clause_start: int, after: int) -> bool:
    """True when the mention fills its whole line (a photo caption or speaker line)."""
    line_start = simple.rfind("\n", 0, clause_start) + 1
    line_end = simple.find("\n", after)
    line_end = len(simple) if line_end < 0 else line_end
    before = simple[line_start:clause_start].strip(BULLETS)
    rest = simple[after:line_end].strip()
    return not before and len(rest) <= 3


def _han_mentions(simple: str) -> list[tuple[int, int]]:
    """(start, end) of every Han or dotted name that reads as a name where it stands."""
    starts = {match.start() for match in name_start_pattern().finditer(simple)}
    for dot in re.finditer("[·•・]", simple):
        starts.update(range(max(0, dot.start() - 6), dot.start()))
    spans: list[tuple[int, int]] = []
    for position in sorted(starts):
        end = read_name(simple, position)
        if end is None or simple.startswith(ADDRESS_WORDS, position + 1):
            continue
        if position > 0 and simple[position - 1].isascii() and simple[position - 1].isalnum():
            if not title_pattern().search(simple, max(0, position - 12), position):
                continue
        spans.append((position, end))
    return spans + _names_without_surname(simple, {start for start, _ in spans})


def _names_without_surname(simple: str, taken: set[int]) -> list[tuple[int, int]]:
    """Two-character names right after a title and closed by punctuation or 与/和 (负责人浅蓝与).

    Handles and rare family names the surname list does not know.
    """
    spans = []
    for title in title_run_pattern().finditer(simple):
        start = title.end()
        end = start + 2
        word = simple[start:end]
        if (
            start in taken
            or len(word) < 2
            or not all(HAN_CHAR.match(c) and c not in NOT_IN_NAME for c in word)
        ):
            continue
        if (
            word in non_names()
            or follower_set().starts_at(simple, start)
            or leading_title_pattern().match(simple, start)
        ):
            continue
        if end == len(simple) or re.match(r"[，,。；;、与和\s]", simple[end]):
            spans.append((start, end))
    return spans


def _accept(simple: str, start: int, end: int, clause: int) -> bool:
    """Whether the name candidate at ``start:end``, its clause starting at ``clause``, is a person."""
    before = simple[clause:start].rstrip(" \u3000\u00a0")
    if before.endswith(_byline_titles()):
        return False
    title_here = leading_title_pattern().match(simple, start)
    if title_here and title_here.end() > end:
        return False
    if simple.startswith(ORG_ROLE_WORDS, end):
        return False
    if _title_before(simple, clause, start) or before.endswith(ROLE_NOUNS):
        return True
    if (not before or before.endswith(("由", "请"))) and simple.startswith(ACTS, end):
        return True
    line_start = simple.rfind("\n", 0, start) + 1
    # a role key needs its colon: most lines have none, and the key's search is costly
    has_colon = simple.find("：", line_start, start) >= 0 or simple.find(":", line_start, start) >= 0
    if (has_colon and ROLE_KEY.search(simple, line_start, start)) or description_after(simple, start, end):
        return True
    after_title = _title_after(simple, end)
    open_left = not before or not HAN_CHAR.match(before[-1]) or _org_before(simple, clause, start)
    if open_left and after_title > end and _AFTER_TITLE.match(simple[after_title : after_title + 1]):
        return True
    if (
        _org_before(simple, clause, start)
        and follower_set().starts_at(simple, end)
        and not simple.startswith(("的", "和", "与", "及", "等"), end)
    ):
        return True
    return False


def _latin_mentions(simple: str) -> list[tuple[int, int]]:
    """Latin names introduced by a title (主席 Susan Hares) or followed by what a speaker does."""
    spans = []
    for match in LATIN_NAME.finditer(simple):
        start, end = match.span()
        if start > 0 and re.match(r"[A-Za-z0-9]", simple[start - 1]):
            continue
        if start > 0 and simple[start - 1] in "（(":
            continue
        before = simple[max(0, start - 20) : start].rstrip(" \u3000\u00a0")
        rest = simple[end:].lstrip(" \u3000\u00a0")
        titled = bool(before) and bool(title_pattern().search(before))
        if not re.match(r"[A-Z][a-z]", match.group()) or leading_title_pattern().match(rest):
            continue
        acting = follower_set().starts_at(rest) and not rest.startswith(("的", "和", "与", "及", "等", "所"))
        if set(match.group().split()) & _latin_non_name_words():
            continue
        if titled or acting:
            spans.append((start, end))
    return spans


def _mentions(simple: str, original: str) -> list[Mention]:
    """Every accepted person mention in the scope, in text order."""
    candidates = sorted(set(_han_mentions(simple)) | set(_latin_mentions(simple)))
    mentions: list[Mention] = []
    known: set[str] = set()
    for start, end in candidates:
        floor = mentions[-1].after if mentions else 0
        if mentions and start < floor:
            continue
        clause = _clause_start(simple, start, floor)
        if _completes_title(simple, start, clause):
            continue
        name = simple[start:end]
        if (
            _accept(simple, start, end, clause)
            or _in_name_list(simple, start, end)
            or (LATIN_NAME.fullmatch(name) is not None)
        ):
            mention = _describe(simple, original, start, end, clause)
            if name in known and not _title_before(simple, clause, start):
                mention.affiliation = mention.position = None
            mentions.append(mention)
            known.add(name)
    return mentions


def _completes_title(simple: str, start: int, clause: int) -> bool:
    """True when the first character of a candidate ends a title instead (局长孙东 is not 长孙东)."""
    match = title_pattern().search(simple[clause : start + 1])
    return match is not None and match.end() == start + 1 - clause and match.start() < start - clause


def _in_name_list(simple: str, start: int, end: int) -> bool:
    """True for a bare name inside ``A、B、C等嘉宾``."""
    return bool(NAME_LIST_REST.match(simple, end)) and (start == 0 or simple[start - 1] in "、，,及和与\n ")


def _describe(simple: str, original: str, start: int, end: int, clause: int) -> Mention:
    """Affiliation, position and Latin name of the mention at ``start:end`` (clause from ``clause``)."""
    prefix_end = len(simple[:start].rstrip(" \u3000\u00a0"))
    for noun in ROLE_NOUNS:
        if simple.endswith(noun, clause, prefix_end):
            prefix_end -= len(noun)
            break
    prefix = simple[clause:prefix_end]
    after = end
    name_latin = None
    bracket = LATIN_IN_BRACKETS.match(simple, after)
    if bracket and re.search(HAN, simple[start:end]):
        name_latin = original[bracket.start(1) : bracket.end(1)]
        after = bracket.end()
    elif LATIN_NAME.fullmatch(simple[start:end]):
        name_latin = original[start:end]
    gap_end = GAP.match(simple, after).end()
    title_end = _title_after(simple, gap_end)
    affiliation, position = split_affiliation(prefix, original[clause:prefix_end])
    description = description_after(simple, start, after) if not prefix.strip() else None
    if description:
        affiliation, position = split_affiliation(simple[slice(*description)], original[slice(*description)])
        after = title_end = description[1]
    if affiliation:
        affiliation = affiliation.removesuffix("的").removeprefix("原").strip() or None
    if title_end == gap_end:
        title_end = after
    elif position is None:
        position = original[gap_end:title_end]
    after = max(after, title_end)
    return Mention(start, end, after, affiliation, position, name_latin, _is_caption(simple, clause, after))


def _assign_roles(
    simple: str, original: str, mentions: list[Mention], emphasis: list[tuple[int, int]]
) -> None:
    """Roles and talk title of each mention from the words after it, up to the next mention.

    Names in a list (``A，B，C……等参加论坛``) share the words after the last name of the list.
    """
    leads: list[str] = []
    for index, mention in enumerate(mentions):
        previous = mentions[index - 1] if index else None
        gap = (
            simple[previous.after : _clause_start(simple, mention.name_start, previous.after)]
            if previous
            else ""
        )
        joined = previous is not None and (
            (len(gap.strip(LIST_GAP)) <= 8 and "\n" not in gap)
            or (mention.caption and previous.caption and not gap.strip(BULLETS + "\n"))
        )
        leads.append(leads[-1] if joined else _lead_words(simple, mention))
    inherited_roles: list[str] = []
    inherited_title: str | None = None
    for index in range(len(mentions) - 1, -1, -1):
        mention = mentions[index]
        stop = SENTENCE_STOP.search(simple, mention.after)
        zone_end = stop.start() if stop else len(simple)
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        continues_list = following is not None and following.name_start <= zone_end
        if continues_list:
            zone_end = _clause_start(simple, following.name_start, mention.after)
        zone = simple[mention.after : zone_end]
        roles = roles_in(zone)
        title = talk_title(simple, original, mention.after, zone_end, emphasis)
        if continues_list and not roles and len(zone.strip(LIST_GAP)) <= 8:
            roles, title = list(inherited_roles), title or inherited_title
        if not roles:
            roles = roles_in(leads[index])
        if not roles and title:
            roles = ["speaker"]
        mention.roles, mention.talk_title = roles, title
        inherited_roles, inherited_title = roles, title


def _lead_words(simple: str, mention: Mention) -> str:
    """Words before the mention in its sentence, or a short heading line before a caption
    (主持人：, 演讲嘉宾, 🎤 重磅分享)."""
    sentence_start = max(simple.rfind(ch, 0, mention.name_start) for ch in "。；;！？!?\n") + 1
    if mention.caption:
        lines = [line.strip() for line in simple[: max(sentence_start - 1, 0)].split("\n") if line.strip()]
        return lines[-1] if lines and len(lines[-1]) <= HEADING_LENGTH else ""
    words = simple[sentence_start : mention.name_start]
    clause_start = max(words.rfind(ch) for ch in "，,") + 1
    return words[clause_start:][-40:]


def find_participants(article: Article, start: int, end: int) -> tuple[Participant, ...]:
    """Everyone named in ``article.text[start:end]`` in a participant role, in order of first mention.

    Example: ``**中国工程院院士吴世忠**的发言以**《共建“一带一路”网络空间命运共同体》**为题`` →
    ``Participant(name="吴世忠", role="speaker", affiliation="中国工程院", position="院士",
    talk_title="共建“一带一路”网络空间命运共同体")``
    """
    original = article.text[start:end]
    simple = simplified(original)
    emphasis = [(s - start, e - start) for s, e in article.emphasis if s >= start and e <= end]
    mentions = _mentions(simple, original)
    _assign_roles(simple, original, mentions, emphasis)
    people: dict[str, list[Mention]] = {}
    for mention in mentions:
        people.setdefault(simple[mention.name_start : mention.name_end], []).append(mention)
    _add_bare_mentions(simple, people)
    records = []
    for group in people.values():
        record = _participant(article, start, original, group)
        if record is not None:
            records.append(record)
    return tuple(records)


def _add_bare_mentions(simple: str, people: dict[str, list[Mention]]) -> None:
    """Roles from later bare mentions of a known name (``杨海军指出``)."""
    taken = {(m.name_start, m.name_end) for group in people.values() for m in group}
    for name, group in people.items():
        for match in re.finditer(re.escape(name), simple):
            if (match.start(), match.end()) in taken or any(s <= match.start() < e for s, e in taken):
                continue
            if match.start() > 0 and HAN_CHAR.match(simple[match.start() - 1]):
                continue
            stop = CLAUSE_STOP.search(simple, match.end())
            zone = simple[match.end() : stop.start() if stop else len(simple)]
            roles = roles_in(zone[:20])
            if roles:
                group.append(Mention(match.start(), match.end(), match.end(), roles=roles))


def _participant(article: Article, offset: int, original: str, group: list[Mention]) -> Participant | None:
    """One participant record from all mentions of one person; None when no role is known."""
    role = best_role([role for mention in group for role in mention.roles])
    if role is None:
        if not any(mention.caption for mention in group):
            return None
        role = "guest"
    described = next((m for m in group if m.affiliation), None) or next(
        (m for m in group if m.position), group[0]
    )
    first = group[0]
    evidence = sentence_at(article.text, offset + first.name_start)
    return Participant(
        name=original[first.name_start : first.name_end],
        role=role,
        evidence=evidence,
        name_latin=next((m.name_latin for m in group if m.name_latin), None),
        affiliation=described.affiliation,
        position=described.position,
        talk_title=next((m.talk_title for m in group if m.talk_title), None),
    )
