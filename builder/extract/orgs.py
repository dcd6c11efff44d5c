"""Organizations of one event and their organizing roles (主办, 联合主办, 承办, 协办, 支持, 指导 ...)."""

from __future__ import annotations

import re
from functools import cache

from builder.extract.chinese import simplified
from builder.extract.event_names import ends_with_event_word
from builder.extract.names import org_suffixes
from builder.extract.text import sentence_at
from builder.lexicons import load_lines, load_mapping
from builder.models import Article, Organization

#: a clause ends here; an organization list never reaches back past one of these
HARD_STOP = re.compile(r"[，,。；;：:！？!?\n]")
#: words that introduce the organizations of a role (由A主办, 得到A支持, 在A指导下, 以A名义举办)
INTRODUCER = re.compile(r".*?(?:由|得到了?|在|以)")
#: what may follow a role word when it names a role (主办，/ 主办的 / 指导下 / 支持单位 / 主办“…”)
ROLE_END = re.compile(r"$|[，,。、；;的\n）)“\"：:]|单位|下|了|此次|本次")
#: words that close a list without being part of its last name (等33个部门, 提供平台, 名义)
LIST_TAIL = re.compile(
    r"(?:等[\d一二三四五六七八九十百多余几]*[个家所]?(?:单位|部门|机构|企业)?|提供(?:平台|大力)?|共同|名义|大力|的|\s)+$"
)
#: a role word after these is an outcome or a noun (成功举办, 社会组织), not an organizing role
NOT_A_ROLE_BEFORE = load_lines("not_a_role_before.txt")
#: list separators; 和/及/与/联合 only split between two names that each look like an organization
SEPARATOR = re.compile(r"[、，,；;]|以及|及|和|与|联合|\s+")
#: an item starting with one of these is a description (各省网信办, 相关部门), not a name
GENERIC = load_lines("generic_starts.txt")
#: an abbreviation note after a name: (简称“中国信通院”), (网教盟)
ABBREVIATION = re.compile(r"[（(](?:简称[^）)]*|[^（）()]{1,4})[）)]$")
#: a list item holding one of these is not a name (由他们主办)
PRONOUN = re.compile(r"[我你他她它咱]|本|该|此|其")
#: a key-value line: 主办单位：A、B
KEY_VALUE = re.compile(
    r"^[\s•·\-*]*(?:[（(]?[一二三四五六七八九十\d]{1,2}[、.．）)]\s*)?"  # 三、主办单位：
    r"(?P<role>[\u4e00-\u9fff]{2,4}?)(?:单位|方|机构)?\s*[：:]\s*(?P<names>.+)$",
    re.M,
)


@cache
def _role_words() -> dict[str, str]:
    return load_mapping("org_roles.tsv")


@cache
def _role_pattern() -> re.Pattern[str]:
    words = sorted(_role_words(), key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in words))


def looks_like_org(name: str) -> bool:
    """True for a name that ends like an organization's or is written in Latin letters.

    Example: ``"中国对外经济贸易会计学会"`` → True; ``"大赛的成功"`` → False
    """
    bare = re.sub(r"[（(][^（）()]*[）)]$", "", name).strip()
    return bare.endswith(org_suffixes()) or bool(re.search(r"[A-Za-z]{2,}", bare))


def _split_items(simple: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each name in the list ``simple[start:end]``.

    Example: ``"国家互联网信息办公室、中国科学院"`` → two spans; ``"工业和信息化部新闻宣传中心"`` → one
    """
    items: list[tuple[int, int]] = []
    item_start = start
    for match in SEPARATOR.finditer(simple, start, end):
        left = simple[item_start : match.start()].strip()
        if match.group().strip() in ("以及", "及", "和", "与", "联合") and not looks_like_org(left):
            continue
        if match.group().isspace() and not (looks_like_org(left) and not re.search(r"[A-Za-z]$", left)):
            continue
        items.append((item_start, match.start()))
        item_start = match.end()
    items.append((item_start, end))
    return [_trim(simple, s, e) for s, e in items if simple[s:e].strip()]


def _trim(simple: str, start: int, end: int) -> tuple[int, int]:
    while start < end and simple[start].isspace():
        start += 1
    tail = LIST_TAIL.search(simple, start, end)
    if tail and tail.start() > start:
        end = tail.start()
    note = ABBREVIATION.search(simple, start, end)
    if note and note.start() > start:
        end = note.start()
    while end > start and simple[end - 1].isspace():
        end -= 1
    return start, end


def _keep(names: list[str], introduced: bool | str) -> list[bool]:
    """Which items of one list are organization names.

    A list introduced by 由 / 得到 or under a key may hold a name without a usual suffix
    (``B.P商业伙伴``) as long as one of its items looks like an organization; a single short
    brand name between 由 and the role word is one too (由知道创宇主办).
    """
    plausible = [bool(n) and len(n) >= 2 and not n.startswith(GENERIC) and "相关" not in n for n in names]
    if (
        introduced == "由"
        and len(names) == 1
        and plausible[0]
        and len(names[0]) <= 10
        and not PRONOUN.search(names[0])
        and not _role_pattern().search(names[0])
    ):
        return plausible
    organized = [p and looks_like_org(n) for p, n in zip(plausible, names, strict=True)]
    if (introduced and any(organized)) or (len(names) >= 2 and 2 * sum(organized) >= len(names)):
        return plausible
    return organized


def _prose_lists(simple: str) -> list[tuple[str, int, int, bool | str]]:
    """(role, start, end, introduced) of each organization list before a role word in running text."""
    found = []
    previous_end = 0
    for match in _role_pattern().finditer(simple):
        if simple[max(0, match.start() - 2) : match.start()] in NOT_A_ROLE_BEFORE:
            continue
        if not ROLE_END.match(simple, match.end()) and match.group() != "组织开展":
            subject = _subject_holding(simple, match)
            if subject:
                found.append((_role_words()[match.group()], *subject, False))
            continue
        start = previous_end if previous_end > match.start() - 80 else 0
        for stop in HARD_STOP.finditer(simple, start, match.start()):
            start = stop.end()
        if simple[start : start + 1] == "、" and start == previous_end:
            start += 1
        introducer = INTRODUCER.match(simple, start, match.start())
        if introducer and introducer.group().endswith("在") and not simple.startswith("下", match.end()):
            # 在国家会议中心举办 names a place; only 在A指导下 / 在A支持下 names an organization,
            # but the subject before 在 may be the organizer (学院在报告厅举办讲座)
            subject_end = introducer.end() - 1
            subject = simple[start:subject_end].strip()
            if 2 <= len(subject) <= 20 and looks_like_org(subject) and not ends_with_event_word(subject):
                found.append((_role_words()[match.group()], start, subject_end, False))
            continue
        introduced: bool | str = introducer.group()[-1] if introducer else False
        if introducer:
            start = introducer.end()
        place = simple.find("于", start, match.start())
        end = place if place > start + 1 else match.start()
        if end > start:
            found.append((_role_words()[match.group()], start, end, introduced))
        previous_end = match.end()
        if simple[previous_end : previous_end + 1] in "、，,":
            previous_end += 1
    return found


def _subject_holding(simple: str, match: re.Match[str]) -> tuple[int, int] | None:
    """(start, end) of the organization that holds an event: ``X(在Y)举办Z`` with Z an event.

    Example: ``"4月16日下午，网络空间安全学院在信息楼报告厅举办大模型安全学术讲座。"`` → ``网络空间安全学院``
    """
    if match.group() not in ("举办", "主办", "承办"):
        return None
    clause_end = HARD_STOP.search(simple, match.end())
    if not ends_with_event_word(simple[match.end() : clause_end.start() if clause_end else len(simple)]):
        return None
    start = 0
    for stop in HARD_STOP.finditer(simple, max(0, match.start() - 60), match.start()):
        start = stop.end()
    place = simple.find("在", start, match.start())
    end = place if place > start else match.start()
    subject = simple[start:end].strip()
    if 2 <= len(subject) <= 20 and looks_like_org(subject) and not ends_with_event_word(subject):
        return start + simple[start:end].find(subject), start + simple[start:end].find(subject) + len(subject)
    return None


def _key_value_lists(simple: str) -> list[tuple[str, int, int, bool | str]]:
    """(role, start, end, True) of each ``主办单位：A、B`` line."""
    found = []
    for match in KEY_VALUE.finditer(simple):
        role = _role_words().get(match.group("role"))
        if role:
            found.append((role, match.start("names"), match.end("names"), True))
    return found


def find_organizations(article: Article, start: int, end: int) -> tuple[Organization, ...]:
    """Every organization named with an organizing role in ``article.text[start:end]``, in text order.

    Example: ``此次论坛由《中国企业报》集团主办，由A、B联合主办，得到中国对外经济贸易会计学会支持。`` →
    ``《中国企业报》集团`` organizer, A and B co_organizer, ``中国对外经济贸易会计学会`` supporter
    """
    original = article.text[start:end]
    simple = simplified(original)
    lists = sorted(_key_value_lists(simple) + _prose_lists(simple), key=lambda item: item[1])
    records: list[Organization] = []
    seen: set[tuple[str, str]] = set()
    for role, list_start, list_end, introduced in lists:
        spans = _split_items(simple, list_start, list_end)
        names = [simple[s:e] for s, e in spans]
        for (item_start, item_end), keep in zip(spans, _keep(names, introduced), strict=True):
            name = original[item_start:item_end]
            if not keep or (name, role) in seen:
                continue
            seen.add((name, role))
            evidence = sentence_at(article.text, start + item_start)
            records.append(Organization(name=name, role=role, evidence=evidence))
    return tuple(records)
