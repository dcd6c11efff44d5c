"""``builder card``: re-render the card and metadata of a folder; one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from builder.cli import app
from tests.card_build import GOLD_DIR

runner = CliRunner()


def copy_build(card_build: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "build"
    shutil.copytree(card_build, folder)
    return folder


def test_card_rerenders_the_same_bytes(card_build: Path, tmp_path: Path) -> None:
    folder = copy_build(card_build, tmp_path)
    before = {
        name: (folder / name).read_bytes() for name in ("README.md", "croissant.json", "datapackage.json")
    }
    (folder / "README.md").write_text("edited by hand\n", encoding="utf-8")
    result = runner.invoke(app, ["card", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote {folder / 'README.md'}",
        f"wrote {folder / 'croissant.json'}",
        f"wrote {folder / 'datapackage.json'}",
    ]
    assert {name: (folder / name).read_bytes() for name in before} == before


def test_card_gold_fills_the_quality_section(card_build: Path, tmp_path: Path) -> None:
    folder = copy_build(card_build, tmp_path)
    result = runner.invoke(app, ["card", str(folder), "--gold", str(GOLD_DIR), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["written"][0] == str(folder / "README.md")
    text = (folder / "README.md").read_text(encoding="utf-8")
    assert "Measured with `builder evaluate` against 26 hand-annotated gold articles" in text


def test_card_root_writes_the_root_card_and_hub_yaml(card_build: Path, tmp_path: Path) -> None:
    release = tmp_path / "data" / "releases" / "1.0.0"
    shutil.copytree(card_build, release)
    result = runner.invoke(app, ["card", str(release), "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dataset_card.md").is_file() and (tmp_path / ".huggingface.yaml").is_file()
    assert "path: data/releases/1.0.0/events/train-*.parquet" in (tmp_path / ".huggingface.yaml").read_text(
        encoding="utf-8"
    )


def test_card_without_manifest_fails_with_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["card", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path}: no manifest.json. Pass a build or release folder written by `builder build`.\n"
    )


def test_card_with_a_missing_table_fails_with_one_line(card_build: Path, tmp_path: Path) -> None:
    folder = copy_build(card_build, tmp_path)
    shutil.rmtree(folder / "events")
    result = runner.invoke(app, ["card", str(folder)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {folder / 'events' / 'train-00000-of-00001.parquet'}: missing table file. "
        "Run `builder build` to write a complete build folder.\n"
    )


def test_card_check_validates_both_metadata_files(card_build: Path) -> None:
    result = runner.invoke(app, ["card", str(card_build), "--check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "OK"
    counts = "articles 26, events 11, participants 37, organizations 15, documents 26"
    assert f"croissant.json: mlcroissant read {counts} records" in lines


def test_card_check_exits_1_naming_the_broken_file(card_build: Path, tmp_path: Path) -> None:
    folder = copy_build(card_build, tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["hash"] = "sha256:" + "0" * 64
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = runner.invoke(app, ["card", str(folder), "--check"])
    assert result.exit_code == 1
    assert (
        f"problem: {folder / 'datapackage.json'}: articles: hash or bytes differ from "
        "articles/train-00000-of-00001.parquet"
    ) in result.output.splitlines()
    assert result.output.splitlines()[-1] == "FAILED (1 problems)"


def test_card_check_without_metadata_fails_with_one_line(card_build: Path, tmp_path: Path) -> None:
    folder = copy_build(card_build, tmp_path)
    (folder / "croissant.json").unlink()
    result = runner.invoke(app, ["card", str(folder), "--check"])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {folder}: no croissant.json. Run `builder card` on the folder to write it.\n"
    )


def release_copy(card_build: Path, tmp_path: Path) -> Path:
    """A copy of the build posing as release 1.0.0 of a repository at ``tmp_path``."""
    release = tmp_path / "data" / "releases" / "1.0.0"
    shutil.copytree(card_build, release)
    manifest = {**json.loads((release / "manifest.json").read_text(encoding="utf-8")), "version": "1.0.0"}
    (release / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return release


def test_card_on_a_release_refreshes_only_the_root_card(card_build: Path, tmp_path: Path) -> None:
    release = release_copy(card_build, tmp_path)
    before = {path: path.read_bytes() for path in release.rglob("*") if path.is_file()}
    result = runner.invoke(app, ["card", str(release), "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote {tmp_path / 'dataset_card.md'}",
        f"wrote {tmp_path / '.huggingface.yaml'}",
    ]
    assert {path: path.read_bytes() for path in release.rglob("*") if path.is_file()} == before
    assert "Version **1.0.0**" in (tmp_path / "dataset_card.md").read_text(encoding="utf-8")


def test_card_on_a_release_without_root_fails_with_one_line(card_build: Path, tmp_path: Path) -> None:
    release = release_copy(card_build, tmp_path)
    result = runner.invoke(app, ["card", str(release)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {release}: holds release 1.0.0, which is immutable; its card is not re-rendered. "
        "Pass --root to refresh the repository's root card for it.\n"
    )
