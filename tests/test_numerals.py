"""Chinese numerals and attendance counts (builder/extract/numerals.py), on phrases from the corpus."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from builder.extract.numerals import parse_chinese_integer, parse_number, people_counts, plus_counts

_DIGITS = "零一二三四五六七八九"


def _to_chinese(value: int) -> str:
    """Write 1..99_999_999 in standard Chinese numerals (the inverse the parser must undo)."""

    def section(number: int) -> str:
        out, zero = "", False
        for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = number // unit_value % 10
            if digit:
                out += ("零" if zero and out else "") + _DIGITS[digit] + unit
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(value, 10_000)
    if not high:
        return section(low)
    text = section(high) + "万"
    if low:
        text += ("零" if low < 1000 else "") + section(low)
    return text


@given(st.integers(min_value=1, max_value=99_999_999))
def test_parse_chinese_integer_inverts_standard_writing(value: int) -> None:
    assert parse_chinese_integer(_to_chinese(value)) == value


@given(st.integers(min_value=0, max_value=10**9))
def test_parse_number_reads_arabic_numbers(value: int) -> None:
    assert parse_number(str(value)) == value
    assert parse_number(f"{value:,}") == value


@given(st.text(alphabet="abc网络安全论坛。，", max_size=20))
def test_parse_number_refuses_words(text: str) -> None:
    assert parse_number(text) is None


def test_parse_chinese_integer_reads_short_and_year_forms() -> None:
    assert parse_chinese_integer("十三") == 13
    assert parse_chinese_integer("百") == 100
    assert parse_chinese_integer("二〇二四") == 2024
    assert parse_chinese_integer("三四百") is None  # an estimate, not a number


def test_people_counts_read_seed_attendance() -> None:
    sentence = (
        "来自国家相关部委、中国网络安全领域的院士专家、央国企负责人、企业家，以及“一带一路”沿线国家和地区的"
        "网络政策和技术专家、用户代表等三百多人参会。"
    )
    counts = people_counts(sentence)
    assert [(count.value, count.text) for count in counts] == [(300, "三百多人")]
    assert sentence[counts[0].start : counts[0].end] == "三百多人"


def test_people_counts_take_lower_bounds_of_approximations() -> None:
    # the contract's attendance phrases (shared/spec/dataset.md, issue 3)
    for phrase, value in (
        ("近千名", 1000),
        ("2000余人", 2000),
        ("百余位", 100),
        ("近800名", 800),
        ("三百多人", 300),
    ):
        (count,) = people_counts(f"共有{phrase}嘉宾参会")
        assert (count.value, count.text.lstrip("共")) == (value, phrase)


def test_people_counts_skip_ranks_teams_and_organizations() -> None:
    # chamd5-2024-12-03: ranks are not attendance
    assert (
        people_counts("经历了多次线上成果提交、判分及在线答辩后，最终成功锁定AI安全赛道第四名的好成绩！")
        == []
    )
    assert people_counts("最终，各赛道前二十名战队成功进入决赛答辩环节。") == []
    assert people_counts("30支队伍进入决赛，200家机构参展") == []


def test_plus_counts_read_unitless_plus() -> None:
    counts = plus_counts("来自全国的500+网络安全领域专家学者汇聚一堂")
    assert [(count.value, count.text) for count in counts] == [(500, "500+")]
