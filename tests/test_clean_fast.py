"""The body cleaner's fast paths give exactly what the plain line-by-line cleaner gave.

``tests/reference_clean.py`` keeps the cleaner as it was before the fast paths; here it is
compared with ``builder.clean.clean_body`` on every real article body we have and on generated
Markdown that is dense in the characters the fast paths branch on.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.clean import _remove_links_and_tags, _strip_emphasis, clean_body
from builder.frontmatter import decode_raw, split_front_matter
from tests import reference_clean as reference
from tests.reference_clean import reference_clean_body, strip_emphasis

REPO = Path(__file__).resolve().parents[1]
#: the shared corpus (seed, dev, dev-web) lives in shared/ beside the clone or beside the worktrees' parent
SHARED = next(
    (base / "shared" / "corpus" for base in REPO.parents if (base / "shared" / "corpus").is_dir()), None
)
#: every folder of real raw articles the repository and its shared corpus hold
CORPORA = [REPO / "data" / "raw", REPO / "tests" / "probes" / "articles", *([SHARED] if SHARED else [])]
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Markdown and HTML markers, white space of every kind, boilerplate and cut-marker words, prose
PIECES = [
    "*", "**", "***", "_", "__", "___", "#", "## ", "###### ", "- ", "+ ", "* ", "1. ", "2) ", "---", "***",
    "![", "](", "[", "]", "(", ")", "<", ">", "</b>", "<br/>", "<https://x.cn/a>", "\\", "\\*", "&amp;",
    "&#10;", "&nbsp;", "\u3000", "\xa0", " ", "  ", "\t", "\n", "\n\n", "\n \n", "\u200b", "\x07", "赞",
    "预览时标签不可点", "微信扫一扫", "。", "，", "论坛", "在北京举行", "C#", "2024-01-01", "https://x.cn/a.png",
    "<!--", "-->", "<script>", "</script>", "Copyright © 2024", "京ICP备1号", "A", "z", "9",
]
EMPHASIS_PIECES = ["*", "**", "***", "_", "__", "___", "a", "论", " "]
bodies = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=60).map("".join)


def _real_bodies() -> list[tuple[str, str]]:
    found = []
    for corpus in CORPORA:
        for path in sorted(corpus.rglob("*.md")) if corpus.is_dir() else []:
            try:
                _, body = split_front_matter(decode_raw(path.read_bytes(), path.name), path.name)
            except Exception:  # noqa: BLE001 - unparseable files are other tests' business
                continue
            found.append((str(path.relative_to(corpus.parent)), body))
    return found


REAL_BODIES = _real_bodies()


def test_there_are_real_bodies_to_compare() -> None:
    assert len(REAL_BODIES) >= 26 + 29


@pytest.mark.parametrize(("name", "body"), REAL_BODIES, ids=[name for name, _ in REAL_BODIES])
def test_clean_body_equals_the_reference_on_real_articles(name: str, body: str) -> None:
    assert clean_body(body) == reference_clean_body(body)


@SETTINGS
@given(body=bodies)
def test_clean_body_equals_the_reference_on_markdown(body: str) -> None:
    assert clean_body(body) == reference_clean_body(body)


@SETTINGS
@given(body=st.text(max_size=300))
def test_clean_body_equals_the_reference_on_any_text(body: str) -> None:
    assert clean_body(body) == reference_clean_body(body)


@SETTINGS
@given(line=st.lists(st.sampled_from(EMPHASIS_PIECES), max_size=20).map("".join))
def test_strip_emphasis_equals_the_reference(line: str) -> None:
    assert _strip_emphasis(line) == strip_emphasis(line)


LINK_PIECES = ["!", "[", "]", "(", ")", "![", "](", "\n", "a", "论", " ", "<", ">", "<b x>", "<https://x.cn>"]


@SETTINGS
@given(text=st.lists(st.sampled_from(LINK_PIECES), max_size=40).map("".join))
def test_links_and_tags_removed_from_a_whole_body_as_from_each_line(text: str) -> None:
    def per_line(line: str) -> str:
        line = reference._LINK.sub(r"\1", reference._IMAGE.sub("", line))
        return reference._TAG.sub("", reference._AUTOLINK.sub(r"\1", line))

    assert _remove_links_and_tags(text) == "\n".join(per_line(line) for line in text.split("\n"))
