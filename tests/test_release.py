"""Stage 5 library: staged folders, path safety, writing a build and its manifest."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

import schema
from builder.articles import discover
from builder.errors import BuildFolderError, ReleaseError
from builder.release import TABLE_KEYS, fingerprint, read_manifest, staged_folder, write_build
from builder.release.changelog import repair_index, write_index
from builder.release.folders import clean_leftovers, release_lock
from builder.release.manifest import (
    QUARANTINE_FILE,
    input_hashes,
    input_hashes_below,
    sha256_file,
    table_path,
    type_name,
)
from builder.release.versions import bump, latest_version, level_of, parse_version, release_versions
from tests.release_helpers import copy_raw, validation_result, write_test_build
from tests.test_sources_fast import _outside_links, _tricky_tree


@pytest.fixture()
def raw_dir(tmp_path: Path) -> Path:
    return copy_raw(tmp_path)


def test_write_build_layout_and_manifest(raw_dir: Path, tmp_path: Path) -> None:
    manifest = write_test_build(raw_dir, tmp_path / "build")
    build = tmp_path / "build"
    assert sorted(path.relative_to(build).as_posix() for path in build.rglob("*") if path.is_file()) == [
        "README.md",
        "articles/train-00000-of-00001.parquet",
        "documents/train-00000-of-00001.parquet",
        "events/train-00000-of-00001.parquet",
        "manifest.json",
        "manifest.sha256",
        "organizations/train-00000-of-00001.parquet",
        "participants/train-00000-of-00001.parquet",
        "quarantine/quarantine.parquet",
    ]
    assert manifest == json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema_version"] == schema.SCHEMA_VERSION
    assert manifest["extractor"] == {"name": "rules", "version": "test"}
    assert set(manifest["libraries"]) >= {"pyarrow", "pandas", "pandera", "datasets"}
    assert manifest["created_at"] is None
    assert manifest["inputs"] == {path.name: sha256_file(path) for path in sorted(raw_dir.glob("*.md"))}
    for relative, entry in manifest["files"].items():
        assert entry["sha256"] == sha256_file(build / relative)
        assert entry["bytes"] == (build / relative).stat().st_size
    for name in schema.TABLES:
        table = pq.read_table(build / name / "train-00000-of-00001.parquet")
        assert table.schema.remove_metadata() == schema.arrow_schema(name)
        assert manifest["files"][f"{name}/train-00000-of-00001.parquet"]["rows"] == table.num_rows
        assert manifest["tables"][name]["rows"] == table.num_rows
    assert pq.read_table(build / QUARANTINE_FILE).to_pylist()[0]["rule"] == "evidence_span"
    accounting = manifest["accounting"]
    assert accounting["input_files"] == accounting["articles"] + len(accounting["duplicates"]) + len(
        accounting["rejected"]
    )
    assert (
        build / "manifest.sha256"
    ).read_text() == f"{sha256_file(build / 'manifest.json')}  manifest.json\n"


def test_write_build_rows_sorted_by_key(raw_dir: Path, tmp_path: Path) -> None:
    write_test_build(raw_dir, tmp_path / "build")
    events = pq.read_table(tmp_path / "build" / "events" / "train-00000-of-00001.parquet")
    ids = events.column("event_id").to_pylist()
    assert ids == sorted(ids) and len(ids) > 1


def test_write_build_is_byte_identical(raw_dir: Path, tmp_path: Path) -> None:
    first = write_test_build(raw_dir, tmp_path / "one")
    second = write_test_build(raw_dir, tmp_path / "two")
    assert first == second
    assert (tmp_path / "one" / "manifest.json").read_bytes() == (
        tmp_path / "two" / "manifest.json"
    ).read_bytes()


def test_write_build_created_at_from_source_date_epoch(
    raw_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733788800")
    assert write_test_build(raw_dir, tmp_path / "build")["created_at"] == "2024-12-10T00:00:00Z"


def test_fingerprint_ignores_row_order_and_writer() -> None:
    arrow_schema = schema.arrow_schema("organizations")
    rows = [
        {
            "event_id": "b" * 16,
            "org_order": 1,
            "name": "乙",
            "role": "host",
            "evidence": "x",
            "evidence_start": 0,
            "evidence_end": 1,
        },
        {
            "event_id": "a" * 16,
            "org_order": 2,
            "name": "甲",
            "role": "organizer",
            "evidence": "y",
            "evidence_start": 1,
            "evidence_end": 2,
        },
    ]
    forward = pa.Table.from_pylist(rows, schema=arrow_schema)
    backward = pa.Table.from_pylist(rows[::-1], schema=arrow_schema)
    keys = TABLE_KEYS["organizations"]
    assert fingerprint(forward, keys) == fingerprint(backward, keys)
    changed = pa.Table.from_pylist([{**rows[0], "role": "co_host"}, rows[1]], schema=arrow_schema)
    assert fingerprint(changed, keys) != fingerprint(forward, keys)


def test_write_build_accounting_must_add_up(raw_dir: Path, tmp_path: Path) -> None:
    result, _ = validation_result(raw_dir)
    (raw_dir / "extra.md").write_text("no front matter\n", encoding="utf-8")
    with pytest.raises(BuildFolderError) as error:
        with staged_folder(tmp_path / "build") as staging:
            write_build(
                staging,
                result,
                raw_dir=raw_dir,
                input_files=discover(raw_dir),
                rejected=[],
                duplicates=[],
                extractor=("rules", "test"),
            )
    assert error.value.line() == (
        "accounting does not add up: 27 input files but 26 articles + 0 duplicates + 0 rejected. "
        "Report this as a bug; no file may be lost."
    )
    assert not (tmp_path / "build").exists()
    assert list(tmp_path.iterdir()) == [raw_dir]


@pytest.mark.parametrize("blocked", [table_path("articles"), table_path("documents"), QUARANTINE_FILE])
def test_a_parquet_file_that_cannot_be_written_fails_the_build_with_the_writers_error(
    raw_dir: Path, tmp_path: Path, blocked: str
) -> None:
    result, _ = validation_result(raw_dir)
    with pytest.raises(OSError) as error:
        with staged_folder(tmp_path / "build") as staging:
            (staging / blocked).mkdir(parents=True)  # a folder where a writer thread must put a file
            write_build(
                staging,
                result,
                raw_dir=raw_dir,
                input_files=discover(raw_dir),
                rejected=[],
                duplicates=[],
                extractor=("rules", "test"),
            )
    assert blocked in str(error.value)
    assert not (tmp_path / "build").exists()
    assert list(tmp_path.iterdir()) == [raw_dir]


def test_staged_folder_replaces_previous_build(tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    (out / "manifest.json").write_text('{"files": {}, "version": null}', encoding="utf-8")
    (out / "old.txt").write_text("old", encoding="utf-8")
    with staged_folder(out) as staging:
        assert staging.parent == tmp_path and staging.name.startswith(".build.tmp-")
        (staging / "new.txt").write_text("new", encoding="utf-8")
    assert sorted(path.name for path in out.iterdir()) == ["new.txt"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["build"]


def test_staged_folder_failure_keeps_old_and_removes_temp(tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    with pytest.raises(RuntimeError):
        with staged_folder(out) as staging:
            (staging / "half.txt").write_text("half", encoding="utf-8")
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == [out]
    assert list(out.iterdir()) == []


def test_staged_folder_cleans_leftovers_of_dead_runs(tmp_path: Path) -> None:
    dead_pid = 2**22 + 12345  # above Linux's default pid_max, so no such process
    out = tmp_path / "build"
    (tmp_path / f".build.tmp-{dead_pid}").mkdir()
    (tmp_path / f".build.tmp-{dead_pid}" / "half.parquet").write_bytes(b"PAR1")
    # a swap cut between its two renames: only the previous build, moved aside, is complete
    aside = tmp_path / f".build.old-{dead_pid + 1}"
    aside.mkdir()
    (aside / "manifest.json").write_text('{"files": {}}', encoding="utf-8")
    clean_leftovers(out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["build"]
    assert (out / "manifest.json").exists()
    live = tmp_path / f".build.tmp-{os.getppid()}"
    live.mkdir()
    clean_leftovers(out)
    assert live.exists(), "a running process's staging folder is left alone"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            lambda out: (out / "notes.txt").write_text("mine"),
            "is not empty and holds no previous build (no manifest.json); refusing to replace it. "
            "Choose an empty or new --out folder.",
        ),
        (
            lambda out: (out / ".git").mkdir(),
            "is a repository root or the working folder; refusing to replace it. "
            "Choose a build folder such as --out build.",
        ),
        (
            lambda out: (out / "manifest.json").write_text("[1, 2]"),
            "holds a manifest.json that is not a builder manifest; refusing to replace it. "
            "Choose an empty or new --out folder.",
        ),
        (
            lambda out: (out / "manifest.json").write_text('{"files": {}, "version": "1.0.0"}'),
            "holds release 1.0.0, which is immutable; refusing to replace it. "
            "Build into another --out folder, then run builder release.",
        ),
    ],
)
def test_staged_folder_refuses_unsafe_out(tmp_path: Path, setup, message: str) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    setup(out)
    before = sorted(path.name for path in out.iterdir())
    with pytest.raises(BuildFolderError) as error:
        with staged_folder(out):
            pytest.fail("must not get here")
    assert error.value.line() == f"{out}: {message}"
    assert sorted(path.name for path in out.iterdir()) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mine"]


def test_staged_folder_refuses_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(BuildFolderError, match="repository root or the working folder"):
        with staged_folder(Path(".")):
            pass
    assert (tmp_path / "keep.txt").exists()


def test_read_manifest_missing(tmp_path: Path) -> None:
    with pytest.raises(BuildFolderError) as error:
        read_manifest(tmp_path)
    assert error.value.line() == f"{tmp_path}: no manifest.json. Pass a build or release folder, e.g. build."


def test_write_build_dates_survive_round_trip(raw_dir: Path, tmp_path: Path) -> None:
    write_test_build(raw_dir, tmp_path / "build")
    articles = pq.read_table(tmp_path / "build" / "articles" / "train-00000-of-00001.parquet")
    assert all(isinstance(value, date) for value in articles.column("published_date").to_pylist())


@pytest.mark.parametrize(
    "text", ["1.0", "1.0.0.0", "01.0.0", "1.0.0-rc1", "v1.0.0", "1.0.0+build", " 1.0.0", ""]
)
def test_parse_version_rejects_non_strict_semver(text: str) -> None:
    with pytest.raises(ReleaseError) as error:
        parse_version(text)
    assert error.value.line() == (
        f"version: not a strict semver version MAJOR.MINOR.PATCH (got {text!r}). "
        "Use three numbers without leading zeros, e.g. 1.0.0."
    )


def test_bump_and_level_of() -> None:
    assert [bump("1.9.3", level) for level in ("patch", "minor", "major")] == ["1.9.4", "1.10.0", "2.0.0"]
    assert level_of("1.9.3", "1.10.0") == "minor"
    assert level_of("1.9.3", "2.0.0") == "major"
    assert level_of("1.9.3", "1.9.4") == "patch"
    assert level_of("1.9.3", "1.9.3") == "none"


def test_release_versions_sorted_numerically_and_complete_only(tmp_path: Path) -> None:
    for name in ("1.10.0", "1.9.0", "2.0.0", ".3.0.0.tmp-1", "notes"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / "3.0.0").mkdir()  # no manifest: not a complete release
    assert release_versions(tmp_path) == ["1.9.0", "1.10.0", "2.0.0"]
    assert latest_version(tmp_path) == "2.0.0"
    assert latest_version(tmp_path / "missing") is None


def test_release_lock_refuses_a_second_holder(tmp_path: Path) -> None:
    with release_lock(tmp_path, timeout=0.2):
        with pytest.raises(ReleaseError) as error:
            with release_lock(tmp_path, timeout=0.2):
                pytest.fail("two holders")
    assert error.value.line() == (
        f"{tmp_path / '.release.lock'}: another release is in progress (lock held for more than 0.2 s). "
        "Wait for it to finish and run builder release again."
    )
    with release_lock(tmp_path, timeout=0.2):
        pass


def test_type_name_ignores_list_item_names() -> None:
    assert type_name(pa.list_(pa.field("element", pa.string()))) == type_name(pa.list_(pa.string()))
    assert type_name(pa.list_(pa.string())) == "list<string>"


@given(
    parts=st.tuples(*[st.integers(min_value=0, max_value=10**6)] * 3),
    level=st.sampled_from(["patch", "minor", "major"]),
)
def test_versions_round_trip_and_bump_order(parts: tuple[int, int, int], level: str) -> None:
    text = ".".join(map(str, parts))
    assert parse_version(text) == parts
    bumped = bump(text, level)
    assert parse_version(bumped) > parts
    assert level_of(text, bumped) == level


@pytest.mark.parametrize("size", [0, 1, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 7])
def test_sha256_file_hashes_every_byte_across_read_chunks(tmp_path: Path, size: int) -> None:
    data = bytes(index % 251 for index in range(size))
    path = tmp_path / "input.md"
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_input_hashes_below_equals_input_hashes_of_what_discover_lists(tmp_path: Path) -> None:
    raw = _tricky_tree(tmp_path)
    _outside_links(raw)
    (raw / "b" / "c" / "longer.md").write_bytes("第二篇".encode() * 1000)
    expected = input_hashes(raw, discover(raw))
    assert input_hashes_below(raw) == expected
    # regular files and links inside are hashed; folders, FIFOs and links out or broken are not
    assert expected["a.md"] == expected["link.md"] == expected["b/up.md"] is not None
    assert {name for name, digest in expected.items() if digest is None} == {
        "folder.md", "pipe.md", "linked.md", "out.md", "broken.md", "loop.md",
    }


def _fake_release(releases: Path, version: str) -> None:
    (releases / version).mkdir(parents=True)
    manifest = {
        "version": version, "created_at": "2026-01-01T00:00:00Z", "schema_version": "1.0.0", "files": {},
        "tables": {"articles": {"rows": 1}}, "release": {"notes": f"notes of {version}"},
    }
    (releases / version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_repair_index_rewrites_a_stale_index_and_leaves_a_current_one(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    _fake_release(releases, "1.0.0")
    write_index(releases)
    # a release killed once its folder was in place: LATEST still names the one before
    _fake_release(releases, "1.1.0")
    repair_index(releases)
    assert (releases / "LATEST").read_text(encoding="utf-8") == "1.1.0\n"
    assert "notes of 1.1.0" in (releases / "CHANGELOG.md").read_text(encoding="utf-8")
    # LATEST is current: nothing is read or written again
    (releases / "CHANGELOG.md").unlink()
    repair_index(releases)
    assert not (releases / "CHANGELOG.md").exists()
    (releases / "LATEST").unlink()
    repair_index(releases)
    assert (releases / "CHANGELOG.md").exists()
    assert (releases / "LATEST").read_text(encoding="utf-8") == "1.1.0\n"


def test_write_index_writes_latest_after_the_changelog_and_root_card(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    _fake_release(releases, "1.0.0")
    seen = []

    def root_card(folder: Path, manifest: dict) -> None:
        seen.append(((releases / "CHANGELOG.md").exists(), (releases / "LATEST").exists()))

    assert write_index(releases, root_card) == "1.0.0"
    assert seen == [(True, False)] and (releases / "LATEST").exists()
