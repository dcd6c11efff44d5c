"""The cheap event detector never turns away an article the rule extractor reports an event in.

Safety property: ``not might_report_event(article)`` ⇒ ``extract(article).events == ()``, checked
on every article of ``data/raw``, the probes, the shared corpora (seed, dev, dev-web) and a
generated crawl (``bench/detector_safety.py`` runs the same check from the command line, e.g.
on a 10,000-article bench corpus), and on generated articles dense in event words, report cues
and separators.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.detector_safety import check_folder
from bench.generate import generate
from builder.extract import detect, events, get_extractor, mentions
from builder.extract.chinese import simplified
from builder.extract.detect import (
    headline_may_name_event,
    lead_may_name_latin_event,
    lead_may_report_event,
    lead_of,
    might_report_event,
)
from builder.extract.text import sentences
from builder.models import Article

REPO = Path(__file__).resolve().parents[1]
SHARED = next(
    (base / "shared" / "corpus" for base in REPO.parents if (base / "shared" / "corpus").is_dir()), None
)
FOLDERS = {
    "data": REPO / "data" / "raw",
    "probes": REPO / "tests" / "probes" / "articles",
    **({name: SHARED / name for name in ("seed", "dev", "dev-web")} if SHARED else {}),
}
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "200"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_no_article_with_events_is_turned_away(name: str) -> None:
    if not FOLDERS[name].is_dir():
        pytest.skip(f"{FOLDERS[name]} is not here")
    assert check_folder(FOLDERS[name]).missed == []


def test_no_article_of_a_generated_crawl_with_events_is_turned_away(tmp_path: Path) -> None:
    generate(600, tmp_path / "crawl", seed=0)
    check = check_folder(tmp_path / "crawl")
    assert check.missed == []
    # the point of the check: most articles without events skip the extractor
    assert check.false_alarms <= (check.articles - check.with_events) // 5, check


def test_the_real_negatives_are_turned_away() -> None:
    check = check_folder(FOLDERS["data"])
    assert check.articles - check.with_events >= 10 and check.false_alarms <= 2


# --- generated articles -------------------------------------------------------------------------

NAME_PIECES = "第八届 首届 2024 网络安全 “强网杯” 国际 湖北 数据 安全 技术".split()
EVENT_WORDS = "论坛 峰会 大会 会议 大赛 宣传周 研讨会 直播 活动 論壇 會議 決賽 分论坛".split()
CUES = "在北京举行 举行 举办 召开 开幕 落幕 圆满结束 启动 将于 本届 本次 该 出席 参加".split()
CUES += "亮相 由 主办 承办 指导 的 上 中 期间 舉行 召開 隆重".split() + ["该 "]
LATIN = ["Black Hat USA 2024", "XCon", "ISC 2021", "Summit", "CTF", "Forum 24", "DEF CON 32", "IETF125", "A"]
OTHER = "漏洞 发布 录用 入选 论文被 组委会 12月7日 (记者张三) （ISC 2022） 中国".split() + [" ", "\u3000"]
BREAKS = ["，", "。", "；", "！", "\n", "\n\n", "：", "｜", "【", "】", " - ", "@"]
piece = st.sampled_from(NAME_PIECES + EVENT_WORDS + CUES + LATIN + OTHER + BREAKS)
titles = st.lists(piece, max_size=10).map("".join)
texts = st.lists(piece, min_size=1, max_size=80).map("".join)


def _article(title: str, text: str) -> Article:
    return Article(
        article_id="0" * 16, url="https://x.cn/a", canonical_url="https://x.cn/a", title=title or "标题",
        source="x.cn", published_date=date(2024, 12, 10), fetched_at=None, language="zh",
        text=text.strip() or "正文", raw_sha256="0" * 64, source_file="a.md",
    )


@SETTINGS
@given(title=titles, text=texts)
def test_generated_articles_with_events_are_never_turned_away(title: str, text: str) -> None:
    article = _article(title, text)
    if get_extractor().extract(article).events:
        assert might_report_event(article)


@SETTINGS
@given(title=titles, text=st.lists(piece, min_size=1, max_size=30).map("".join), padding=st.integers(0, 3000))
def test_events_around_the_lead_limit_are_never_turned_away(title: str, text: str, padding: int) -> None:
    article = _article(title, "无关内容。" * (padding // 5) + text)
    if get_extractor().extract(article).events:
        assert might_report_event(article)


# --- the parts of the check ---------------------------------------------------------------------


def test_the_headline_patterns_are_the_extractors() -> None:
    assert detect._TITLE_SPLIT.pattern == events._TITLE_SPLIT.pattern
    assert detect._TITLE_REST.pattern == events._TITLE_REST.pattern
    assert detect._NEGATIVE.pattern == events._NEGATIVE.pattern


def test_the_english_event_words_are_the_extractors() -> None:
    assert all(word in mentions._LATIN_EVENT.pattern for word in detect.LATIN_EVENT_WORDS)
    group = mentions._LATIN_EVENT.pattern.split("(?:Conference|")[1].split(")")[0]
    assert {"Conference", *group.split("|")} == set(detect.LATIN_EVENT_WORDS)


def test_headlines() -> None:
    assert headline_may_name_event("2024网络安全大会在京举办｜现场直击")
    assert headline_may_name_event("第二屆湖北網路安全宣傳周啟動")
    assert headline_may_name_event("【活动回顾】首届“网安启明星”论坛")
    assert not headline_may_name_event("大会组委会发布通知：报名截止日期延后")
    assert not headline_may_name_event("微软发布紧急安全补丁，修复Windows系统漏洞")


def test_leads() -> None:
    assert lead_may_report_event("12月7日，第八届网络安全论坛在北京举行。")
    assert lead_may_report_event("本届大会吸引了三百多人。")
    assert lead_may_report_event("张三出席论坛并致辞。")
    assert lead_may_report_event("在峰会上，专家指出。")
    assert lead_may_report_event("该论坛由中国网络空间安全协会主办。")
    assert not lead_may_report_event("此漏洞影响多个论坛软件。")
    assert not lead_may_report_event("攻击者利用直播平台传播恶意软件。2024年举行。")
    assert lead_may_name_latin_event("2024年8月3日至8日，Black Hat USA 2024在美国拉斯维加斯举行。")
    assert lead_may_name_latin_event("DEF CON 32於拉斯維加斯舉辦".replace("於", "于").replace("舉辦", "举办"))
    assert not lead_may_name_latin_event("会议于2024年12月在北京举行。")
    assert not lead_may_name_latin_event("Black Hat USA 2024 发布了议程。")


def test_the_lead_ends_at_the_first_line_break_after_the_limit() -> None:
    text = "甲" * 700 + "\n" + "乙" * 10
    assert lead_of(text) == "甲" * 700
    assert lead_of("甲" * 10 + "\n" + "乙" * 10) == "甲" * 10 + "\n" + "乙" * 10
    long = "甲" * 3000 + "\n" + "乙" * 10
    assert lead_of(long) == "甲" * 3000
    assert lead_of("丙\n" * 2000).count("\n") == int(4000 * mentions.LEAD_SHARE) // 2


def test_a_headline_about_an_accepted_paper_is_turned_away() -> None:
    article = _article("论文被NDSS 2026录用", "NDSS 2026将于2026年2月在美国圣地亚哥举办。")
    assert not might_report_event(article)
    assert not get_extractor().extract(article).events


@SETTINGS
@given(text=texts)
def test_no_sentence_reaches_back_across_a_sentence_break(text: str) -> None:
    """The detector looks for cues between the breaks around a word: every sentence lies inside.

    A sentence is words up to its first break character, then the run of breaks that ends it.
    """
    for sentence in sentences(text):
        assert "\n" not in sentence.sentence
        words = re.match("[^" + detect.SENTENCE_BREAKS + "]*", sentence.sentence).end()
        for position in range(sentence.start, sentence.start + words):
            assert detect._sentence_start(text, position) <= sentence.start


# --- the linear scans equal the plain ones ----------------------------------------------------


def _plain_sentence_start(text: str, position: int) -> int:
    return max(text.rfind(mark, 0, position) for mark in detect.SENTENCE_BREAKS) + 1


def plain_lead_may_report_event(lead: str) -> bool:
    """The check word by word, each with its own sentence (quadratic on hostile texts)."""
    for word in detect._event_word_pattern().finditer(lead):
        start, end = word.span()
        sentence_start = _plain_sentence_start(lead, start)
        sentence_break = detect._BREAK.search(lead, end)
        sentence_end = sentence_break.start() if sentence_break else len(lead)
        window = lead[sentence_start:sentence_end]
        if (
            detect._CUE_BEFORE.search(lead, sentence_start, start)
            or detect._cue_after_pattern().search(lead, end, sentence_end)
            or detect._CUE_IN.match(lead, end)
            or ("由" in window and detect._ORGANIZE.search(window))
        ):
            return True
    return False


def plain_lead_may_name_latin_event(lead: str) -> bool:
    """Every (overlapping) match, with a capital letter looked for in its whole sentence."""
    pattern = detect._latin_report_after_name()
    return any(
        pattern.match(lead, start)
        and re.search("[A-Z]", lead[_plain_sentence_start(lead, start) : start + 1]) is not None
        for start in range(len(lead))
    )


def plain_headline_may_name_event(title: str) -> bool:
    """The headline check with the clause rest copied and stripped for every word."""
    simple = simplified(title)
    position = 0
    for segment in detect._TITLE_SPLIT.split(simple):
        offset = simple.find(segment, position)
        position = offset + len(segment)
        for word in detect._event_word_pattern().finditer(simple, offset, position):
            end = word.end()
            if detect._TITLE_REST.match(simple[end:position].strip()):
                return True
            closed = end < position and simple[end] in detect._CLOSERS
            if closed and detect._TITLE_REST.match(simple[end + 1 : position].strip()):
                return True
    return False


@SETTINGS
@given(text=texts)
def test_the_linear_lead_checks_equal_the_plain_ones(text: str) -> None:
    assert lead_may_report_event(text) == plain_lead_may_report_event(text)
    assert lead_may_name_latin_event(text) == plain_lead_may_name_latin_event(text)


@SETTINGS
@given(title=titles)
def test_the_in_place_headline_check_equals_the_plain_one(title: str) -> None:
    assert headline_may_name_event(title) == plain_headline_may_name_event(title)


HOSTILE = ["论坛" * 150_000, "论坛 " * 100_000 + "举行", "1在" * 150_000, "a1在X举行" * 50_000]
HOSTILE += ["会议。" * 100_000]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_texts_take_linear_time(text: str) -> None:
    """A text of a million event words and no sentence break once took hours (a scan per word)."""
    lead_may_report_event(text)
    lead_may_name_latin_event(text)
    headline_may_name_event(text)
