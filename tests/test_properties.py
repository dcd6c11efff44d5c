"""Property-based tests (hypothesis) of the parsers: front matter, body cleaner, sentence offsets."""

from __future__ import annotations

import os
import unicodedata
from datetime import date

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.articles import parse_article
from builder.clean import clean_body
from builder.errors import ArticleError
from builder.extract.dates import FUTURE_TOLERANCE, find_dates, resolve_year
from builder.extract.numerals import parse_chinese_integer, parse_number, people_counts, plus_counts
from builder.extract.text import sentences
from builder.frontmatter import load_front_matter, split_front_matter

#: printable text: no control, format, surrogate, private-use or line/paragraph separator characters
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
#: characters that are neither Markdown nor boilerplate words (see builder/lexicons/boilerplate_lines.txt)
WORD_CHARS = "网络安全论坛北京举行专家学者主题合作峰会国际标准大模型数据治理攻防演练ABCXYZabcxyz0123456789"
#: examples per property; raise to hunt for bugs: PROPERTY_EXAMPLES=5000 pytest tests/test_properties.py
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") and char not in "\n\t"


# --- front matter -------------------------------------------------------------------------------

keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
values = st.one_of(st.none(), st.text(PRINTABLE, max_size=40))


@SETTINGS
@given(meta=st.dictionaries(keys, values, max_size=8), body=st.text(max_size=200))
def test_split_front_matter_round_trips_any_mapping_of_text(meta: dict, body: str) -> None:
    header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) if meta else "{}\n"
    text = "---\n" + header + "---\n" + body
    loaded, rest = split_front_matter(text, "x.md")
    assert loaded == meta
    assert rest == body


@SETTINGS
@given(header=st.text(max_size=300))
def test_load_front_matter_raises_only_article_errors(header: str) -> None:
    try:
        meta = load_front_matter(header, "x.md")
    except ArticleError as error:
        assert "\n" not in error.line()
        assert error.line().startswith("x.md: front matter: ")
    else:
        assert isinstance(meta, dict)


@SETTINGS
@given(raw=st.binary(max_size=400))
def test_parse_article_on_any_bytes_raises_only_article_errors(raw: bytes) -> None:
    try:
        parse_article(raw, "x.md")
    except ArticleError as error:
        assert "\n" not in error.line()


@SETTINGS
@given(
    title=st.text(max_size=30),
    date=st.one_of(st.dates().map(str), st.text(max_size=12)),
    fetch=st.one_of(st.datetimes().map(lambda moment: moment.isoformat()), st.text(max_size=12)),
    url=st.one_of(st.just("https://example.com/a?utm_source=x&id=1#f"), st.text(max_size=30)),
    body=st.text(max_size=300),
)
def test_parse_article_with_any_field_values_yields_article_or_one_line_error(
    title: str, date: str, fetch: str, url: str, body: str
) -> None:
    meta = {"url": url, "title": title, "date": date, "fetch_date": fetch}
    raw = ("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body).encode("utf-8")
    try:
        article = parse_article(raw, "x.md")
    except ArticleError as error:
        assert "\n" not in error.line()
        return
    assert article.title and article.title == article.title.strip()
    assert not any(_is_invisible(char) for char in article.title)
    assert 1990 <= article.published_date.year <= 2100
    assert article.text


# --- body cleaner -------------------------------------------------------------------------------


@SETTINGS
@given(body=st.text(max_size=600))
def test_clean_body_output_shape_on_any_text(body: str) -> None:
    cleaned = clean_body(body)
    text = cleaned.text
    assert text == text.strip()
    assert "\n\n\n" not in text
    assert not any(_is_invisible(char) for char in text)
    paragraphs = text.split("\n\n") if text else []
    assert all(paragraph.strip() == paragraph and paragraph for paragraph in paragraphs)
    assert len(set(paragraphs)) == len(paragraphs)
    previous_end = 0
    for start, end in cleaned.emphasis:
        assert previous_end <= start < end <= len(text)
        previous_end = end


@st.composite
def emphasized_paragraphs(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    """A Markdown body of plain words, some in ``**``/``__``/``*``, and the text and spans it must give."""
    words = st.text(alphabet=WORD_CHARS, min_size=1, max_size=8)
    paragraphs = draw(
        st.lists(
            st.lists(st.tuples(words, st.sampled_from(["", "**", "__", "*", "***"])), min_size=1, max_size=6),
            min_size=1,
            max_size=5,
            unique_by=lambda segments: "，".join(word for word, _ in segments),
        )
    )
    markdown = "\n\n".join(
        "，".join(f"{mark}{word}{mark}" for word, mark in segments) for segments in paragraphs
    )
    text = "\n\n".join("，".join(word for word, _ in segments) for segments in paragraphs)
    emphasized = [word for segments in paragraphs for word, mark in segments if mark]
    return markdown, text, emphasized


@SETTINGS
@given(case=emphasized_paragraphs())
def test_clean_body_emphasis_spans_are_exact(case: tuple[str, str, list[str]]) -> None:
    markdown, text, emphasized = case
    cleaned = clean_body(markdown)
    assert cleaned.text == text
    assert [cleaned.text[start:end] for start, end in cleaned.emphasis] == emphasized


@SETTINGS
@given(
    paragraphs=st.lists(st.text(alphabet=WORD_CHARS + "。！？；，", min_size=1, max_size=40), max_size=6),
    noise=st.lists(st.sampled_from(["![](https://x.cn/a.png)", "微信扫一扫", "赞", "<br/>"]), max_size=4),
)
def test_clean_body_sentences_index_cleaned_text_exactly(paragraphs: list[str], noise: list[str]) -> None:
    body = "\n\n".join(paragraphs + noise)
    text = clean_body(body).text
    for sentence in sentences(text):
        assert text[sentence.start : sentence.end] == sentence.sentence
        assert sentence.sentence == sentence.sentence.strip() and sentence.sentence


# --- Chinese numerals and dates (builder/extract/numerals.py, dates.py) ---------------------------

_DIGIT_NAMES = "零一二三四五六七八九"


def _section(number: int) -> str:
    """A number below 10,000 in Chinese (一千二百零五), the test's independent reference reading."""
    out, pending_zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit % 10
        if digit == 0:
            pending_zero = pending_zero or bool(out)
            continue
        out += ("零" if pending_zero else "") + _DIGIT_NAMES[digit] + name
        pending_zero = False
    return out


def to_chinese(number: int) -> str:
    """``number`` (below 10^12) as a Chinese numeral: 100050 → 十万零五十 written 一十万零五十."""
    if number == 0:
        return "零"
    out = ""
    for value, unit in ((number // 10**8, "亿"), (number // 10**4 % 10**4, "万"), (number % 10**4, "")):
        if value == 0:
            continue
        if out and value < 1000:
            out += "零"
        out += _section(value) + unit
    return out.replace("零零", "零")


@SETTINGS
@given(number=st.integers(min_value=0, max_value=10**12 - 1))
def test_parse_chinese_integer_reads_every_written_number(number: int) -> None:
    text = to_chinese(number)
    assert parse_chinese_integer(text) == number
    if text.startswith("一十"):  # 一十三 is usually written 十三
        assert parse_chinese_integer(text[1:]) == number


@SETTINGS
@given(number=st.integers(min_value=0, max_value=10**15))
def test_parse_number_reads_arabic_forms(number: int) -> None:
    assert parse_number(str(number)) == number
    assert parse_number(f"{number:,}") == number
    assert parse_number("".join("〇一二三四五六七八九"[int(digit)] for digit in str(number))) == number


@SETTINGS
@given(text=st.text(alphabet="0123456789,.万亿零〇一二两三四五六七八九十百千", max_size=40) | st.text())
def test_parse_number_never_raises(text: str) -> None:
    value = parse_number(text)
    assert value is None or value >= 0


def test_parse_number_hundreds_of_digits_is_not_a_number() -> None:
    assert parse_number("1" * 400) is None
    assert people_counts("来自各界的" + "1" * 400 + "人参会") == []


@SETTINGS
@given(text=st.text(max_size=200))
def test_people_counts_spans_index_the_text(text: str) -> None:
    for count in people_counts(text) + plus_counts(text):
        assert text[count.start : count.end] == count.text
        assert count.value >= 2


dates_1990_2099 = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))


@SETTINGS
@given(day=dates_1990_2099, published=dates_1990_2099, style=st.sampled_from(["arabic", "chinese", "iso"]))
def test_find_dates_reads_a_full_date_in_any_style(day: date, published: date, style: str) -> None:
    if style == "arabic":
        text = f"{day.year}年{day.month}月{day.day}日"
    elif style == "chinese":
        text = f"{day.year}年{to_chinese(day.month)}月{to_chinese(day.day)}日".replace("一十", "十")
    else:
        text = day.isoformat()
    found = find_dates(f"会议于{text}举行。", published)
    assert [(match.start_date, match.start, match.end) for match in found] == [(day, 3, 3 + len(text))]


@SETTINGS
@given(month=st.integers(1, 12), day=st.integers(1, 31), published=dates_1990_2099)
def test_resolve_year_gives_this_or_last_year_never_over_60_days_ahead(
    month: int, day: int, published: date
) -> None:
    resolved = resolve_year(month, day, published)
    if resolved is None:
        return  # no such day in this year or the one before (31 April, 29 February)
    assert (resolved.month, resolved.day) == (month, day)
    assert (resolved - published).days <= FUTURE_TOLERANCE.days
    assert resolved.year in (published.year, published.year - 1)


@SETTINGS
@given(
    text=st.text(alphabet="0123456789年月日号至到-—~十一二三四五六七八九〇零 ，", max_size=60) | st.text(),
    published=dates_1990_2099,
)
def test_find_dates_never_raises_and_spans_are_inside_the_text(text: str, published: date) -> None:
    previous = -1
    for match in find_dates(text, published):
        assert 0 <= match.start < match.end <= len(text)
        assert match.start >= previous
        previous = match.start
