"""``builder extract FILE [--json]`` on real article files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from builder.cli import app
from builder.extract import extract_file

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "raw" / "cnis-2024-12-10-seed.md"
FORUM = "第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛"


def test_extract_prints_the_seed_event(tmp_path: Path) -> None:
    path = Path(shutil.copy(SEED, tmp_path / SEED.name))
    result = CliRunner().invoke(app, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{path}: 1 event (rules {extract_file(path).extraction.extractor_version})"
    assert lines[1] == f"event 1: {FORUM} [forum, held] 2024-12-07 北京 CN"
    assert "  theme: 网络安全国际合作" in lines
    assert "  attendance: 300 (三百多人)" in lines


def test_extract_json_equals_the_library_result(tmp_path: Path) -> None:
    path = Path(shutil.copy(SEED, tmp_path / SEED.name))
    result = CliRunner().invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == json.loads(json.dumps(extract_file(path).to_dict(), ensure_ascii=False))
    (event,) = printed["events"]
    assert (event["name"], event["start_date"], event["edition"]) == (FORUM, "2024-12-07", 8)
    assert event["evidence"]["sentence"] == printed_text_slice(path, event["evidence"])


def printed_text_slice(path: Path, evidence: dict) -> str:
    return extract_file(path).article.text[evidence["start"] : evidence["end"]]


def test_extract_negative_article_prints_no_event(tmp_path: Path) -> None:
    source = ROOT / "data" / "raw" / "cnis-2024-07-04-05c4d237.md"
    path = Path(shutil.copy(source, tmp_path / source.name))
    result = CliRunner().invoke(app, ["extract", str(path)])
    assert result.exit_code == 0
    version = extract_file(path).extraction.extractor_version
    assert result.output.splitlines() == [f"{path}: 0 events (rules {version})"]


def test_extract_file_without_front_matter_fails_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bare.md"
    path.write_text("论坛在京举办。\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: bare.md: front matter: missing (the file must start with a '---' line). "
        "Add front matter with url, title and date."
    )
