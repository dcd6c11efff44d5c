"""Stage 1 on real corpus files: front matter, canonical URL, cleaned text, emphasis, duplicates."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from builder.articles import article_id_for, canonical_url, parse_article, read_article, read_articles
from builder.clean import clean_body
from builder.errors import ArticleError, BuilderError
from builder.models import Article, DuplicateFile
from builder.sources import discover
from tests.hostile_corpus import article

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEED = RAW / "cnis-2024-12-10-seed.md"


@pytest.fixture(scope="module")
def seed() -> Article:
    return read_article(SEED, RAW)


def test_read_article_seed_front_matter(seed: Article) -> None:
    assert seed.title == "聚焦 | 第八届“一带一路”园区建设国际合作峰会首次网络安全国际合作专题论坛在京举办"
    assert seed.source == "中国信息安全"
    assert seed.published_date == date(2024, 12, 10)
    assert seed.fetched_at == datetime(2025, 10, 6, 19, 40, 10, 489119, tzinfo=UTC)
    assert seed.language == "zh"
    assert seed.source_file == "cnis-2024-12-10-seed.md"
    assert seed.url.startswith("https://mp.weixin.qq.com/s?__biz=MzA5MzE5MDAzOA==&mid=2664231731")


def test_read_article_seed_canonical_url_and_id(seed: Article) -> None:
    assert seed.canonical_url == (
        "https://mp.weixin.qq.com/s?__biz=MzA5MzE5MDAzOA%3D%3D&idx=3&mid=2664231731"
        "&sn=9ed7aa5dcf60b42a52239381f96913be"
    )
    assert seed.article_id == article_id_for(seed.canonical_url) == "85113600f0c47899"


def test_read_article_seed_text_drops_platform_boilerplate(seed: Article) -> None:
    for chrome in ("预览时标签不可点", "微信扫一扫", "扫码订阅", "邮发代号", "征订热线", "mmbiz", "![", "**"):
        assert chrome not in seed.text
    assert "12月7日，第八届“一带一路”园区建设国际合作峰会首次网络安全国际合作专题论坛在北京举行。" in (
        seed.text
    )
    assert "三百多人参会。" in seed.text
    assert "\n\n\n" not in seed.text and seed.text == seed.text.strip()


def test_read_article_seed_emphasis_spans_index_text(seed: Article) -> None:
    emphasized = [seed.text[start:end] for start, end in seed.emphasis]
    assert "中国工程院院士吴世忠" in emphasized
    assert "《共建“一带一路”网络空间命运共同体》" in emphasized
    assert all(0 <= start < end <= len(seed.text) for start, end in seed.emphasis)


def test_read_articles_every_real_file_parses_with_unique_ids() -> None:
    items = list(read_articles(RAW))
    assert all(isinstance(item, Article) for item in items), [i for i in items if not isinstance(i, Article)]
    assert len(items) == len(list(RAW.glob("*.md")))
    assert len({item.article_id for item in items}) == len(items)
    for item in items:
        assert item.text and "\r" not in item.text and "\u200b" not in item.text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://mp.weixin.qq.com/s?__biz=X&mid=1&idx=3&sn=ab&chksm=zz&scene=58#rd",
         "https://mp.weixin.qq.com/s?__biz=X&idx=3&mid=1&sn=ab"),
        ("http://WWW.FreeBuf.com/news/1.html?utm_source=x&id=7#top", "https://www.freebuf.com/news/1.html?id=7"),
        ("https://www.4hou.com/posts/abc?from=timeline&share_token=1", "https://www.4hou.com/posts/abc"),
        ("  https://example.com/a?b=2&a=1  ", "https://example.com/a?a=1&b=2"),
    ],
)
def test_canonical_url_examples(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("**论坛**在京举办。\n\n![](x.png)\n\n预览时标签不可点\n赞", "论坛在京举办。"),
        ("## 议程 ##\n\n[报名](https://x.cn/a) 开放", "议程\n\n报名 开放"),
        ("- 第一项\n1. 第二项\n* 第三项", "第一项\n第二项\n第三项"),
        ("C# 与 F# 安全", "C# 与 F# 安全"),
        ("A&amp;B&nbsp;C\u3000D", "A&B C D"),
        ("段落一。\n\n段落一。\n\n段落二。", "段落一。\n\n段落二。"),
        ("正文。\n\n微信扫一扫可打开此内容，\n\n之后的都是页面", "正文。"),
        ("<p>甲</p><br/>乙", "甲乙"),
        ("---\n\n***\n\n正文", "正文"),
        ("扫码订阅《中国信息安全》\n\n邮发代号 2-786\n\n正文", "正文"),
    ],
    ids=["seed-like", "heading-link", "bullets", "csharp", "entities", "repeat", "cut-marker", "html",
         "rules", "banner"],
)
def test_clean_body_examples(body: str, text: str) -> None:
    assert clean_body(body).text == text


def test_clean_body_emphasis_span_follows_paragraph_offsets() -> None:
    cleaned = clean_body("第一段。\n\n  **吴世忠**的发言\n下一行 __重点__")
    assert cleaned.text == "第一段。\n\n吴世忠的发言\n下一行 重点"
    assert [cleaned.text[start:end] for start, end in cleaned.emphasis] == ["吴世忠", "重点"]


def test_parse_article_missing_date_line() -> None:
    raw = article("x", date="")
    with pytest.raises(ArticleError) as caught:
        parse_article(raw, "data/raw/x.md")
    assert caught.value.line() == "data/raw/x.md: date: missing or empty. Add 'date:' to the front matter."


def test_parse_article_yaml_scalars_stay_text() -> None:
    parsed = parse_article(article("yes", title="yes"), "yes.md")
    assert parsed.title == "yes"
    parsed = parse_article(article("n", title="2024"), "n.md")
    assert parsed.title == "2024"


def test_parse_article_title_whitespace_is_collapsed() -> None:
    parsed = parse_article(article("ws", title='"  第一行\\n  第二行\\t "'), "ws.md")
    assert parsed.title == "第一行 第二行"


def test_read_article_size_limit_line(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(article("big"))
    size = path.stat().st_size
    with pytest.raises(ArticleError) as caught:
        read_article(path, tmp_path, max_bytes=100)
    assert caught.value.line() == (
        f"big.md: size: over the 100-byte limit (got {size}). Raise --max-bytes or remove the file."
    )


def test_read_articles_byte_copy_of_a_losing_duplicate_names_the_file_kept(tmp_path: Path) -> None:
    old = article("same", body="旧正文。\n", fetch="2025-01-01T00:00:00")
    (tmp_path / "a-old.md").write_bytes(old)
    (tmp_path / "b-old-copy.md").write_bytes(old)
    (tmp_path / "c-new.md").write_bytes(article("same", body="新正文。\n", fetch="2025-02-01T00:00:00"))
    items = {item.source_file: item for item in read_articles(tmp_path)}
    assert items["a-old.md"] == DuplicateFile(
        "a-old.md", "c-new.md", "same canonical URL; the kept file has the later fetch_date",
        items["a-old.md"].raw_sha256,
    )
    assert items["b-old-copy.md"].kept_file == "c-new.md"
    assert items["b-old-copy.md"].reason == "byte-identical to a-old.md, itself a duplicate of the kept file"
    assert isinstance(items["c-new.md"], Article)
    assert list(items) == sorted(items)


def test_read_articles_same_url_and_fetch_date_keeps_first_path(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_bytes(article("tie", body="乙。\n"))
    (tmp_path / "a.md").write_bytes(article("tie", body="甲。\n"))
    items = {item.source_file: item for item in read_articles(tmp_path)}
    assert isinstance(items["a.md"], Article)
    assert items["b.md"].reason == "same canonical URL and fetch_date; the first file in path order is kept"


def test_read_articles_subfolders_are_read_in_path_order(tmp_path: Path) -> None:
    (tmp_path / "2024").mkdir()
    shutil.copy(SEED, tmp_path / "2024" / "seed.md")
    (tmp_path / "a.md").write_bytes(article("a"))
    (tmp_path / "notes.txt").write_text("not an input")
    assert [item.source_file for item in read_articles(tmp_path)] == ["2024/seed.md", "a.md"]


def test_discover_missing_raw_folder_line(tmp_path: Path) -> None:
    with pytest.raises(BuilderError) as caught:
        discover(tmp_path / "nope")
    assert caught.value.line() == (
        f"{tmp_path / 'nope'}: raw: not a folder. Pass the folder of raw articles with --raw."
    )
