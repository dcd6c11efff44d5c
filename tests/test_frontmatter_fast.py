"""The front matter fast path reads exactly what the YAML loader reads, or leaves the file to it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.clean import strip_invisible
from builder.frontmatter import _FENCE, _load_yaml, _simple_front_matter, decode_raw, load_front_matter

REPO = Path(__file__).resolve().parents[1]
SHARED = next(
    (base / "shared" / "corpus" for base in REPO.parents if (base / "shared" / "corpus").is_dir()), None
)
CORPORA = [REPO / "data" / "raw", REPO / "tests" / "probes" / "articles", *([SHARED] if SHARED else [])]
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "500"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: pieces of values: YAML indicators, quotes, escapes, comment and mapping markers, null words, prose
VALUE_PIECES = [
    "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`", "\\",
    ": ", " #", " ", "  ", "\t", "~", "null", "Null", "NULL", "true", "yes", "2024-01-01", "12:30",
    "https://x.cn/a?b=1#c", "论坛", "：", "\u3000", "\xa0", "\u2028", "\x85", "\ufffe", "---", "...", "<<",
    "=", "a", "Z", "0", "\n", "\n  ", "\n\n", "\r",
]
KEYS = ["title", "url", "date", "fetch_date", "source", "tags", "null", "~", "a-b", "_x", "1", "键"]
values = st.lists(st.sampled_from(VALUE_PIECES) | st.text(max_size=3), max_size=8).map("".join)
quoted = values.map(lambda value: f'"{value}"') | values.map(lambda value: f"'{value}'")
lines = st.tuples(st.sampled_from(KEYS), st.sampled_from([":", ": ", ":  ", ": "]), values | quoted).map(
    lambda parts: "".join(parts)
)
headers = st.lists(lines | st.sampled_from(["", " ", "# note", "  indented: x", "- item"]), max_size=6).map(
    "\n".join
)


def _loaded(header: str) -> object:
    try:
        return _load_yaml(header)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as error:
        return error


@SETTINGS
@given(header=headers)
def test_the_fast_path_reads_what_yaml_reads(header: str) -> None:
    header = strip_invisible(header)
    fast = _simple_front_matter(header)
    if fast is not None:
        assert fast == _loaded(header)


@SETTINGS
@given(header=st.text(max_size=120))
def test_the_fast_path_reads_what_yaml_reads_on_any_text(header: str) -> None:
    header = strip_invisible(header)
    fast = _simple_front_matter(header)
    if fast is not None:
        assert fast == _loaded(header)


def test_the_fast_path_takes_the_usual_forms() -> None:
    header = (
        'title: "论坛: 开幕"\nurl: https://x.cn/a?b=1#c\ndate: 2024-01-01\nfetch_date: null\n'
        "source: '安全'\nx:"
    )
    assert _simple_front_matter(header) == {
        "title": "论坛: 开幕", "url": "https://x.cn/a?b=1#c", "date": "2024-01-01", "fetch_date": None,
        "source": "安全", "x": None,
    }
    assert _simple_front_matter(header) == _load_yaml(header)


@pytest.mark.parametrize(
    "header",
    ["title: a: b", "title: a #b", "title: [a]", "title: 'it''s'", 'title: "a\\tb"', "title: |", "t: x\nt: y",
     "null: x", "# c\nt: x", "t: x\n  y", "", "t: &a x", "t: a:"],
)
def test_the_fast_path_leaves_other_forms_to_yaml(header: str) -> None:
    assert _simple_front_matter(header) is None


def _real_headers() -> list[tuple[str, str]]:
    found = []
    for corpus in CORPORA:
        for path in sorted(corpus.rglob("*.md")) if corpus.is_dir() else []:
            try:
                text = decode_raw(path.read_bytes(), path.name)
            except Exception:  # noqa: BLE001 - undecodable files are other tests' business
                continue
            opening = _FENCE.match(text)
            closing = _FENCE.search(text, opening.end() + 1) if opening else None
            if closing is not None:
                header = text[opening.end() + 1 : closing.start()]
                found.append((str(path.relative_to(corpus.parent)), header))
    return found


REAL_HEADERS = _real_headers()


def test_the_fast_path_takes_every_real_front_matter() -> None:
    assert len(REAL_HEADERS) >= 26 + 29
    left = [name for name, header in REAL_HEADERS if _simple_front_matter(strip_invisible(header)) is None]
    assert left == []


@pytest.mark.parametrize(("name", "header"), REAL_HEADERS, ids=[name for name, _ in REAL_HEADERS])
def test_front_matter_of_real_articles_is_what_yaml_reads(name: str, header: str) -> None:
    assert load_front_matter(header, name) == _load_yaml(strip_invisible(header))
