"""The shortcuts of ``builder.sources.open_input`` give what the plain pathlib calls gave."""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.errors import ArticleError, BuilderError
from builder.sources import (
    discover,
    display_name,
    open_input,
    relative_name,
    scan_inputs,
)

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


def _tricky_tree(root: Path) -> Path:
    """Files, nested folders, a folder named like an article, links to a file and to a folder, a FIFO."""
    raw = root / "raw"
    (raw / "b" / "c").mkdir(parents=True)
    (raw / "folder.md" / "inner").mkdir(parents=True)
    names = ("a.md", "b/x.md", "b/c/y.md", "b/c/notes.txt", "folder.md/z.md", "folder.md/inner/w.md")
    names += ("论坛.md",)
    for name in names:
        (raw / name).write_text("x", encoding="utf-8")
    (raw / "link.md").symlink_to(raw / "a.md")
    (raw / "linked").symlink_to(raw / "b")  # a linked folder is listed by neither, nor entered
    (raw / "linked.md").symlink_to(raw / "b")
    os.mkfifo(raw / "pipe.md")
    return raw


def test_scan_inputs_lists_what_discover_lists_with_each_lstat(tmp_path: Path) -> None:
    raw = _tricky_tree(tmp_path)
    scanned = scan_inputs(raw)
    discovered = discover(raw)
    assert [name for name, _ in scanned] == [path.relative_to(raw).as_posix() for path in discovered]
    assert [status.st_ino for _, status in scanned] == [os.lstat(path).st_ino for path in discovered]
    assert "linked/x.md" not in dict(scanned)


PARTS = st.sampled_from(["a", "b.md", "c", "论坛.md", "d.md"])


@given(names=st.lists(st.lists(PARTS, min_size=1, max_size=3), max_size=8))
def test_scan_inputs_orders_like_discover(names: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder)
        for parts in names:
            path = raw.joinpath(*parts)
            if any(parent.is_file() for parent in path.parents) or path.is_dir():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x", encoding="utf-8")
        expected = [path.relative_to(raw).as_posix() for path in discover(raw)]
        assert [name for name, _ in scan_inputs(raw)] == expected


def test_scan_inputs_refuses_what_discover_refuses(tmp_path: Path) -> None:
    with pytest.raises(BuilderError) as scanned:
        scan_inputs(tmp_path / "missing")
    with pytest.raises(BuilderError) as discovered:
        discover(tmp_path / "missing")
    assert scanned.value.line() == discovered.value.line()


def _outside_links(raw: Path) -> None:
    """Links that lead out of ``raw``: to a file, to a folder holding articles, broken, looping."""
    outside = raw.parent / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "o.md").write_text("x", encoding="utf-8")
    (outside / "sub" / "p.md").write_text("x", encoding="utf-8")
    (raw / "out.md").symlink_to(outside / "o.md")
    (raw / "outdir").symlink_to(outside / "sub")
    (raw / "broken.md").symlink_to(raw / "missing.md")
    (raw / "loop.md").symlink_to(raw / "loop.md")
    (raw / "b" / "up.md").symlink_to(Path("..") / "a.md")
