"""``builder publish``: offline card checks, dry run, refusals; no network is used."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builder.cli import app
from builder.release import publish
from tests.release_helpers import make_released_repo, reseal

SECRET = "hf_testtokenthatmustneverbeprinted0000"


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_released_repo(tmp_path_factory.mktemp("cli-publish"))


@pytest.fixture()
def releases(released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return Path(shutil.copytree(released / "data" / "releases", tmp_path / "releases"))


def _publish(releases: Path, *args: str, env: dict | None = None) -> object:
    return CliRunner().invoke(app, ["publish", *args, "--releases", str(releases)], env=env)


def _edit_card(folder: Path, old: str, new: str) -> None:
    card = folder / "README.md"
    text = card.read_text(encoding="utf-8")
    assert old in text
    card.write_text(text.replace(old, new, 1), encoding="utf-8")
    reseal(folder)


def test_publish_dry_run_lists_files_and_never_prints_the_token(releases: Path) -> None:
    result = _publish(releases, "--repo-id", "my-org/cyber-events", "--dry-run", env={"HF_TOKEN": SECRET})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    folder = releases / "1.0.0"
    assert lines[0].startswith(
        f"would upload {folder} to https://huggingface.co/datasets/my-org/cyber-events ("
    )
    files = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    assert [line.split(" (")[0].strip() for line in lines[1 : 1 + len(files)]] == files
    assert lines[-1] == "would tag 1.0.0"
    assert "events" in lines[-2]
    assert SECRET not in result.output


def test_publish_json_equals_library_result(releases: Path) -> None:
    result = _publish(releases, "--repo-id", "o/n", "--version", "1.0.0", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    expected = publish("o/n", releases_dir=releases, version="1.0.0", dry_run=True).to_dict()
    assert json.loads(result.output) == expected


def test_publish_refuses_card_without_license(releases: Path) -> None:
    folder = releases / "1.0.0"
    text = (folder / "README.md").read_text(encoding="utf-8")
    license_line = next(line for line in text.splitlines() if line.startswith("license:"))
    _edit_card(folder, license_line + "\n", "")
    result = _publish(releases, "--repo-id", "o/n", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {folder.as_posix()}/README.md: card metadata lacks license. "
        "Render the card again with builder release."
    ]


def test_publish_refuses_glob_matching_nothing(releases: Path) -> None:
    folder = releases / "1.0.0"
    _edit_card(folder, "events/train-", "evnets/train-")
    result = _publish(releases, "--repo-id", "o/n", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {folder.as_posix()}/README.md: config events: "
        "data_files 'evnets/train-*.parquet' matches no file. "
        "Render the card again with builder release."
    ]


def test_publish_refuses_unparseable_card(releases: Path) -> None:
    folder = releases / "1.0.0"
    _edit_card(folder, "license:", "license: [")
    result = _publish(releases, "--repo-id", "o/n", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder.as_posix()}/README.md: card metadata does not parse (")


def test_publish_refuses_corrupted_release(releases: Path) -> None:
    (releases / "1.0.0" / "README.md").write_text("tampered\n", encoding="utf-8")
    result = _publish(releases, "--repo-id", "o/n", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {releases / '1.0.0'}: release fails verify (")


def test_publish_refuses_bad_repo_id(releases: Path) -> None:
    result = _publish(releases, "--repo-id", "no-slash", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: repo_id: not a Hub repository id OWNER/NAME (got 'no-slash'). "
        "Pass --repo-id like my-org/cyber-events."
    ]


def test_publish_without_token_is_refused_before_any_upload(
    releases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr("huggingface_hub.constants.HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.setattr("huggingface_hub.constants.HF_STORED_TOKENS_PATH", str(tmp_path / "no-tokens"))
    result = _publish(releases, "--repo-id", "o/n")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: no Hugging Face token. Set HF_TOKEN or run `hf auth login`."
    ]
