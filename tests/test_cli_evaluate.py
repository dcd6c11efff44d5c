"""Tests of ``builder evaluate`` through the Typer app on real Parquet builds in tmp_path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builder.cli import app
from builder.evaluate import evaluate
from tests.evaluate_builds import gold_files, perfect_prediction, variant, write_build, write_gold

runner = CliRunner()


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    rows = variant(perfect_prediction(gold_files()))
    rows["participants"][2]["role"] = "guest"
    return write_build(tmp_path / "build", rows), write_gold(tmp_path / "gold", gold_files())


def test_evaluate_prints_the_table(folders: tuple[Path, Path]) -> None:
    build_dir, gold_dir = folders
    result = runner.invoke(app, ["evaluate", "--build", str(build_dir), "--gold", str(gold_dir)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "participants (name+role)    0.750  0.750  0.750     3     1     1" in lines
    assert lines[-1] == (
        "headline (mean of events F1, participants F1 (name+role), organizations F1 (name+role), "
        "start-date accuracy, city accuracy): 0.9500"
    )
    assert not any(line.startswith("seed.md") for line in lines)


def test_evaluate_verbose_adds_one_line_per_article(folders: tuple[Path, Path]) -> None:
    build_dir, gold_dir = folders
    result = runner.invoke(app, ["evaluate", "--build", str(build_dir), "--gold", str(gold_dir), "--verbose"])
    assert result.exit_code == 0, result.output
    article_rows = [
        line.split() for line in result.stdout.splitlines() if line.split(" ", 1)[0].endswith(".md")
    ]
    assert article_rows == [
        ["paper.md", "0", "0", "0", "0/0/0", "0/0/0"],
        ["seed.md", "1", "1", "1", "2/1/1", "2/0/0"],
        ["summit.md", "1", "1", "1", "1/0/0", "1/0/0"],
    ]


def test_evaluate_json_equals_library_result(folders: tuple[Path, Path]) -> None:
    build_dir, gold_dir = folders
    result = runner.invoke(app, ["evaluate", "--build", str(build_dir), "--gold", str(gold_dir), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == evaluate(build_dir, gold_dir).to_dict()


def test_evaluate_missing_build_folder_fails(tmp_path: Path, folders: tuple[Path, Path]) -> None:
    _, gold_dir = folders
    missing = tmp_path / "nowhere"
    result = runner.invoke(app, ["evaluate", "--build", str(missing), "--gold", str(gold_dir)])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {missing}: build folder not found. Run `builder build` first or pass --build.\n"
    )


def test_evaluate_empty_gold_folder_fails(tmp_path: Path, folders: tuple[Path, Path]) -> None:
    build_dir, _ = folders
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["evaluate", "--build", str(build_dir), "--gold", str(empty)])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {empty}: no gold *.json files. Pass --gold a folder of gold files (see gold.md).\n"
    )


def test_evaluate_raw_builds_into_a_temporary_folder(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    raw_dir, gold_dir = tmp_path / "raw", tmp_path / "gold"
    raw_dir.mkdir()
    gold_dir.mkdir()
    shutil.copy(root / "data" / "raw" / "cnis-2024-12-10-seed.md", raw_dir)
    shutil.copy(root / "data" / "gold" / "cnis-2024-12-10-seed.json", gold_dir)
    result = runner.invoke(app, ["evaluate", "--raw", str(raw_dir), "--gold", str(gold_dir), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["build"], report["raw"], report["gold_articles"]) == (None, str(raw_dir), 1)
    assert report["articles_missing_from_build"] == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["gold", "raw"]
