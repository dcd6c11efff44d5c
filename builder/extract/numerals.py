"""Chinese and Arabic numerals, and the attendance phrases built from them (三百多人 → 300)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: digit characters → value (simplified, traditional and financial forms)
DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
#: small units inside a section of four digits
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
#: large units that multiply everything before them
LARGE_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

#: characters a Chinese numeral may be written with
CHINESE_NUMERAL_CHARS = "".join([*DIGITS, *SMALL_UNITS, *LARGE_UNITS])

_ARABIC = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def parse_chinese_integer(text: str) -> int | None:
    """The value of a Chinese numeral, or ``None`` when ``text`` is not one.

    Example: ``"三百"`` → 300, ``"十三"`` → 13, ``"一千二百零五"`` → 1205, ``"二〇二四"`` → 2024
    """
    if not text or any(char not in CHINESE_NUMERAL_CHARS for char in text):
        return None
    if all(char in DIGITS for char in text):
        # digit-by-digit reading, as in years (二〇二四)
        value = 0
        for char in text:
            value = value * 10 + DIGITS[char]
        return value
    total = section = largest = 0
    digit: int | None = None
    for char in text:
        if char in DIGITS:
            if digit is not None and DIGITS[char] != 0:
                return None  # two digits without a unit between them (三四百) is an estimate, not a number
            digit = DIGITS[char] if DIGITS[char] != 0 else None
        elif char in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[char]
            digit = None
        else:
            section += digit or 0
            if section == 0 and total == 0:
                return None
            unit = LARGE_UNITS[char]
            if unit >= largest:  # 一万亿: the unit multiplies everything before it
                total, largest = (total + section) * unit, unit
            else:  # 一亿零一万: a smaller unit multiplies only its own section
                total += section * unit
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_number(text: str) -> int | None:
    """An Arabic or Chinese integer; mixed forms like ``1.2万`` or ``3万`` are read too.

    Example: ``"2000"`` → 2000, ``"1,200"`` → 1200, ``"1.5万"`` → 15000, ``"百"`` → 100
    """
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d+(?:,\d{3})*(?:\.\d+)?)([万萬亿億]?)", text)
    if match:
        value = float(match[1].replace(",", ""))
        if match[2]:
            value *= LARGE_UNITS[match[2]]
        # hundreds of digits overflow a float: not a number anyone wrote to be read
        return int(round(value)) if math.isfinite(value) else None
    return parse_chinese_integer(text)


#: the number part of an attendance phrase: optional qualifier, Arabic or Chinese number, optional 余/多
_COUNT = (
    r"(?P<before>近|约|約|超过|超過|逾|超|共|共计|共計|总计|總計)?"
    r"(?P<number>\d+(?:,\d{3})*(?:\.\d+)?[万萬]?|[" + CHINESE_NUMERAL_CHARS + r"]+)"
    r"\s*(?P<after>余|餘|多|\+|来|來)?"
)
#: what an attendance phrase can start with: the first character of a qualifier, a digit or a numeral
_COUNT_FIRST = r"(?=[\d近约約超逾共总總" + CHINESE_NUMERAL_CHARS + r"])"
#: people units: 人, 名, 位 (not 家 organizations, 所 schools, 支 teams); the lookahead lets the
#: regex engine skip every other position in one step
_PEOPLE = re.compile(_COUNT_FIRST + _COUNT + r"\s*(?P<unit>人次|人|名|位)")


@dataclass(frozen=True)
class Count:
    """A number of people read from the text, with the verbatim phrase and its span."""

    value: int
    text: str
    start: int
    end: int


def people_counts(text: str) -> list[Count]:
    """Every ``<number><unit>`` phrase counting people, as lower bounds.

    Example: ``"来自各界的三百多人参加了论坛"`` → ``[Count(300, "三百多人", 5, 9)]``;
    ``"近800位嘉宾"`` → 800; ``"2000余人"`` → 2000; ``"百余位"`` → 100;
    ``"500+专家"`` has no unit and is left to ``plus_counts``
    """
    counts = []
    for match in _PEOPLE.finditer(text):
        number = match["number"]
        value = parse_number(number)
        if value is None or value <= 1:
            continue
        # "第三名" is a rank, "一名" / "两位" introduce one person, "名单"/"位于" are other words
        preceding = text[match.start() - 1 : match.start()] if match.start() else ""
        following = text[match.end() : match.end() + 1]
        if preceding in ("第", "前") or following in ("单", "單", "于", "於", "置", "次"):
            continue
        if match["unit"] == "人次":
            continue
        counts.append(Count(value, match.group(), match.start(), match.end()))
    return counts


#: ``500+`` without a unit, followed by a word for people (专家, 嘉宾, 代表 ...)
_PLUS_PEOPLE = re.compile(
    r"(?P<number>\d+)\s*\+\s*(?=[^，,。；;]{0,20}?(专家|嘉宾|代表|人士|观众|学者|选手|听众|參會|参会))"
)


def plus_counts(text: str) -> list[Count]:
    """``N+`` counts of people written without a unit.

    Example: ``"来自全国500+网络安全领域知名专家"`` → ``[Count(500, "500+", 4, 8)]``
    """
    return [
        Count(int(match["number"]), match.group().strip(), match.start(), match.end())
        for match in _PLUS_PEOPLE.finditer(text)
    ]
