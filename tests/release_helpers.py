"""Build folders for the stage-5 library tests, written by the real write_build.

The tables come from the real articles of ``data/raw`` through ``build_tables``; each article
gets one event named after its title (dated on its publication day), so that editing an
article's title renames an event and adding an article adds records in every table.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa

from builder.articles import discover, read_articles
from builder.models import (
    Article,
    DuplicateFile,
    Event,
    Evidence,
    Extraction,
    Organization,
    Participant,
    RejectedFile,
)
from builder.release import seal, staged_folder, write_build
from builder.release.manifest import quarantine_schema
from builder.tables import build_tables
from builder.validate import ValidationResult

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


def event_for(article: Article) -> Extraction:
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


def validation_result(raw_dir: Path, *, with_events: bool = True) -> tuple[ValidationResult, list]:
    items = list(read_articles(raw_dir))
    articles = [item for item in items if isinstance(item, Article)]
    others = [item for item in items if not isinstance(item, Article)]
    extractions = [event_for(article) for article in articles] if with_events else []
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


def copy_raw(tmp_path: Path) -> Path:
    """A copy of data/raw in tmp_path."""
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


def write_test_build(raw_dir: Path, folder: Path) -> dict:
    """Write a complete, sealed build of ``raw_dir`` into ``folder``; return its manifest."""
    result, others = validation_result(raw_dir)
    with staged_folder(folder) as staging:
        manifest = write_build(
            staging,
            result,
            raw_dir=raw_dir,
            input_files=discover(raw_dir),
            rejected=[item for item in others if isinstance(item, RejectedFile)],
            duplicates=[item for item in others if isinstance(item, DuplicateFile)],
            extractor=("rules", "test"),
        )
        (staging / "README.md").write_text("card\n", encoding="utf-8")
        manifest = seal(staging, manifest)
    return manifest


def make_repo(tmp_path: Path) -> Path:
    """A repository-shaped folder: ``data/raw`` (a copy of the real articles), nothing else."""
    root = tmp_path / "repo"
    shutil.copytree(RAW, root / "data" / "raw")
    return root


def reseal(folder: Path) -> dict:
    """Re-record every listed file's sha256 and size, as if the folder had been written that way.

    Lets a test make a folder that passes ``verify`` but breaks another check.
    """
    import json

    from builder.release.manifest import file_entry, write_manifest

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for relative, entry in manifest["files"].items():
        entry.update({key: value for key, value in file_entry(folder, relative).items() if key in entry})
    write_manifest(folder, manifest)
    return manifest


def make_released_repo(tmp_path: Path) -> Path:
    """A repository copy after ``builder build && builder release`` (release 1.0.0), built in-process."""
    import os

    from typer.testing import CliRunner

    from builder.cli import app

    root = make_repo(tmp_path)
    previous = Path.cwd()
    os.chdir(root)
    try:
        for args in (["build", "--quiet"], ["release"]):
            result = CliRunner().invoke(app, args, env={"SOURCE_DATE_EPOCH": "1733788800"})
            assert result.exit_code == 0, result.output
    finally:
        os.chdir(previous)
    return root
