"""Participants on real sentences of data/raw: names, roles, affiliation/position split, talk titles."""

from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.articles import parse_article, read_article
from builder.extract.chinese import simplified
from builder.extract.names import read_name, split_affiliation
from builder.extract.people import find_participants
from builder.extract.roles import roles_in
from builder.models import Article, Participant

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "data" / "gold"


def article_of(body: str) -> Article:
    """An article whose body is ``body``, cleaned by the real stage-1 code."""
    raw = f"---\ntitle: t\nurl: https://example.org/a\ndate: 2026-03-30\n---\n\n{body}\n"
    return parse_article(raw.encode("utf-8"), "a.md")


def people_of(body: str) -> tuple[Participant, ...]:
    article = article_of(body)
    found = find_participants(article, 0, len(article.text))
    for person in found:
        evidence = person.evidence
        assert article.text[evidence.start : evidence.end] == evidence.sentence
    return found


def row(person: Participant) -> tuple:
    return (
        person.name,
        person.role,
        person.affiliation,
        person.position,
        person.name_latin,
        person.talk_title,
    )


def test_seed_participants_match_gold_exactly() -> None:
    article = read_article(RAW / "cnis-2024-12-10-seed.md", RAW)
    gold = json.loads((GOLD / "cnis-2024-12-10-seed.json").read_text(encoding="utf-8"))["events"][0]
    found = find_participants(article, 0, len(article.text))
    expected = [
        (p["name"], p["role"], p["affiliation"], p["position"], p["name_latin"], p["talk_title"])
        for p in gold["participants"]
    ]
    assert [row(p) for p in found] == expected
    for person in found:
        assert article.text[person.evidence.start : person.evidence.end] == person.evidence.sentence


def test_bold_speaker_line_and_repeated_caption_give_one_person() -> None:
    found = people_of(
        "**《中国企业报》集团社长、总裁吴昀国**在开幕致辞时提到，深化国家网络安全战略应强调国际合作。\n\n"
        "**《中国企业报》集团社长、总裁吴昀国**"
    )
    assert [row(p) for p in found] == [("吴昀国", "speaker", "《中国企业报》集团", "社长、总裁", None, None)]


def test_moderator_with_affiliation_and_no_title() -> None:
    found = people_of(
        "会议由清华大学李琦主持，从互联网域间路由的发展脉络出发，回顾了 BGP 体系的长期演进路径。"
    )
    assert [row(p) for p in found] == [("李琦", "moderator", "清华大学", None, None, None)]


def test_nearest_organization_and_title_pair_and_quoted_talk_title() -> None:
    found = people_of(
        "MANRS 指导委员会成员、ZDNS 副主任、首席科学家马迪系统介绍了“How we develop, adopt and maintain "
        "MANRS documents: The MANRS Development Pr"
        "ocess”，从社区共识构建与最佳实践推广角度，揭示了路由安全协同治理的演进逻辑。"
    )
    assert [row(p) for p in found] == [
        (
            "马迪",
            "speaker",
            "ZDNS",
            "副主任、首席科学家",
            None,
            "How we develop, adopt and maintain MANRS documents: The MANRS Development Process",
        )
    ]


def test_latin_name_after_title() -> None:
    found = people_of(
        "IETF IDR 工作组主席 Susan Hares 在“Reducing Time to"
        " BGP Changes”中，深入探讨了如何缩短BGP机制从理念提出到规模部署之间的周期。"
    )
    assert [row(p) for p in found] == [
        ("Susan Hares", "speaker", "IETF IDR 工作组", "主席", "Susan Hares", "Reducing Time to BGP Changes")
    ]


def test_latin_name_followed_by_what_a_speaker_does() -> None:
    found = people_of("Joseph Potvin 分享了利用 LLM 辅助解析 RFC 文档与协议逻辑的探索实践。")
    assert [row(p) for p in found] == [("Joseph Potvin", "speaker", None, None, "Joseph Potvin", None)]


def test_guests_in_a_list_share_the_cue_before_them() -> None:
    found = people_of(
        "本次峰会以“Agentic AI 创新应用：Web 4.0 时代"
        "的技术变革与产业融合”为主题，汇聚了香港特区政府财政司司长陈茂波、"
        "香港数码港主席陈细明、香港数码港董事及 Nano Labs "
        "创始人孔剑平以及著名天使投资人蔡文胜等政产学研各界顶尖力量，"
        "共同探讨 AI 从“对话”向“行动”跨越新纪元下的机遇与挑战。"
    )
    assert [(p.name, p.role) for p in found] == [
        ("陈茂波", "guest"),
        ("陈细明", "guest"),
        ("孔剑平", "guest"),
        ("蔡文胜", "guest"),
    ]
    assert found[1].affiliation == "香港数码港" and found[1].position == "主席"


def test_talk_title_in_book_brackets_and_title_words_after_organization() -> None:
    found = people_of(
        "小米集团安全工程师徐盛华在《Agent 不只是“说错话”——四层运行时安全防护体系》的分享中提出，"
        "大语言模型只输出文字，智能体则会真的行动。\n\n小米集团安全工程师  徐盛华"
    )
    assert [row(p) for p in found] == [
        ("徐盛华", "speaker", "小米集团", "安全工程师", None, "Agent 不只是“说错话”——四层运行时安全防护体系")
    ]


def test_talk_title_after_ti_wei_with_several_speakers_sharing_it() -> None:
    found = people_of(
        "慢雾(SlowMist) 创始人余弦受邀出席本次峰会，并发"
        "表了题为《AI 与加密世界的安全挑战及防御创新》的主题演讲。"
    )
    assert [row(p) for p in found] == [
        ("余弦", "speaker", "慢雾(SlowMist)", "创始人", None, "AI 与加密世界的安全挑战及防御创新")
    ]


def test_panelist_from_round_table() -> None:
    found = people_of(
        "亚信出席活动，亚信安全高级副总裁付廷升受邀参加论坛圆桌对话环节，与多位行业顶尖专家同台。"
    )
    assert [row(p) for p in found] == [("付廷升", "panelist", "亚信安全", "高级副总裁", None, None)]


def test_quoted_theme_of_a_livestream_is_the_talk_title() -> None:
    found = people_of(
        "6月27日，互联网科技运维经理王明松在FreeBuf甲方社群第"
        "十二期内部直播中担任主讲嘉宾，以“浅谈云安全”为主题进行分享。"
    )
    assert [(p.name, p.role, p.talk_title) for p in found] == [("王明松", "speaker", "浅谈云安全")]


def test_traditional_characters_keep_the_text_as_written() -> None:
    sentence = (
        "中国联通王翠翠围绕“The Routing Deadlock: Challenges We Can No Longer Ignore”，从工程实践出发。"
    )
    traditional = opencc.OpenCC("s2t").convert(sentence)
    found = people_of(traditional)
    assert [(p.name, p.affiliation, p.role) for p in found] == [("王翠翠", "中國聯通", "speaker")]


def test_scope_limits_what_is_read() -> None:
    article = article_of("会议由清华大学李琦主持。\n\n小米集团安全工程师徐盛华在分享中提出观点。")
    cut = article.text.index("\n")
    assert [p.name for p in find_participants(article, 0, cut)] == ["李琦"]
    assert [p.name for p in find_participants(article, cut, len(article.text))] == ["徐盛华"]


def test_title_word_is_not_a_name() -> None:
    assert (
        people_of("本次CCS我们派出了来自白泽团队的博士生肖浩宇作为代表，为大家带来了3场论文报告。")[0].name
        == "肖浩宇"
    )
    assert people_of("在问答环节，有观众提到，如何做云安全产品的选型？") == ()


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("副县长、公安局长石伟就2022年国家网络安全宣传周活动进行了安排部署", 8, 10),
        ("主席 Susan Hares", 3, None),
        ("召集人爱德华·汉弗莱斯发言", 3, 11),
        ("研究员李震共同带来", 3, 5),
        ("秘书长王建华会长", 3, 6),
    ],
)
def test_read_name_ends_where_the_following_words_begin(text: str, start: int, end: int | None) -> None:
    assert read_name(text, start) == end


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("公安部十一局原副局长、一级巡视员、总工程师", ("公安部十一局", "原副局长、一级巡视员、总工程师")),
        ("MANRS 指导委员会成员、ZDNS 副主任、首席科学家", ("ZDNS", "副主任、首席科学家")),
        (
            "北京航空航天大学网络空间安全学院原院长、国家级教学名师",
            ("北京航空航天大学网络空间安全学院", "原院长、国家级教学名师"),
        ),
        ("中国工程院院士", ("中国工程院", "院士")),
        ("清华大学", ("清华大学", None)),
    ],
)
def test_split_affiliation(prefix: str, expected: tuple) -> None:
    assert split_affiliation(prefix, prefix) == expected


def test_roles_in_prefers_every_cue_and_skips_quoted_words() -> None:
    assert roles_in("出席会议并致辞，") == ["guest", "speaker"]
    assert roles_in("等各界顶尖力量，共同探讨 AI 从“对话”向“行动”跨越") == []


@given(st.text(alphabet=st.sampled_from("黨組成員副局長王暉網絡安全會議主辦聯合舉辦的，。\n abc北京")))
def test_simplified_copy_keeps_every_offset(text: str) -> None:
    assert len(simplified(text)) == len(text)


# Layouts the corpus does not show yet (key-value roles, bullets, brackets, tables); the names are
# made up, the organizations are real ones from data/raw.
def test_role_keys_before_bare_names() -> None:
    found = people_of("主持人：王小明\n嘉宾：赵一鸣、钱文、孙小红")
    assert [(p.name, p.role) for p in found] == [
        ("王小明", "moderator"),
        ("赵一鸣", "guest"),
        ("钱文", "guest"),
        ("孙小红", "guest"),
    ]


def test_bullet_lines_with_the_description_after_the_name_under_a_heading() -> None:
    found = people_of("演讲嘉宾\n\n• 张三，北京大学网络空间安全学院教授\n• 李明（奇安信科技集团副总裁）\n")
    assert [row(p) for p in found] == [
        ("张三", "speaker", "北京大学网络空间安全学院", "教授", None, None),
        ("李明", "speaker", "奇安信科技集团", "副总裁", None, None),
    ]


def test_description_in_brackets_and_table_rows() -> None:
    found = people_of("会上，周伟（中国信息通信研究院副院长）表示，人工智能安全治理需要多方参与。")
    assert [row(p) for p in found] == [("周伟", "speaker", "中国信息通信研究院", "副院长", None, None)]
    found = people_of("| 姓名 | 单位 | 职务 |\n| 刘洋 | 清华大学 | 教授 |")
    assert [row(p) for p in found] == [("刘洋", "guest", "清华大学", "教授", None, None)]


def test_two_speakers_of_one_talk_one_without_a_known_family_name() -> None:
    found = people_of(
        "御之安前沿安全技术负责人浅蓝与御之安先驱实验室研究员李震共同带来《Cast Attack: A New Threat "
        "Posed by Ghost Bits in Java》：Java在字符向字节转换时会静默截断高位。"
    )
    title = "Cast Attack: A New Threat Posed by Ghost Bits in Java"
    assert [(p.name, p.role, p.affiliation, p.talk_title) for p in found] == [
        ("浅蓝", "speaker", "御之安前沿安全技术", title),
        ("李震", "speaker", "御之安先驱实验室", title),
    ]


def test_english_paper_title_after_a_dash() -> None:
    found = people_of(
        "在15号下午的ML and Security Session中，白泽博士生肖浩宇分享了来自白泽智能团队的另一项研究成果—— "
        "Neural Dehydration: Effective Erasure of Black-box Watermarks from DNNs with Limited Data。"
    )
    assert [(p.name, p.role, p.talk_title) for p in found] == [
        (
            "肖浩宇",
            "speaker",
            "Neural Dehydration: Effective Erasure of Black-box Watermarks from DNNs with Limited Data",
        )
    ]


def test_role_noun_before_a_bare_name_and_a_bare_name_that_acts() -> None:
    assert [(p.name, p.role) for p in people_of("论坛由主持人王小明主持。")] == [("王小明", "moderator")]
    found = people_of("会议由中国工程院院士、清华大学教授张三主持，李四致辞。")
    assert [row(p) for p in found] == [
        ("张三", "moderator", "清华大学", "教授", None, None),
        ("李四", "speaker", None, None, None, None),
    ]


def test_latin_words_that_are_products_or_companies_are_not_people() -> None:
    # lines and a sentence of data/raw/unsafesh-2023-06-19-d4c4343d.md and anquanke-2025-08-05-6bcb62c6.md
    assert people_of("Github CVE\n\nGithub Tools\n\nTwitter Bot\n\nTelegram Bot") == ()
    found = people_of(
        "据 Nextron Systems 的研究员 Pierre-Henri Pezier 表示：“该后门被构建为一个恶意的 PAM。”"
    )
    assert [row(p) for p in found] == [
        ("Pierre-Henri Pezier", "speaker", "Nextron Systems", "研究员", "Pierre-Henri Pezier", None)
    ]


def test_latin_title_right_before_a_han_name() -> None:
    """CEO林志远: a Latin title ends the description; sentences from our probe set (tests/probes)."""
    found = people_of("知道创宇CEO赵伟致开幕辞。")
    assert [row(p)[:4] for p in found] == [("赵伟", "speaker", "知道创宇", "CEO")]
    found = people_of("星盾科技创始人、CEO林志远在开幕致辞中表示：「安全是数字经济的底座。」")
    assert [row(p)[:2] for p in found] == [("林志远", "speaker")]


def test_zhujiang_is_what_a_lecturer_does() -> None:
    """University news: 讲座由…教授X主讲."""
    found = people_of("本次讲座由清华大学计算机系教授李建国主讲，学院副院长赵敏主持。")
    assert [row(p)[:2] for p in found] == [("李建国", "speaker"), ("赵敏", "moderator")]


def test_student_titles_of_university_news() -> None:
    """博士研究生周小川 (our probe set, tests/probes): a student title before a name."""
    found = people_of("博士研究生周小川作了题为《基于图神经网络的恶意流量检测》的报告。")
    assert [row(p) for p in found] == [
        ("周小川", "speaker", None, "博士研究生", None, "基于图神经网络的恶意流量检测")
    ]


def test_presenter_of_awards_is_not_an_awardee_and_a_contestant_is() -> None:
    """为获奖队伍颁奖 presents awards (other); 由选手X获得 receives one (our probe set, tests/probes)."""
    found = people_of("陕西省网络安全协会会长韩光明为获奖队伍颁奖。个人赛一等奖由选手罗明轩获得。")
    assert [row(p)[:2] for p in found] == [("韩光明", "other"), ("罗明轩", "awardee")]


def test_zhici_variant_yi_after_a_name_and_a_reporter_key() -> None:
    """致词 (Taiwan/HK usage), 亦出席并分享, 报告人： lines (our probe set, tests/probes)."""
    assert [row(p)[:4] for p in people_of("數位發展部部長王子揚於開幕典禮致詞。")] == [
        ("王子揚", "speaker", "數位發展部", "部長")
    ]
    found = people_of("香港警務處網絡安全及科技罪案調查科總警司黎偉雄亦出席並分享最新網絡罪案趨勢。")
    assert [row(p)[:2] for p in found] == [("黎偉雄", "speaker")]
    assert [row(p)[:2] for p in people_of("报告人：孙立平 教授（浙江大学）")] == [("孙立平", "speaker")]


def test_people_who_discuss_at_a_round_table_are_panelists() -> None:
    """…围绕AI安全展开讨论 after 圆桌对话环节 (our probe set, tests/probes)."""
    found = people_of("在圆桌对话环节，华为云安全首席架构师许宁、腾讯安全副总裁钱峰围绕AI安全展开讨论。")
    assert [row(p)[:2] for p in found] == [("许宁", "panelist"), ("钱峰", "panelist")]


def test_a_two_character_follower_ends_a_name_before_a_third_character() -> None:
    """陶伟作为, 王强作报告 and the Taiwan title 資安長 (our probe set, tests/probes)."""
    found = people_of("绿盟科技高级研究员陶伟作为对话嘉宾参与讨论。")
    assert [row(p)[:2] for p in found] == [("陶伟", "panelist")]
    assert [row(p)[0] for p in people_of("奇安信专家王强作报告。")] == ["王强"]
    found = people_of("中華電信資安長李文豪以「零信任落地實務」為題發表演講。")
    assert [row(p)[:4] for p in found] == [("李文豪", "speaker", "中華電信", "資安長")]


def test_talk_title_in_corner_brackets() -> None:
    """以「…」為題 (Taiwan/HK quotes; our probe set, tests/probes)."""
    found = people_of("中華電信資安長李文豪以「零信任落地實務」為題發表演講。")
    assert [row(p)[5] for p in found] == ["零信任落地實務"]
