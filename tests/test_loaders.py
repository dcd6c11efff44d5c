"""Every config of a real build loads with datasets (offline), pandas, polars, duckdb; card snippets run."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

CONFIGS = ("articles", "events", "participants", "organizations", "documents")


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No network for datasets and huggingface_hub, and a cache of this test's own."""
    import datasets

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    cache = tmp_path / "hf-cache"
    monkeypatch.setenv("HF_DATASETS_CACHE", str(cache))
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", cache)
    return cache


def shard(folder: Path, config: str) -> Path:
    return folder / config / "train-00000-of-00001.parquet"


@pytest.mark.parametrize("config", CONFIGS)
def test_load_dataset_reads_every_config_offline(card_build: Path, offline: Path, config: str) -> None:
    import datasets

    loaded = datasets.load_dataset(str(card_build), config, split="train", cache_dir=str(offline))
    expected = pq.read_table(shard(card_build, config))
    assert loaded.num_rows == expected.num_rows
    assert loaded.column_names == expected.schema.names
    key = "article_id" if config in ("articles", "documents") else "event_id"
    assert loaded[key] == expected.column(key).to_pylist()


def test_load_dataset_default_config_is_events(card_build: Path, offline: Path) -> None:
    import datasets

    loaded = datasets.load_dataset(str(card_build), split="train", cache_dir=str(offline))
    assert "event_type" in loaded.column_names


def test_load_dataset_documents_gives_lists_of_dicts(card_build: Path, offline: Path) -> None:
    import datasets

    documents = datasets.load_dataset(str(card_build), "documents", split="train", cache_dir=str(offline))
    assert isinstance(documents.features["events"], datasets.List)
    row = next(row for row in documents if row["events"])
    event = row["events"][0]
    assert isinstance(row["events"], list) and isinstance(event, dict)
    assert isinstance(event["participants"], list)
    assert all(isinstance(person, dict) for person in event["participants"])
    assert row["text"][event["evidence_start"] : event["evidence_end"]] == event["evidence"]


@pytest.mark.parametrize("config", CONFIGS)
def test_pandas_polars_and_duckdb_read_every_config(card_build: Path, config: str) -> None:
    import duckdb
    import pandas as pd
    import polars as pl

    rows = pq.read_metadata(shard(card_build, config)).num_rows
    assert len(pd.read_parquet(shard(card_build, config))) == rows
    assert pl.read_parquet(card_build / config / "*.parquet").height == rows
    (count,) = duckdb.sql(f"SELECT count(*) FROM '{card_build / config}/*.parquet'").fetchall()[0]
    assert count == rows


def test_join_events_participants_articles_in_duckdb_and_polars(card_build: Path) -> None:
    import duckdb
    import polars as pl

    rows = duckdb.sql(
        f"""
        SELECT p.name, e.name, a.source
        FROM '{card_build}/participants/*.parquet' AS p
        JOIN '{card_build}/events/*.parquet' AS e ON e.event_id = p.event_id
        JOIN '{card_build}/articles/*.parquet' AS a ON a.article_id = e.article_id
        ORDER BY p.event_id, p.person_order
        """
    ).fetchall()
    participants = pq.read_metadata(shard(card_build, "participants")).num_rows
    assert len(rows) == participants
    assert ("吴世忠", "第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛") in {
        row[:2] for row in rows
    }
    joined = (
        pl.read_parquet(card_build / "participants" / "*.parquet")
        .join(pl.read_parquet(card_build / "events" / "*.parquet"), on="event_id", suffix="_event")
        .join(pl.read_parquet(card_build / "articles" / "*.parquet"), on="article_id", suffix="_article")
    )
    assert joined.height == participants
    assert sorted(zip(joined["name"], joined["name_event"], joined["source"], strict=True)) == sorted(rows)


def card_snippets(card_text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", card_text, flags=re.DOTALL)


def test_every_snippet_in_the_card_runs(
    card_build: Path, offline: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snippets = card_snippets((card_build / "README.md").read_text(encoding="utf-8"))
    assert [snippet.split("\n", 1)[0] for snippet in snippets] == [
        "from datasets import load_dataset",
        "import pandas as pd",
        "import polars as pl",
        "import duckdb",
    ]
    monkeypatch.chdir(card_build.parent)
    for snippet in snippets:
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(snippet, "<card snippet>", "exec"), {"__name__": "card_snippet"})
        assert output.getvalue().strip(), snippet
    participants = pq.read_metadata(shard(card_build, "participants")).num_rows
    assert output.getvalue().strip() == f"{participants} participant rows"


def test_load_dataset_from_a_root_with_the_root_card(card_build: Path, offline: Path, tmp_path: Path) -> None:
    import json
    import shutil

    import datasets

    from builder import card

    root = tmp_path / "repo"
    release = root / "data" / "releases" / "1.0.0"
    shutil.copytree(card_build, release)
    manifest = {**json.loads((release / "manifest.json").read_text(encoding="utf-8")), "version": "1.0.0"}
    card.write_root_card(release, manifest, root)
    (root / "README.md").write_text("# The project README, without a YAML header\n", encoding="utf-8")
    events = datasets.load_dataset(str(root), "events", split="train", cache_dir=str(offline))
    assert events.num_rows == pq.read_metadata(shard(card_build, "events")).num_rows


def test_load_dataset_refuses_an_empty_config_which_the_card_says(
    eventless_build: Path, offline: Path
) -> None:
    """datasets 5.2 cannot load a split without rows; the card warns about it (see the next test)."""
    import datasets

    articles = datasets.load_dataset(str(eventless_build), "articles", split="train", cache_dir=str(offline))
    assert articles.num_rows == 2
    with pytest.raises(datasets.exceptions.DatasetGenerationError, match="while generating the dataset"):
        datasets.load_dataset(str(eventless_build), "events", split="train", cache_dir=str(offline))


def test_every_snippet_in_the_card_runs_on_a_build_without_events(
    eventless_build: Path, offline: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (eventless_build / "README.md").read_text(encoding="utf-8")
    assert "In this version `events`, `participants`, `organizations` have no rows." in text
    monkeypatch.chdir(eventless_build.parent)
    for snippet in card_snippets(text):
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(snippet, "<card snippet>", "exec"), {"__name__": "card_snippet"})
    assert output.getvalue().strip() == "0 participant rows"
