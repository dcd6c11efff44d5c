"""Event detection and event fields of the rule extractor, on the real articles of data/raw.

Participants and organizations are covered by their own test modules; here every event field
of every article in data/raw is compared with its gold file in data/gold.
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from pathlib import Path

import opencc
import pytest

from builder.articles import parse_article, read_article
from builder.extract.detect import might_report_event
from builder.extract.event_fields import find_theme, find_topics, series_and_edition
from builder.extract.event_names import clean_name, event_type_of, name_spans, parent_prefix
from builder.extract.events import genuine_title, plan_events, same_event
from builder.extract.mentions import prepare, report_cue
from builder.extract.rules import RuleExtractor

ROOT = Path(__file__).resolve().parent.parent
RAW, GOLD = ROOT / "data" / "raw", ROOT / "data" / "gold"
SEED = "cnis-2024-12-10-seed.md"
#: the event fields this module checks against gold (people and organizations are checked elsewhere)
FIELDS = (
    "name", "event_type", "status", "series", "edition", "parent_event",
    "start_date", "end_date", "city", "country", "venue", "theme", "attendance",
)  # fmt: skip
SEED_SENTENCE = "12月7日，第八届“一带一路”园区建设国际合作峰会首次网络安全国际合作专题论坛在北京举行。"


def _gold(file: str) -> dict:
    return json.loads((GOLD / file.replace(".md", ".json")).read_text(encoding="utf-8"))


def _fields(event) -> dict:
    values = {name: getattr(event, name) for name in FIELDS}
    for name in ("start_date", "end_date"):
        values[name] = values[name].isoformat() if values[name] else None
    return values


def _similar(first: str | None, second: str | None) -> float:
    """Similarity after dropping quotes, brackets and spaces; containment counts as 0.85."""
    drop = str.maketrans("", "", "“”\"'「」《》()（） ")
    a, b = (unicodedata.normalize("NFKC", text or "").translate(drop).lower() for text in (first, second))
    if not a or not b:
        return 0.0
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    return max(0.85, ratio) if a in b or b in a else ratio


def _events(file: str):
    return RuleExtractor().extract(read_article(RAW / file, RAW)).events


GOLD_FILES = sorted(path.name.replace(".json", ".md") for path in GOLD.glob("*.json"))
NEGATIVES = [file for file in GOLD_FILES if not _gold(file)["events"]]
POSITIVES = [file for file in GOLD_FILES if _gold(file)["events"]]


def test_extract_seed_event_matches_gold_exactly() -> None:
    (event,) = _events(SEED)
    (gold,) = _gold(SEED)["events"]
    assert _fields(event) == {name: gold[name] for name in FIELDS}
    assert event.evidence.sentence == SEED_SENTENCE
    assert event.topics == (
        "网络安全的基本制度建设",
        "国际标准化发展",
        "AI与网络安全融合",
        "中国企业海外网络安全对策",
    )
    assert event.attendance_text == "三百多人"


@pytest.mark.parametrize("file", NEGATIVES)
def test_extract_negative_articles_yield_no_event(file: str) -> None:
    assert _events(file) == ()


@pytest.mark.parametrize("file", POSITIVES)
def test_extract_event_fields_match_gold(file: str) -> None:
    article = read_article(RAW / file, RAW)
    events = RuleExtractor().extract(article).events
    gold = _gold(file)["events"]
    assert len(events) == len(gold)
    for event, expected in zip(events, gold, strict=True):
        got = _fields(event)
        exact = ("event_type", "status", "start_date", "end_date", "city", "edition", "attendance")
        assert {name: got[name] for name in exact} == {name: expected[name] for name in exact}
        # names, series and themes as the yardstick compares them (shared/tools/score_extraction.py)
        assert _similar(got["name"], expected["name"]) >= 0.85
        for name in ("series", "theme"):
            if expected[name]:
                assert _similar(got[name], expected[name]) >= 0.8, name
        assert article.text[event.evidence.start : event.evidence.end] == event.evidence.sentence


def test_extract_traditional_seed_keeps_the_article_script(tmp_path: Path) -> None:
    raw = (RAW / SEED).read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(raw)
    path = tmp_path / SEED
    path.write_text(traditional, encoding="utf-8")
    article = read_article(path, tmp_path)
    (event,) = RuleExtractor().extract(article).events
    assert event.name == opencc.OpenCC("s2t").convert(_gold(SEED)["events"][0]["name"])
    assert (event.city, event.start_date.isoformat(), event.edition, event.attendance) == (
        "北京",
        "2024-12-07",
        8,
        300,
    )
    assert article.text[event.evidence.start : event.evidence.end] == event.evidence.sentence


def test_extract_text_cut_off_mid_article_still_yields_the_event() -> None:
    raw = (RAW / SEED).read_bytes().decode("utf-8")
    cut = raw[: raw.index("院士吴世忠")]
    (event,) = RuleExtractor().extract(parse_article(cut.encode("utf-8"), SEED)).events
    assert (event.name, event.start_date.isoformat()) == (_gold(SEED)["events"][0]["name"], "2024-12-07")


def test_plan_events_makes_an_unorganized_congress_the_parent_of_its_organized_sub_forum() -> None:
    # doonsec-2026-07-17: WAIC opens in the lead; the article reports its organized sub-forum
    (planned,) = plan_events(prepare(read_article(RAW / "doonsec-2026-07-17-18bdfa2d.md", RAW)))
    assert planned.mention.name == "RISC-V与AI融合发展分论坛"
    assert planned.parent == "2026世界人工智能大会暨人工智能全球治理高级别会议"


def test_name_spans_read_names_from_corpus_sentences() -> None:
    def names(sentence: str) -> list[str]:
        return [clean_name(sentence[start:end]) for start, end in name_spans(sentence, 0, len(sentence))]

    assert names(SEED_SENTENCE) == ["第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛"]
    fdbaize = "2024年10月14日-18日，第31届计算机和通信安全大会（ACM Conference on Computer and Communications Security，CCS 2024）在美国盐湖城举行。"  # noqa: E501
    assert names(fdbaize) == ["第31届计算机和通信安全大会"]
    slowmist = "3 月 27 日，由香港数码港、ME Group 及 iPollo 联合主办的首届 Agentic AI 创新与安全论坛暨香港第一届 Web 4.0 国际峰会在香港数码港盛大举行。"  # noqa: E501
    assert names(slowmist) == ["首届 Agentic AI 创新与安全论坛暨香港第一届 Web 4.0 国际峰会"]
    waic = "17日下午，由国家互联网信息办公室、中国科学院主办，中国网络空间安全协会、北京开源芯片研究院承办的“RISC-V与AI融合发展分论坛”隆重召开。"  # noqa: E501
    assert names(waic) == ["RISC-V与AI融合发展分论坛"]
    ietf = "IETF 125｜下一代域间路由架构与协议边会顺利召开"
    assert names(ietf) == ["下一代域间路由架构与协议边会"]


def test_event_type_parent_and_series_of_names() -> None:
    seed = "第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛"
    assert event_type_of(seed) == "forum"
    assert parent_prefix(seed) == "第八届“一带一路”园区建设国际合作峰会"
    assert series_and_edition(parent_prefix(seed)) == ("“一带一路”园区建设国际合作峰会", 8)
    assert event_type_of("DataCon2024大数据安全分析竞赛线上赛") == "competition"
    assert parent_prefix("DataCon2024大数据安全分析竞赛线上赛") == "DataCon2024大数据安全分析竞赛"
    assert series_and_edition("DataCon2024大数据安全分析竞赛") == ("DataCon", None)
    assert series_and_edition("IETF 125") == ("IETF", 125)
    assert series_and_edition("FreeBuf甲方社群第十二期内部直播") == ("FreeBuf甲方社群内部直播", 12)
    assert series_and_edition("2023(第二十二届)中国互联网大会") == ("中国互联网大会", 22)
    assert series_and_edition("首届 Agentic AI 创新与安全论坛暨香港第一届 Web 4.0 国际峰会") == (
        "Agentic AI 创新与安全论坛",
        1,
    )
    assert series_and_edition("网络空间安全学科建设与发展研讨会") == (None, None)
    assert event_type_of("大模型与智能体安全技术研讨活动") == "seminar"
    assert event_type_of("Dispatch 会议") == "meeting"


def test_title_followups_read_an_announced_round_from_the_headline() -> None:
    # a headline shape from the dev-web set, with invented names (that set is not published)
    headline = "第三届“蓝盾杯”线上初赛收官，线下决赛即将打响"
    raw = (
        f"---\nurl: https://example.org/ldb\ntitle: {headline}\ndate: 2024-11-05\n---\n\n{headline}\n\n"
        "11月3日，历时24小时的第三届“蓝盾杯”网络安全挑战赛线上赛正式收官。\n\n"
        "本届大赛由某市网信办主办，某大学承办。\n"
    )
    planned = plan_events(prepare(parse_article(raw.encode("utf-8"), "ldb.md")))
    names = {item.mention.name: item for item in planned}
    assert set(names) == {
        "第三届“蓝盾杯”线下决赛",
        "第三届“蓝盾杯”网络安全挑战赛线上赛",
        "第三届“蓝盾杯”网络安全挑战赛",
    }
    assert names["第三届“蓝盾杯”线下决赛"].mention.cue == "upcoming"
    assert names["第三届“蓝盾杯”网络安全挑战赛线上赛"].parent == "第三届“蓝盾杯”网络安全挑战赛"
    # the organizers' sentence belongs to the whole competition, not to its online round
    whole = names["第三届“蓝盾杯”网络安全挑战赛"]
    assert raw.split("---\n\n")[1][whole.scope[0] :].startswith("本届大赛由")


def _article(title: str, body: str, published: str = "2024-08-10"):
    raw = f"---\nurl: https://example.org/x\ntitle: {title}\ndate: {published}\n---\n\n{body}\n"
    return parse_article(raw.encode("utf-8"), "x.md")


def test_extract_english_named_event_reported_with_place_and_verb() -> None:
    article = _article("安全圈一周要闻", "2024年8月3日至8日，Black Hat USA 2024在美国拉斯维加斯举行。")
    assert might_report_event(article)  # the pipeline's cheap check lets it through
    (event,) = RuleExtractor().extract(article).events
    assert (event.name, event.event_type, event.series) == (
        "Black Hat USA 2024",
        "conference",
        "Black Hat USA",
    )
    assert (event.start_date.isoformat(), event.end_date.isoformat()) == ("2024-08-03", "2024-08-08")
    assert (event.city, event.country) == ("拉斯维加斯", "US")


def test_extract_attended_event_counts_only_when_the_headline_names_it() -> None:
    body = "某公司受邀参加第十届互联网安全大会（ISC 2022），并在数据安全论坛上发表演讲。"
    (event,) = RuleExtractor().extract(_article("某公司亮相ISC 2022", body)).events
    assert (event.name, event.edition) == ("第十届互联网安全大会", 10)
    assert RuleExtractor().extract(_article("某公司发布年度报告", body)).events == ()


def test_extract_stated_duration_gives_the_other_end_date() -> None:
    opened = _article(
        "数据安全大会开幕", "11月5日，为期两天的2024数据安全大会在上海市徐汇区开幕。", "2024-11-06"
    )
    (event,) = RuleExtractor().extract(opened).events
    assert (event.start_date.isoformat(), event.end_date.isoformat(), event.city) == (
        "2024-11-05",
        "2024-11-06",
        "上海",
    )
    ended = _article(
        "技术大会闭幕", "历时三天的2024年网络安全技术大会于11月7日在北京落下帷幕。", "2024-11-08"
    )
    (event,) = RuleExtractor().extract(ended).events
    assert (event.start_date.isoformat(), event.end_date.isoformat()) == ("2024-11-05", "2024-11-07")


def test_extract_day_only_and_relative_dates_count_from_publication() -> None:
    late = _article("青年网络安全论坛举行", "28日，2024青年网络安全论坛在京举行。", "2024-11-03")
    (event,) = RuleExtractor().extract(late).events
    assert (event.start_date.isoformat(), event.city) == ("2024-10-28", "北京")
    yesterday = _article("大会开幕", "昨天，第五届网络安全创新大会在深圳开幕。", "2024-11-03")
    (event,) = RuleExtractor().extract(yesterday).events
    assert (event.start_date.isoformat(), event.end_date) == ("2024-11-02", None)


def test_parent_prefix_ignores_a_place_and_event_word_tail() -> None:
    assert parent_prefix("2024年世界互联网大会乌镇峰会") is None
    assert series_and_edition("2024年世界互联网大会乌镇峰会") == ("世界互联网大会乌镇峰会", None)


def test_extract_sub_forums_heading_their_own_sections() -> None:
    body = (
        "10月18日，2024数字安全峰会在杭州举行。本届峰会由某某协会主办。\n\n"
        "数据安全分论坛\n\n某大学教授王五以《数据要素安全》为题作报告。\n\n"
        "AI安全分论坛\n\n某公司首席科学家赵六分享了大模型安全实践。"
    )
    article = _article("2024数字安全峰会在杭州举行", body, "2024-10-20")
    events = RuleExtractor().extract(article).events
    assert [(event.name, event.parent_event) for event in events] == [
        ("2024数字安全峰会", None),
        ("数据安全分论坛", "2024数字安全峰会"),
        ("AI安全分论坛", "2024数字安全峰会"),
    ]
    assert [event.start_date.isoformat() for event in events] == ["2024-10-18"] * 3
    # each event owns its section: the sub-forum's speaker is not the main event's
    assert [len(event.participants) for event in events] == [0, 1, 1]
    # a single heading is a caption, not a programme of sub-forums
    single = body.split("\n\nAI安全分论坛")[0]
    assert (
        len(RuleExtractor().extract(_article("2024数字安全峰会在杭州举行", single, "2024-10-20")).events) == 1
    )


def test_extract_skips_gatherings_outside_the_dataset() -> None:
    body = "某安全公司公告称，公司将于2024年8月28日在北京召开2024年第一次临时股东大会，审议相关议案。"
    assert RuleExtractor().extract(_article("某安全公司将召开临时股东大会", body)).events == ()


def test_report_cue_tells_reports_from_mentions() -> None:
    assert report_cue("在北京举行", "12月7日，") == "held"
    assert report_cue("圆满落幕", "2024年11月22日，") == "ended"
    assert report_cue("将于2026年2月23日至27日在美国圣地亚哥举办", "") == "upcoming"
    assert report_cue("（WAIC 2026）在上海正式启幕", "7月17日，") == "opened"
    assert report_cue("中担任主讲嘉宾", "互联网科技运维经理王明松在") == "in"
    assert report_cue("", "求助于") == "none"


def test_same_event_matches_headline_and_lead_names() -> None:
    assert same_event(
        "首届 Agentic AI 创新与安全论坛", "首届 Agentic AI 创新与安全论坛暨香港第一届 Web 4.0 国际峰会"
    )
    assert same_event("FreeBuf甲方社群直播", "FreeBuf甲方社群第十二期内部直播")
    assert not same_event("首届数据安全大会", "第二届数据安全大会")


def test_genuine_title_tells_headlines_from_truncated_first_sentences(tmp_path: Path) -> None:
    seed = read_article(RAW / SEED, RAW)
    assert genuine_title(prepare(seed))
    lead = SEED_SENTENCE[:30]
    raw = f"---\nurl: https://example.org/a\ntitle: {lead}\ndate: 2024-12-10\n---\n\n{SEED_SENTENCE}\n"
    assert not genuine_title(prepare(parse_article(raw.encode("utf-8"), "a.md")))


def test_find_theme_and_topics_read_the_seed_lead() -> None:
    doc = prepare(read_article(RAW / SEED, RAW))
    (planned,) = plan_events(doc)
    assert find_theme(doc, planned.mention.sentence, planned.scope) == "网络安全国际合作"
    assert len(find_topics(doc, planned.scope)) == 4


def test_name_spans_keep_zixun_and_dianli_and_skip_a_streaming_platform() -> None:
    """讯/电 end a dateline (新华社讯, 12日电), not 资讯/电力; 腾讯会议 is the medium; 直播预告 is a notice.

    Sentences from our invented probe set (tests/probes) and a dateline of the kind press releases use.
    """

    def names(sentence: str) -> list[str]:
        return [clean_name(sentence[start:end]) for start, end in name_spans(sentence, 0, len(sentence))]

    assert names("由香港资讯科技联会主办的香港资讯安全高峰会2025于6月18日举行。") == ["香港资讯安全高峰会"]
    assert names("新华社南京6月12日电（记者 王晓明）2025年网络安全技术交流会12日在南京举行。") == [
        "2025年网络安全技术交流会"
    ]
    assert names("9月5日，2025年电力行业网络安全攻防演练在北京启动。") == ["2025年电力行业网络安全攻防演练"]
    assert names("3月6日19:30，云原生安全线上研讨会将通过腾讯会议线上直播。") == ["云原生安全线上研讨会"]
    assert names("直播预告｜云原生安全线上研讨会") == ["云原生安全线上研讨会"]


def test_english_name_with_the_year_inside_and_an_opening_keynote_is_not_an_opening() -> None:
    """RSAC 2025 Conference (year before the event word); 在开幕主旨演讲中 is a moment, not the report.

    Sentences from our invented probe set (tests/probes).
    """
    article = _article(
        "RSAC 2025观察",
        "4月28日至5月1日，RSAC 2025 Conference在美国旧金山莫斯康中心举行。\n\n"
        "RSA大会执行主席Hugh Thompson在开幕主旨演讲中回顾了过去一年的威胁态势。",
    )
    (event,) = RuleExtractor().extract(article).events
    assert (event.name, event.city, event.country) == ("RSAC 2025 Conference", "旧金山", "US")
    assert report_cue("执行主席Hugh Thompson在开幕主旨演讲中回顾了态势", "") == "none"
    assert report_cue("在广州开幕", "") == "opened"


def test_advice_to_hold_a_drill_reports_no_event() -> None:
    """建议相关单位…并开展应急演练 is advice (our probe set, tests/probes); 组织开展 still reports."""
    assert report_cue("", "我们建议相关单位尽快修补漏洞、加强备份，并开展") == "none"
    assert report_cue("", "9月15日，嘉定区组织开展") == "held"


def test_extract_stated_duration_in_the_sentence_after_the_opening() -> None:
    """峰会…开幕。峰会由…主办，为期两天 (our probe set, tests/probes): the next sentence gives the length."""
    opened = _article(
        "产业峰会开幕",
        "6月25日，2025中国网络安全产业峰会在京开幕。峰会由中国网络安全产业联盟主办，为期两天。",
        "2025-06-26",
    )
    (event,) = RuleExtractor().extract(opened).events
    assert (event.start_date.isoformat(), event.end_date.isoformat()) == ("2025-06-25", "2025-06-26")
    unrelated = _article(
        "产业峰会开幕",
        "6月25日，2025中国网络安全产业峰会在京开幕。展览为期两天。",
        "2025-06-26",
    )
    (event,) = RuleExtractor().extract(unrelated).events
    assert event.end_date is None
