"""Date phrases and year resolution (builder/extract/dates.py), on sentences from the corpus."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from builder.extract.dates import FUTURE_TOLERANCE, find_dates, resolve_year


def _spans(text: str, published: date, context: date | None = None) -> list[tuple[date, date | None, str]]:
    return [(m.start_date, m.end_date, text[m.start : m.end]) for m in find_dates(text, published, context)]


def test_find_dates_reads_the_seed_month_day_in_the_articles_year() -> None:
    text = "12月7日，第八届“一带一路”园区建设国际合作峰会首次网络安全国际合作专题论坛在北京举行。"
    assert _spans(text, date(2024, 12, 10)) == [(date(2024, 12, 7), None, "12月7日")]


def test_find_dates_reads_ranges_with_dash_and_zhi() -> None:
    fdbaize = "2024年10月14日-18日，第31届计算机和通信安全大会在美国盐湖城举行。"
    assert _spans(fdbaize, date(2024, 10, 31))[0][:2] == (date(2024, 10, 14), date(2024, 10, 18))
    assert _spans("9月3日至5日，论坛举行", date(2024, 11, 14))[0][:2] == (date(2024, 9, 3), date(2024, 9, 5))
    assert _spans("10月14-18日", date(2024, 10, 31))[0][:2] == (date(2024, 10, 14), date(2024, 10, 18))


def test_find_dates_crosses_month_and_year_ends() -> None:
    assert _spans("9月30日至10月2日", date(2024, 10, 5))[0][:2] == (date(2024, 9, 30), date(2024, 10, 2))
    assert _spans("12月30日至1月2日", date(2024, 12, 1))[0][:2] == (date(2024, 12, 30), date(2025, 1, 2))
    # aqquan-2025-02-18
    steam = "这款游戏在Steam目录中存在了近一周，从2月6日至2月12日，期间被最多1500名用户下载。"
    assert _spans(steam, date(2025, 2, 18))[0][:2] == (date(2025, 2, 6), date(2025, 2, 12))


def test_find_dates_reads_chinese_numeral_dates() -> None:
    assert _spans("六月一日下午，宣傳周啟動", date(2015, 6, 2)) == [(date(2015, 6, 1), None, "六月一日")]
    assert _spans("同一日", date(2015, 6, 2)) == []


def test_find_dates_reads_numeric_and_spaced_dates_and_ignores_weekdays() -> None:
    assert _spans("参会日期：2026-3-16 星期一", date(2026, 4, 16))[0][:2] == (date(2026, 3, 16), None)
    assert _spans("2026 年 3 月 18 日，IETF 125 期间", date(2026, 3, 30))[0][0] == date(2026, 3, 18)


def test_find_dates_reads_day_only_phrases_with_the_datelines_month() -> None:
    text = "新华社北京9月13日电 论坛13日在北京举行"
    found = _spans(text, date(2024, 11, 25), context=date(2024, 9, 13))
    assert [(start, phrase) for start, _, phrase in found] == [
        (date(2024, 9, 13), "9月13日"),
        (date(2024, 9, 13), "13日"),
    ]
    assert _spans("13日在北京举行", date(2024, 11, 25)) == []  # no context, no guess


def test_find_dates_gives_nothing_for_vague_words() -> None:
    assert _spans("近日，峰会在北京成功召开。", date(2021, 8, 18)) == []


def test_resolve_year_takes_last_year_for_dates_far_after_publication() -> None:
    assert resolve_year(12, 7, date(2024, 12, 10)) == date(2024, 12, 7)
    assert resolve_year(12, 30, date(2025, 1, 5)) == date(2024, 12, 30)
    # 9月18日 in an article published 2019-06-26 would be 84 days ahead: last year
    assert resolve_year(9, 18, date(2019, 6, 26)) == date(2018, 9, 18)


@given(
    st.dates(min_value=date(1990, 3, 1), max_value=date(2090, 12, 31)), st.integers(1, 12), st.integers(1, 28)
)
def test_resolve_year_never_lands_more_than_60_days_after_publication(
    published: date, month: int, day: int
) -> None:
    resolved = resolve_year(month, day, published)
    assert (resolved.month, resolved.day) == (month, day)
    assert resolved - published <= FUTURE_TOLERANCE
    assert published - resolved < timedelta(days=366) + FUTURE_TOLERANCE


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 31)), st.integers(0, 40))
def test_find_dates_reads_written_ranges_back(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    text = f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日，大会举行"
    (found,) = find_dates(text, start)
    assert (found.start_date, found.end_date) == (start, end)
    assert text[found.start : found.end].endswith("日")
