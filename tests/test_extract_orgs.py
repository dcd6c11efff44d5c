"""Organizations and their organizing roles on real sentences of data/raw."""

from __future__ import annotations

import json
from pathlib import Path

import opencc

from builder.articles import parse_article, read_article
from builder.extract.orgs import find_organizations, looks_like_org
from builder.models import Article, Organization

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "data" / "gold"


def article_of(body: str) -> Article:
    """An article whose body is ``body``, cleaned by the real stage-1 code."""
    raw = f"---\ntitle: t\nurl: https://example.org/a\ndate: 2026-03-30\n---\n\n{body}\n"
    return parse_article(raw.encode("utf-8"), "a.md")


def orgs_of(body: str) -> list[tuple[str, str]]:
    article = article_of(body)
    found: tuple[Organization, ...] = find_organizations(article, 0, len(article.text))
    for org in found:
        assert article.text[org.evidence.start : org.evidence.end] == org.evidence.sentence
        assert org.name in org.evidence.sentence
    return [(org.name, org.role) for org in found]


def test_seed_organizations_match_gold_exactly() -> None:
    article = read_article(RAW / "cnis-2024-12-10-seed.md", RAW)
    gold = json.loads((GOLD / "cnis-2024-12-10-seed.json").read_text(encoding="utf-8"))["events"][0]
    found = find_organizations(article, 0, len(article.text))
    assert [(o.name, o.role) for o in found] == [(o["name"], o["role"]) for o in gold["organizations"]]
    for org in found:
        assert article.text[org.evidence.start : org.evidence.end] == org.evidence.sentence


def test_organizers_and_hosts_in_one_sentence() -> None:
    assert orgs_of(
        "17日下午，由国家互联网信息办公室、中国科学院主办，中国网络空间安全协会、北京开源芯片研究院承办的"
        "“RISC-V与AI融合发展分论坛”隆重召开。"
    ) == [
        ("国家互联网信息办公室", "organizer"),
        ("中国科学院", "organizer"),
        ("中国网络空间安全协会", "host"),
        ("北京开源芯片研究院", "host"),
    ]


def test_co_organizers_with_latin_names_joined_by_ji() -> None:
    assert orgs_of(
        "3 月 27 日，由香港数码港、ME Group 及 iPollo 联"
        "合主办的首届 Agentic AI 创新与安全论坛在香港数码港盛大举行。"
    ) == [("香港数码港", "co_organizer"), ("ME Group", "co_organizer"), ("iPollo", "co_organizer")]


def test_organizer_after_the_event_clause() -> None:
    assert orgs_of(
        "9月15日下午，大模型与智能体安全技术研讨活动在成都龙"
        "之梦大酒店黄浦厅举行，由成都无糖信息技术有限公司主办。"
    ) == [("成都无糖信息技术有限公司", "organizer")]


def test_traditional_names_are_kept_as_written_and_he_inside_a_name_does_not_split() -> None:
    sentence = (
        "由中国互联网协会主办，北京市通信管理局、工业和信息化部"
        "新闻宣传中心联合主办的2023中国互联网大会在京开幕。"
    )
    traditional = opencc.OpenCC("s2t").convert(sentence)
    assert orgs_of(traditional) == [
        ("中國互聯網協會", "organizer"),
        ("北京市通信管理局", "co_organizer"),
        ("工業和信息化部新聞宣傳中心", "co_organizer"),
    ]


def test_key_value_lines() -> None:
    assert orgs_of("主办单位：中国信息通信研究院、中国网络空间安全协会\n支持单位：360集团") == [
        ("中国信息通信研究院", "organizer"),
        ("中国网络空间安全协会", "organizer"),
        ("360集团", "supporter"),
    ]


def test_role_words_used_as_ordinary_words_name_no_organization() -> None:
    assert orgs_of("论坛邀请了RISC-V领域的院士，共同探讨如何从指令集层面更好地支持AI训练与推理。") == []
    assert orgs_of("会议的成功举办搭建了我国网络空间测绘领域的产学研创新交流合作平台。") == []


def test_looks_like_org() -> None:
    assert looks_like_org("中国对外经济贸易会计学会")
    assert looks_like_org("北京交通大学网络空间安全学院(国家保密学院)")
    assert not looks_like_org("大赛的成功")


def test_guide_with_de_and_support_after_de_le() -> None:
    # the sentence shapes of data/raw (在…指导下, 得到…支持) with 的 / 了 added
    assert orgs_of("在中央网信办的指导下，由中国网络空间安全协会主办的论坛召开。") == [
        ("中央网信办", "guide"),
        ("中国网络空间安全协会", "organizer"),
    ]
    assert orgs_of("大会得到了工业和信息化部、公安部的大力支持。") == [
        ("工业和信息化部", "supporter"),
        ("公安部", "supporter"),
    ]


def test_numbered_key_value_lines_of_a_notice() -> None:
    """Notices number their items (三、主办单位：…); sentence from our probe set (tests/probes)."""
    assert orgs_of("三、主办单位：工业互联网产业联盟\n\n四、承办单位：重庆邮电大学") == [
        ("工业互联网产业联盟", "organizer"),
        ("重庆邮电大学", "host"),
    ]


def test_a_single_brand_name_between_you_and_the_role_word() -> None:
    """由<brand>主办 is an organizer without a 公司 suffix; 由…牵头组织开展 (dev-web) is not one list."""
    assert orgs_of("本届大会由知道创宇主办，以“智能·攻防”为主题。") == [("知道创宇", "organizer")]
    assert orgs_of("9月12日由教育部牵头组织开展校园日活动。") == []  # real sentence, dev-web
    assert orgs_of("论坛由他们主办。") == []


def test_a_hall_after_zai_is_a_place_not_an_organizer() -> None:
    """在<venue>举办 gives a place; 在A指导下 still names a guide."""
    assert orgs_of(
        "8月6日，数据安全分论坛在北京国家会议中心举办。论坛在中国互联网协会指导下，由三六零数字安全科技集团有限公司承办。"
    ) == [("中国互联网协会", "guide"), ("三六零数字安全科技集团有限公司", "host")]


def test_the_organization_that_holds_an_event_in_university_news() -> None:
    """学院(在Y)举办<event>: the subject is the organizer; a bare event word is not (our probe set)."""
    assert orgs_of("4月16日下午，网络空间安全学院在信息楼报告厅举办大模型安全学术讲座。") == [
        ("网络空间安全学院", "organizer")
    ]
    assert orgs_of("网络空间安全学院举办“大模型安全”学术讲座。") == [("网络空间安全学院", "organizer")]
    assert orgs_of("9月3日，论坛在北京举办。") == []
    assert orgs_of("学院举办期间，师生踊跃参加。") == []
