"""``builder release`` on a repository-shaped tmp_path: computed bumps, refusals, index, loading, crashes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from builder.cli import app
from builder.release import verify
from tests.release_helpers import make_released_repo, reseal

SEED = "cnis-2024-12-10-seed.md"


def run(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def ok(*args: str) -> list[str]:
    result = run(*args)
    assert result.exit_code == 0, (args, result.output)
    return result.output.splitlines()


def error_line(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 1, (args, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def retitle(raw: Path, name: str, title: str) -> None:
    path = raw / name
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M), encoding="utf-8")


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_released_repo(tmp_path_factory.mktemp("cli-release"))


@pytest.fixture()
def repo(released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the released repository, as the working folder."""
    root = Path(shutil.copytree(released, tmp_path / "repo", symlinks=True))
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733875200")
    return root


def test_release_first_is_1_0_0_with_index(repo: Path) -> None:
    releases = repo / "data" / "releases"
    assert (releases / "LATEST").read_text(encoding="utf-8") == "1.0.0\n"
    manifest = json.loads((releases / "1.0.0" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "1.0.0"
    assert manifest["created_at"] == "2024-12-10T00:00:00Z"
    assert manifest["release"] == {
        "previous": None,
        "bump": "major",
        "reasons": ["first release"],
        "changes": None,
        "notes": None,
    }
    assert verify("1.0.0", releases_dir=releases).ok
    changelog = (releases / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 1.0.0 (2024-12-10)" in changelog and "First release." in changelog
    card = (repo / "dataset_card.md").read_text(encoding="utf-8")
    header = yaml.safe_load(card.split("---\n")[1])
    paths = [item["path"] for config in header["configs"] for item in config["data_files"]]
    assert all(path.startswith("data/releases/1.0.0/") for path in paths), paths
    assert "data/releases/1.0.0/" in (repo / ".huggingface.yaml").read_text(encoding="utf-8")


def test_release_change_one_article_gives_patch_diff_and_changelog(repo: Path) -> None:
    retitle(
        repo / "data" / "raw", SEED, "第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛在京举办"
    )
    ok("build", "--quiet")
    diff_lines = ok("diff", "1.0.0", "build")
    assert diff_lines[0] == "diff 1.0.0 → build: requires patch bump"
    assert any(line.strip().startswith("title: “") and "在京举办”" in line for line in diff_lines), diff_lines
    assert ok("release", "--notes", "Title corrected.")[0] == (
        f"released 1.0.1 (patch since 1.0.0) into {Path('data/releases/1.0.1')}"
    )
    releases = repo / "data" / "releases"
    assert (releases / "LATEST").read_text(encoding="utf-8") == "1.0.1\n"
    changelog = (releases / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 1.0.1 (2024-12-11)") < changelog.index("## 1.0.0 (2024-12-10)")
    assert "Title corrected." in changelog and "articles: changed `article_id=" in changelog
    card = (releases / "1.0.1" / "README.md").read_text(encoding="utf-8")
    assert "Changes since 1.0.0" in card
    assert verify(None, releases_dir=releases, all_releases=True).ok
    assert "data/releases/1.0.1/" in (repo / "dataset_card.md").read_text(encoding="utf-8")


def test_release_added_article_requires_minor_and_refuses_patch(repo: Path) -> None:
    raw = repo / "data" / "raw"
    text = (raw / SEED).read_text(encoding="utf-8")
    (raw / "copy.md").write_text(
        text.replace("url: ", "url: https://example.com/copy?of=", 1).replace("title: ", "title: 副本 ", 1),
        encoding="utf-8",
    )
    ok("build", "--quiet")
    line = error_line("release", "--bump", "patch")
    assert line.startswith("Error: bump: a patch bump is too small; the changes since 1.0.0 require minor: ")
    assert "articles: 1 record added (minor)" in line and line.endswith("Use --bump minor or omit --bump.")
    assert ok("release", "--json") and (repo / "data" / "releases" / "1.1.0" / "manifest.json").is_file()


def test_release_refuses_existing_version(repo: Path) -> None:
    retitle(repo / "data" / "raw", SEED, "新标题")
    ok("build", "--quiet")
    assert error_line("release", "--version", "1.0.0") == (
        f"Error: {Path('data/releases/1.0.0')}: release 1.0.0 already exists and is immutable. "
        "Release as 1.0.1 instead."
    )


def test_release_refuses_unchanged_build(repo: Path) -> None:
    assert error_line("release") == (
        "Error: nothing changed since 1.0.0. "
        "Pass --bump patch to release anyway (for example after a card fix)."
    )


def test_release_refuses_stale_build(repo: Path) -> None:
    retitle(repo / "data" / "raw", SEED, "构建之后改过")
    assert error_line("release") == (
        f"Error: data/raw/{SEED}: input changed since the build. "
        "Run builder build again before releasing build."
    )


def test_release_refuses_build_failing_validation(repo: Path) -> None:
    build = repo / "build"
    articles = build / "articles" / "train-00000-of-00001.parquet"
    table = pq.read_table(articles)
    position = table.schema.get_field_index("n_events")
    wrong = table.column("n_events").to_pylist()
    wrong[0] = wrong[0] + 5
    import pyarrow as pa

    pq.write_table(
        table.set_column(position, table.schema.field(position), pa.array(wrong, pa.int16())), articles
    )
    reseal(build)
    line = error_line("release")
    assert re.fullmatch(
        r"Error: build: build fails validation \(\d+ violations?\)\. "
        r"Run builder validate build and fix them\.",
        line,
    ), line


def test_release_refuses_corrupted_build(repo: Path) -> None:
    (repo / "build" / "README.md").write_text("edited\n", encoding="utf-8")
    line = error_line("release")
    assert line.startswith("Error: build: build differs from its manifest (build/README.md: bytes: expected ")
    assert line.endswith("Run builder build again.")


def test_release_rejects_non_semver_version(repo: Path) -> None:
    assert error_line("release", "--version", "v2") == (
        "Error: version: not a strict semver version MAJOR.MINOR.PATCH (got 'v2'). "
        "Use three numbers without leading zeros, e.g. 1.0.0."
    )


def test_load_dataset_root_and_pinned_version_offline(repo: Path, tmp_path: Path) -> None:
    import datasets

    retitle(repo / "data" / "raw", SEED, "第二版标题")
    ok("build", "--quiet")
    ok("release")
    pinned = datasets.load_dataset(
        "data/releases/1.0.0", "articles", split="train", cache_dir=str(tmp_path / "a")
    )
    # the repository root by absolute path: datasets 5.2 cannot name a dataset loaded as "."
    # (Path(".").name is empty: "ValueError: dataset_name should be specified but got None")
    latest = datasets.load_dataset(str(repo), "articles", split="train", cache_dir=str(tmp_path / "b"))
    titles = {row["article_id"]: row["title"] for row in pinned}
    new_titles = {row["article_id"]: row["title"] for row in latest}
    assert "第二版标题" in new_titles.values() and "第二版标题" not in titles.values()
    for config in ("events", "participants", "organizations"):
        rows = pq.read_metadata(f"data/releases/1.0.1/{config}/train-00000-of-00001.parquet").num_rows
        if rows:  # datasets cannot load a config without rows ("corresponds to no data")
            table = datasets.load_dataset(str(repo), config, split="train", cache_dir=str(tmp_path / config))
            assert table.num_rows == rows


def test_release_refuses_when_previous_release_is_corrupted(repo: Path) -> None:
    retitle(repo / "data" / "raw", SEED, "又一个标题")
    ok("build", "--quiet")
    (repo / "data" / "releases" / "1.0.0" / "README.md").write_text("tampered\n", encoding="utf-8")
    line = error_line("release")
    assert line.startswith(
        f"Error: {Path('data/releases/1.0.0')}: the previous release 1.0.0 fails verify ("
        "data/releases/1.0.0/README.md: bytes: expected "
    )
    assert line.endswith("Run builder verify 1.0.0 and restore it from version control.")
    assert not (repo / "data" / "releases" / "1.0.1").exists()
