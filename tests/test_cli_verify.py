"""``builder verify [VERSION | PATH | --all]`` on a real release: success, a flipped byte, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builder.cli import app
from builder.release import verify
from tests.release_helpers import make_released_repo

EVENTS = "events/train-00000-of-00001.parquet"


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_released_repo(tmp_path_factory.mktemp("cli-verify"))


@pytest.fixture()
def releases(released: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(released / "data" / "releases", tmp_path / "releases"))


def _verify(releases: Path, *args: str) -> object:
    return CliRunner().invoke(app, ["verify", *args, "--releases", str(releases)])


def test_verify_release_ok(releases: Path) -> None:
    result = _verify(releases, "1.0.0")
    assert result.exit_code == 0, result.output
    count = len([path for path in (releases / "1.0.0").rglob("*") if path.is_file()])
    assert result.output.splitlines() == [f"verified {count} files in 1 folders: OK"]


def test_verify_folder_path_and_all(releases: Path) -> None:
    assert _verify(releases, str(releases / "1.0.0")).exit_code == 0
    assert _verify(releases, "--all").exit_code == 0


@pytest.mark.parametrize("relative", [EVENTS, "README.md", "manifest.json"])
def test_verify_flipped_byte_exits_1_naming_the_file(releases: Path, relative: str) -> None:
    path = releases / "1.0.0" / relative
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))
    result = _verify(releases, "1.0.0")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith(f"{(releases / '1.0.0').as_posix()}/{relative}: ") for line in lines), lines
    assert lines[-1].startswith("verified ") and "FAILED" in lines[-1]


def test_verify_json_equals_library_result(releases: Path) -> None:
    (releases / "1.0.0" / EVENTS).write_bytes(b"PAR1")
    result = _verify(releases, "--all", "--json")
    assert result.exit_code == 1
    assert json.loads(result.output) == verify(None, releases_dir=releases, all_releases=True).to_dict()


def test_verify_unknown_version(releases: Path) -> None:
    result = _verify(releases, "9.0.0")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {releases}: no release 9.0.0. Known releases: 1.0.0."]


def test_verify_without_target(releases: Path) -> None:
    result = _verify(releases)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: nothing to verify. Name a version (1.0.0), a folder (build) or pass --all."
    ]
