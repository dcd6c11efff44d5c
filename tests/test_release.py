"""Stage 5 library: staged folders, path safety, writing a build and its manifest."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import schema
from builder.articles import discover, read_articles
from builder.errors import BuildFolderError
from builder.models import Article, Event, Evidence, Extraction, Organization, Participant
from builder.release import TABLE_KEYS, fingerprint, read_manifest, seal, staged_folder, write_build
from builder.release.folders import clean_leftovers
from builder.release.manifest import QUARANTINE_FILE, quarantine_schema, sha256_file
from builder.tables import build_tables
from builder.validate import ValidationResult

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


def _event_for(article: Article) -> Extraction:
    """A real-shaped extraction: the article's first sentence as the evidence of one event."""
    sentence = article.text.split("。")[0] + "。"
    start = article.text.index(sentence)
    evidence = Evidence(sentence, start, start + len(sentence))
    event = Event(
        name=article.title,
        event_type="forum",
        status="held",
        evidence=evidence,
        start_date=article.published_date,
        end_date=article.published_date,
        topics=("数据安全",),
        participants=(Participant(name="吴世忠", role="speaker", evidence=evidence),),
        organizations=(Organization(name="中国工程院", role="organizer", evidence=evidence),),
    )
    return Extraction(article.article_id, "rules", "test", events=(event,))


def _result(raw_dir: Path, *, with_events: bool = True) -> tuple[ValidationResult, list]:
    items = list(read_articles(raw_dir))
    articles = [item for item in items if isinstance(item, Article)]
    others = [item for item in items if not isinstance(item, Article)]
    extractions = [_event_for(article) for article in articles] if with_events else []
    tables = build_tables(articles, extractions).tables
    quarantine = pa.Table.from_pylist(
        [
            {
                "rule": "evidence_span",
                "table": "events",
                "key": "0" * 16,
                "column": "evidence_start",
                "value": "-1",
                "source_file": "x.md",
            }
        ],
        schema=quarantine_schema(),
    )
    counts = {name: table.num_rows for name, table in tables.items()}
    return ValidationResult(published=tables, quarantine=quarantine, extracted_counts=counts), others


@pytest.fixture()
def raw_dir(tmp_path: Path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


def _write(raw_dir: Path, folder: Path) -> dict:
    result, others = _result(raw_dir)
    with staged_folder(folder) as staging:
        manifest = write_build(
            staging,
            result,
            raw_dir=raw_dir,
            input_files=discover(raw_dir),
            rejected=[item for item in others if hasattr(item, "field")],
            duplicates=[item for item in others if hasattr(item, "kept_file")],
            extractor=("rules", "test"),
        )
        (staging / "README.md").write_text("card\n", encoding="utf-8")
        manifest = seal(staging, manifest)
    return manifest


def test_write_build_layout_and_manifest(raw_dir: Path, tmp_path: Path) -> None:
    manifest = _write(raw_dir, tmp_path / "build")
    build = tmp_path / "build"
    assert sorted(path.relative_to(build).as_posix() for path in build.rglob("*") if path.is_file()) == [
        "README.md",
        "articles/train-00000-of-00001.parquet",
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
    _write(raw_dir, tmp_path / "build")
    events = pq.read_table(tmp_path / "build" / "events" / "train-00000-of-00001.parquet")
    ids = events.column("event_id").to_pylist()
    assert ids == sorted(ids) and len(ids) > 1


def test_write_build_is_byte_identical(raw_dir: Path, tmp_path: Path) -> None:
    first = _write(raw_dir, tmp_path / "one")
    second = _write(raw_dir, tmp_path / "two")
    assert first == second
    assert (tmp_path / "one" / "manifest.json").read_bytes() == (
        tmp_path / "two" / "manifest.json"
    ).read_bytes()


def test_write_build_created_at_from_source_date_epoch(
    raw_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733788800")
    assert _write(raw_dir, tmp_path / "build")["created_at"] == "2024-12-10T00:00:00Z"


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
    result, _ = _result(raw_dir)
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
    _write(raw_dir, tmp_path / "build")
    articles = pq.read_table(tmp_path / "build" / "articles" / "train-00000-of-00001.parquet")
    assert all(isinstance(value, date) for value in articles.column("published_date").to_pylist())
