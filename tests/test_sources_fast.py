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
    is_readable_file,
    open_input,
    readable_files,
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


def _outside_links(raw: Path) -> list[Path]:
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
    return [
        raw / "outdir" / "p.md", raw / "linked" / "x.md",
        raw / "b" / ".." / "a.md", raw / ".." / "outside" / "o.md",
    ]


def test_readable_files_agrees_with_is_readable_file_on_a_tricky_tree(tmp_path: Path) -> None:
    raw = _tricky_tree(tmp_path)
    # paths through a linked folder: discover never gives them, a caller may
    spelled = _outside_links(raw)
    paths = [*discover(raw), *spelled, raw / "absent.md"]
    expected = [is_readable_file(path, raw) for path in paths]
    assert readable_files(paths, raw) == expected
    assert expected.count(False) >= 8  # the folder, FIFO, links out, broken, looping, absent...
    readable = dict(zip(paths, expected, strict=True))
    assert readable[raw / "a.md"] and readable[raw / "link.md"] and readable[raw / "b" / "up.md"]
    assert not readable[raw / "outdir" / "p.md"] and readable[raw / "linked" / "x.md"]


def test_readable_files_when_the_raw_folder_itself_is_a_link(tmp_path: Path) -> None:
    raw = _tricky_tree(tmp_path)
    alias = tmp_path / "alias"
    alias.symlink_to(raw)
    paths = discover(alias)
    assert readable_files(paths, alias) == [is_readable_file(path, alias) for path in paths]
    assert readable_files(paths, raw) == [is_readable_file(path, raw) for path in paths]


#: what a generated entry of the raw folder is
KINDS = st.sampled_from(
    ["file", "folder", "link-in", "link-out", "link-folder-in", "link-folder-out", "broken"]
)


@given(entries=st.lists(st.tuples(st.sampled_from(["a", "b", "c/d", "c/e", "f/g/h"]), KINDS), max_size=10))
def test_readable_files_equals_is_readable_file_on_generated_trees(entries: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        raw, outside = root / "raw", root / "outside"
        raw.mkdir()
        (outside / "dir").mkdir(parents=True)
        (outside / "o.md").write_text("x", encoding="utf-8")
        (outside / "dir" / "x.md").write_text("x", encoding="utf-8")
        (raw / "target.md").write_text("x", encoding="utf-8")
        for name, kind in entries:
            path = raw / f"{name}.md"
            if path.exists() or path.is_symlink():
                continue
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):  # a parent is a file or link already
                continue
            if kind == "file":
                path.write_text("x", encoding="utf-8")
            elif kind == "folder":
                path.mkdir()
                (path / "x.md").write_text("x", encoding="utf-8")
            elif kind == "link-in":
                path.symlink_to(raw / "target.md")
            elif kind == "link-out":
                path.symlink_to(outside / "o.md")
            elif kind == "link-folder-in":
                path.symlink_to(raw)
            elif kind == "link-folder-out":
                path.symlink_to(outside / "dir")
            else:
                path.symlink_to(raw / "nowhere.md")
        # every .md entry three folders deep, also through linked folders (discover enters none)
        paths, folders = [], [raw]
        for _ in range(3):
            below = []
            for folder_path in folders:
                for entry in sorted(folder_path.iterdir()):
                    paths.append(entry)
                    if entry.is_dir():
                        below.append(entry)
            folders = below
        paths = [path for path in paths if path.name.endswith(".md")][:80]
        assert readable_files(paths, raw) == [is_readable_file(path, raw) for path in paths]
