"""The shortcuts of ``builder.sources.open_input`` give what the plain pathlib calls gave."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.errors import ArticleError
from builder.sources import display_name, open_input, relative_name

SEGMENTS = st.sampled_from(["a", "b.md", "论坛", "..", ".", "x y", "-", "a\\b", "ä"])


@given(
    root=st.lists(SEGMENTS, max_size=3),
    below=st.lists(SEGMENTS, min_size=1, max_size=3),
    absolute=st.booleans(),
)
def test_relative_name_equals_pathlib(root: list[str], below: list[str], absolute: bool) -> None:
    raw_dir = Path("/" if absolute else ".", *root)
    path = raw_dir.joinpath(*below)
    assert relative_name(path, raw_dir) == path.relative_to(raw_dir).as_posix()


@given(name=st.text(max_size=20))
def test_display_name_escapes_exactly_the_control_characters_and_surrogates(name: str) -> None:
    escaped = "".join(
        char.encode("unicode_escape").decode("ascii") if unicodedata.category(char) in ("Cc", "Cs") else char
        for char in name
    )
    assert display_name(name) == escaped


@pytest.mark.parametrize("size", [0, 1, 99, 100])
def test_open_input_reads_whole_files_up_to_the_limit(tmp_path: Path, size: int) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"x" * size)
    assert open_input(path, tmp_path, 100) == ("a.md", b"x" * size)


def test_open_input_refuses_a_file_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"x" * 101)
    with pytest.raises(ArticleError, match="over the 100-byte limit"):
        open_input(path, tmp_path, 100)


def test_open_input_reads_through_a_link_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"abc")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    assert open_input(tmp_path / "b.md", tmp_path, 100) == ("b.md", b"abc")
