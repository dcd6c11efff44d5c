"""``builder diff A B`` between a release and a build: text, JSON and errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builder.cli import app
from builder.release import diff
from tests.release_helpers import make_released_repo

SEED = "cnis-2024-12-10-seed.md"


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Release 1.0.0, then a build in which the seed article has a corrected title."""
    root = make_released_repo(tmp_path_factory.mktemp("cli-diff"))
    path = root / "data" / "raw" / SEED
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"^title: .*$", "title: 更正后的标题", text, count=1, flags=re.M), encoding="utf-8"
    )
    result = CliRunner().invoke(
        app, ["build", "--raw", str(root / "data" / "raw"), "--out", str(root / "build"), "-q"]
    )
    assert result.exit_code == 0, result.output
    return root


def _diff(root: Path, *args: str) -> object:
    return CliRunner().invoke(app, ["diff", *args, "--releases", str(root / "data" / "releases")])


def test_diff_names_the_changed_field(changed: Path) -> None:
    result = _diff(changed, "1.0.0", str(changed / "build"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"diff 1.0.0 → {changed / 'build'}: requires patch bump"
    assert "  articles: 1 record changed (patch)" in lines
    title = [line.strip() for line in lines if line.strip().startswith("title: ")]
    assert len(title) == 1 and title[0].endswith("→ “更正后的标题”")


def test_diff_json_equals_library_result(changed: Path) -> None:
    result = _diff(changed, "1.0.0", str(changed / "build"), "--json")
    assert result.exit_code == 0, result.output
    expected = diff("1.0.0", str(changed / "build"), releases_dir=changed / "data" / "releases").to_dict()
    assert json.loads(result.output) == json.loads(json.dumps(expected, ensure_ascii=False, default=str))
    change = json.loads(result.output)["tables"]["articles"]["changed"][0]
    assert change["fields"]["title"]["new"] == "更正后的标题"


def test_diff_of_identical_folders(changed: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(changed / "data" / "releases" / "1.0.0", tmp_path / "copy")
    result = _diff(changed, "1.0.0", str(copy))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"diff 1.0.0 → {copy}: requires none bump"


def test_diff_unknown_release(changed: Path) -> None:
    result = _diff(changed, "3.0.0", "build")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {changed / 'data' / 'releases'}: no release 3.0.0. Run builder release first."
    ]
