"""``builder watch`` end to end: one JSON line per build, the folder ``builder build`` writes, errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from builder.cli import app
from builder.release.manifest import sha256_file

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw"
runner = CliRunner()


def _hashes(folder: Path) -> dict[str, str]:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): sha256_file(path) for path in files}


def test_watch_with_max_builds_and_gold_writes_what_build_writes(tmp_path: Path) -> None:
    watched, built = tmp_path / "watched" / "build", tmp_path / "built" / "build"
    gold = ["--gold", str(REPO / "data" / "gold")]
    command = ["watch", "--raw", str(RAW), "--out", str(watched), "--no-cache", "--max-builds", "1", "--json"]
    result = runner.invoke(app, [*command, *gold])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["articles"] == 26 and report["seconds"] > 0
    command = ["build", "--raw", str(RAW), "--out", str(built), "--no-cache", "--quiet", *gold]
    assert runner.invoke(app, command).exit_code == 0
    assert _hashes(watched) == _hashes(built)


def test_watch_prints_the_summary_and_its_time(tmp_path: Path) -> None:
    command = ["watch", "--raw", str(RAW), "--out", str(tmp_path / "b"), "--no-cache", "--max-builds", "1"]
    command.append("-q")
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "read 26 files = 26 articles + 0 duplicates + 0 rejected"
    assert lines[-1].startswith("built in ") and lines[-1].endswith(" s; watching for changes (Ctrl-C stops)")


def test_watch_exits_1_when_its_last_build_failed(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious", encoding="utf-8")
    result = runner.invoke(app, ["watch", "--raw", str(RAW), "--out", str(mine), "--max-builds", "1", "-q"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {mine}: is not empty and holds no previous build (no manifest.json); "
        "refusing to replace it. Choose an empty or new --out folder."
    ]
    assert [path.name for path in mine.iterdir()] == ["notes.txt"]


def test_a_running_watch_rebuilds_when_an_article_changes(tmp_path: Path) -> None:
    """The real command in a child process: a change made while it runs shows in its next JSON line."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    old = time.time() - 60
    for path in raw.glob("*.md"):
        os.utime(path, (old, old))
    command = [sys.executable, "-m", "builder", "watch", "--raw", str(raw), "--out", str(tmp_path / "build"),
               "--no-cache", "--jobs", "1", "--json", "--interval", "0.1", "--max-builds", "2"]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        first = json.loads(child.stdout.readline())
        target = raw / "cnis-2024-12-10-seed.md"
        target.write_text(target.read_text(encoding="utf-8") + "\n本文已更新。\n", encoding="utf-8")
        second = json.loads(child.stdout.readline())
        assert child.wait(timeout=60) == 0
    assert first["work"]["cached"] == 0
    # every file but the changed one's chunk came from memory (data/raw is one chunk: all again)
    assert second["articles"] == 26 and second["work"]["cached"] < 26
    manifest = json.loads((tmp_path / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["cnis-2024-12-10-seed.md"] == sha256_file(target)


def test_watch_of_a_missing_raw_folder_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["watch", "--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path / "b")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {tmp_path / 'nowhere'}: raw: not a folder. Pass the folder of raw articles with --raw."
    ]


def test_watch_refuses_an_out_folder_inside_the_raw_folder(tmp_path: Path) -> None:
    """Its card would be a new input after every build: the watch would rebuild for ever."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    command = ["watch", "--raw", str(raw), "--out", str(raw / "build"), "--max-builds", "1"]
    result = runner.invoke(app, command)
    assert result.exit_code == 1
    assert "is inside the raw folder" in result.stderr
    assert not (raw / "build").exists()
