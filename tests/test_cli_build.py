"""``builder build`` end to end on a copy of data/raw: layout, Parquet, manifest, determinism, safety.

Also the options of issue 7: --jobs, --no-cache, --cache-dir.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import schema
from builder.cli import app
from builder.release import verify_folder
from builder.release.manifest import sha256_file
from tests.release_helpers import make_repo

REPO = Path(__file__).resolve().parent.parent
TABLE_FILES = [f"{name}/train-00000-of-00001.parquet" for name in schema.TABLES]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """(raw folder, build folder, output lines) of one real build."""
    root = make_repo(tmp_path_factory.mktemp("cli-build"))
    raw, out = root / "data" / "raw", root / "build"
    result = CliRunner().invoke(app, ["build", "--raw", str(raw), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return raw, out, result.output.splitlines()


def _hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_build_summary_and_layout(built: tuple[Path, Path, list[str]]) -> None:
    raw, out, lines = built
    assert lines[0] == "read 26 files = 26 articles + 0 duplicates + 0 rejected"
    assert [line.split()[0] for line in lines[1:5]] == list(schema.TABLES)
    assert lines[-1].startswith(f"wrote {out} (") and lines[-1].endswith(f"rows in {out / 'quarantine'})")
    files = set(_hashes(out))
    assert {*TABLE_FILES, "quarantine/quarantine.parquet", "manifest.json", "README.md"} <= files


def test_build_tables_match_schema_and_manifest(built: tuple[Path, Path, list[str]]) -> None:
    raw, out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name, relative in zip(schema.TABLES, TABLE_FILES, strict=True):
        table = pq.read_table(out / relative)
        assert table.schema.remove_metadata() == schema.arrow_schema(name), name
        assert manifest["files"][relative]["rows"] == table.num_rows == manifest["tables"][name]["rows"]
        assert manifest["files"][relative]["sha256"] == sha256_file(out / relative)
    assert pq.read_table(out / TABLE_FILES[0]).num_rows == 26
    assert manifest["inputs"] == {path.name: sha256_file(path) for path in sorted(raw.glob("*.md"))}
    assert manifest["accounting"]["input_files"] == 26
    assert manifest["created_at"] is None
    assert verify_folder(out)[1] == []


def test_build_twice_is_byte_identical(built: tuple[Path, Path, list[str]]) -> None:
    """A second build, in another process (another pid for the staging folder), gives the same bytes."""
    raw, out, _ = built
    before = _hashes(out)
    command = [sys.executable, "-m", "builder", "build", "--raw", str(raw), "--out", str(out), "--quiet"]
    assert subprocess.run(command, cwd=REPO, capture_output=True).returncode == 0
    assert _hashes(out) == before


def test_build_replaces_previous_build_in_place(built: tuple[Path, Path, list[str]], tmp_path: Path) -> None:
    raw, out, _ = built
    copy = Path(shutil.copytree(out, tmp_path / "build"))
    (copy / "stale.txt").write_text("from an older build", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", "--raw", str(raw), "--out", str(copy), "--quiet"])
    assert result.exit_code == 0, result.output
    assert not (copy / "stale.txt").exists()
    assert verify_folder(copy)[1] == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["build"]


def test_build_reports_broken_article_and_publishes_the_rest(
    built: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    raw = Path(shutil.copytree(built[0], tmp_path / "raw"))
    (raw / "broken.md").write_text("no front matter here\n", encoding="utf-8")
    out = tmp_path / "build"
    result = CliRunner().invoke(app, ["build", "--raw", str(raw), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "rejected broken.md: front matter: missing (the file must start with a '---' line). "
        "Add front matter with url, title and date."
    )
    assert lines[1] == "read 27 files = 26 articles + 0 duplicates + 1 rejected"
    assert pq.read_table(out / TABLE_FILES[0]).num_rows == 26
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["accounting"]["rejected"] == [
        {
            "file": "broken.md",
            "field": "front matter",
            "reason": "missing (the file must start with a '---' line). "
            "Add front matter with url, title and date.",
        }
    ]


def test_build_created_at_from_source_date_epoch(
    built: tuple[Path, Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733788800")
    out = tmp_path / "build"
    result = CliRunner().invoke(app, ["build", "--raw", str(built[0]), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (
        json.loads((out / "manifest.json").read_text(encoding="utf-8"))["created_at"]
        == "2024-12-10T00:00:00Z"
    )


def test_build_refuses_to_replace_a_user_folder(built: tuple[Path, Path, list[str]], tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious", encoding="utf-8")
    cache = tmp_path / "cache"
    command = ["build", "--raw", str(built[0]), "--out", str(mine), "--cache-dir", str(cache), "--quiet"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {mine}: is not empty and holds no previous build (no manifest.json); "
        "refusing to replace it. "
        "Choose an empty or new --out folder."
    ]
    assert [path.name for path in mine.iterdir()] == ["thesis.tex"]
    # refused before any article was read: no cache entry was written
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mine"]


def test_build_refuses_an_out_folder_inside_the_raw_folder(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    out, cache = raw / "build", tmp_path / "cache"
    result = CliRunner().invoke(
        app, ["build", "--raw", str(raw), "--out", str(out), "--cache-dir", str(cache), "--quiet"]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {out}: is inside the raw folder {raw}; the next build would read its card as an "
        "article. Choose an --out folder outside --raw."
    ]
    assert not out.exists() and not cache.exists()


def test_build_refuses_to_replace_a_build_that_holds_the_raw_folder(tmp_path: Path) -> None:
    out = tmp_path / "build"
    first = CliRunner().invoke(app, ["build", "--raw", str(RAW), "--out", str(out), "--no-cache", "-q"])
    assert first.exit_code == 0
    raw = out / "raw"
    shutil.copytree(RAW, raw)
    result = CliRunner().invoke(app, ["build", "--raw", str(raw), "--out", str(out), "--no-cache", "-q"])
    assert result.exit_code == 1
    assert "replacing the build would delete the articles" in result.stderr
    assert len(list(raw.glob("*.md"))) == 26


def test_build_refuses_a_repository_root(built: tuple[Path, Path, list[str]], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    result = CliRunner().invoke(app, ["build", "--raw", str(built[0]), "--out", str(repo), "--quiet"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {repo}: is a repository root or the working folder; refusing to replace it. "
        "Choose a build folder such as --out build."
    ]


# --- issue 7: --jobs, --no-cache, --cache-dir ---

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
runner = CliRunner()


def run_build(*arguments: str) -> dict:
    result = runner.invoke(app, ["build", *arguments, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_cache_folder_fills_on_the_first_build_and_serves_the_second(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cache = tmp_path / "cache"
    first = run_build("--raw", str(raw), "--out", str(tmp_path / "a" / "build"), "--cache-dir", str(cache))
    assert first["work"]["cached"] == 0 and (cache / "CACHEDIR.TAG").is_file()
    second = run_build(
        "--raw", str(raw), "--out", str(tmp_path / "b" / "build"), "--cache-dir", str(cache), "--jobs", "2"
    )
    assert {**second["work"], "trusted": 0} == {
        "cached": first["articles"], "trusted": 0, "detected": 0, "extracted": 0
    }
    assert second["counts"] == first["counts"]


def test_no_cache_neither_reads_nor_writes_the_cache(tmp_path):
    cache = tmp_path / "cache"
    out = str(tmp_path / "build")
    report = run_build("--raw", str(RAW), "--out", out, "--cache-dir", str(cache), "--no-cache")
    assert not cache.exists()
    assert report["work"]["cached"] == 0 and report["work"]["detected"] == report["work"]["extracted"]


def test_jobs_below_one_is_refused_before_anything_is_read(tmp_path):
    result = runner.invoke(app, ["build", "--raw", str(RAW), "--out", str(tmp_path / "build"), "--jobs", "0"])
    assert result.exit_code == 2
    assert "--jobs" in result.output
    assert not (tmp_path / "build").exists()
