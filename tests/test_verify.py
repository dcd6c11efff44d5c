"""Stage 5 library: verify recomputes every checksum, size, row count and schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from builder.errors import ReleaseError
from builder.release import verify, verify_folder
from builder.release.manifest import sha256_file, write_manifest
from tests.release_helpers import copy_raw, write_test_build

EVENTS = "events/train-00000-of-00001.parquet"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("verify")
    write_test_build(copy_raw(base), base / "build")
    return base / "build"


@pytest.fixture()
def build(pristine: Path, tmp_path: Path) -> Path:
    shutil.copytree(pristine, tmp_path / "build")
    return tmp_path / "build"


def _files(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def test_verify_folder_ok(build: Path) -> None:
    checked, problems = verify_folder(build)
    assert problems == []
    assert checked == len(_files(build))


def test_verify_catches_one_flipped_byte_in_every_file(pristine: Path, tmp_path: Path) -> None:
    for relative in _files(pristine):
        size = (pristine / relative).stat().st_size
        for offset in sorted({0, size // 2, size - 1}):
            folder = tmp_path / f"{relative.replace('/', '_')}-{offset}"
            shutil.copytree(pristine, folder)
            data = bytearray((folder / relative).read_bytes())
            data[offset] ^= 0x01
            (folder / relative).write_bytes(bytes(data))
            _, problems = verify_folder(folder)
            named = {problem.file for problem in problems}
            assert problems, f"flipped byte {offset} of {relative} not caught"
            assert relative in named or (relative == "manifest.sha256" and "manifest.json" in named), named


def test_verify_reports_size_and_checksum_of_a_changed_file(build: Path) -> None:
    (build / "README.md").write_text("edited by hand\n", encoding="utf-8")
    _, problems = verify_folder(build)
    assert [(problem.file, problem.field) for problem in problems] == [
        ("README.md", "bytes"),
        ("README.md", "sha256"),
    ]
    assert problems[0].line() == f"{build.as_posix()}/README.md: bytes: expected 5, found 15"


def test_verify_reports_missing_and_unlisted_files(build: Path) -> None:
    (build / EVENTS).unlink()
    (build / "extra.txt").write_text("x", encoding="utf-8")
    _, problems = verify_folder(build)
    assert [problem.line() for problem in problems] == [
        f"{build.as_posix()}/{EVENTS}: file: expected present, found missing",
        f"{build.as_posix()}/extra.txt: file: expected listed in the manifest, found unlisted",
    ]


def test_verify_reports_rows_and_schema_against_manifest(build: Path) -> None:
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    table = pq.read_table(build / EVENTS)
    pq.write_table(table.slice(0, 3).drop_columns(["venue"]), build / EVENTS)
    manifest["files"][EVENTS].update(
        sha256=sha256_file(build / EVENTS), bytes=(build / EVENTS).stat().st_size
    )
    write_manifest(build, manifest)
    _, problems = verify_folder(build)
    assert [problem.field for problem in problems] == ["rows", "arrow schema"]
    assert problems[0].line().endswith(f"rows: expected {table.num_rows}, found 3")
    assert problems[1].found == "venue: string → absent"


def test_verify_unreadable_manifest(build: Path) -> None:
    (build / "manifest.json").write_text("{", encoding="utf-8")
    _, problems = verify_folder(build)
    assert [(problem.file, problem.field) for problem in problems] == [("manifest.json", "manifest")]


def test_verify_all_releases_and_by_version(build: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    releases.mkdir()
    for version in ("1.0.0", "1.1.0"):
        shutil.copytree(build, releases / version)
    (releases / "LATEST").write_text("1.0.0\n", encoding="utf-8")
    stale = verify(None, releases_dir=releases, all_releases=True)
    assert [problem.line() for problem in stale.problems] == [
        f"{releases.as_posix()}/LATEST: content: expected '1.1.0\\n', found '1.0.0\\n'"
    ]
    (releases / "LATEST").write_text("1.1.0\n", encoding="utf-8")
    report = verify(None, releases_dir=releases, all_releases=True)
    assert report.ok and report.folders == ((releases / "1.0.0").as_posix(), (releases / "1.1.0").as_posix())
    assert report.summary_lines() == [f"verified {report.files_checked} files in 2 folders: OK"]
    (releases / "1.0.0" / EVENTS).write_bytes(b"PAR1")
    report = verify("1.0.0", releases_dir=releases)
    assert not report.ok
    assert report.to_dict()["problems"][0]["file"] == EVENTS
    assert (
        report.summary_lines()[-1]
        == f"verified {report.files_checked} files in 1 folders: FAILED (3 problems)"
    )


@pytest.mark.parametrize(
    ("target", "all_releases", "message"),
    [
        ("2.0.0", False, "{releases}: no release 2.0.0. Known releases: none."),
        (None, True, "{releases}: no releases to verify. Run builder release first."),
        (None, False, "nothing to verify. Name a version (1.0.0), a folder (build) or pass --all."),
    ],
)
def test_verify_target_errors(tmp_path: Path, target: str | None, all_releases: bool, message: str) -> None:
    with pytest.raises(ReleaseError) as error:
        verify(target, releases_dir=tmp_path, all_releases=all_releases)
    assert error.value.line() == message.format(releases=tmp_path)
