"""The dataset card: Hub metadata, generated sections, and metadata that follows the schema."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandera.pandas as pa_model
import pyarrow as pa
import pytest
import yaml
from pandera.typing import Series

import schema
from builder import card
from builder.card.facts import config_arrow_schema
from builder.card.header import size_category
from builder.evaluate import evaluate
from schema.events import EventsSchema
from schema.types import String
from tests.card_build import GOLD_DIR

FORBIDDEN = ("[More Information Needed]", "TODO", "[TO BE ADDED]")


def front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_write_card_writes_the_card_and_both_metadata_files(card_build: Path) -> None:
    for name in ("README.md", "croissant.json", "datapackage.json"):
        assert (card_build / name).is_file(), name


def test_card_header_has_the_hub_metadata(card_build: Path) -> None:
    header = front_matter((card_build / "README.md").read_text(encoding="utf-8"))
    assert header["license"] == "cc-by-4.0"
    assert header["language"] == ["zh"]
    assert header["pretty_name"] and header["task_categories"] and header["tags"]
    assert header["size_categories"] == ["n<1K"]
    names = [config["config_name"] for config in header["configs"]]
    assert names == ["articles", "events", "participants", "organizations", "documents"]
    assert [config["config_name"] for config in header["configs"] if config.get("default")] == ["events"]
    for config in header["configs"]:
        (data_files,) = config["data_files"]
        assert data_files["split"] == "train"
        assert list(card_build.glob(data_files["path"])), data_files["path"]


def test_card_header_parses_with_huggingface_hub(card_build: Path) -> None:
    from huggingface_hub import DatasetCard

    data = DatasetCard.load(card_build / "README.md").data.to_dict()
    assert data["license"] == "cc-by-4.0"
    assert len(data["configs"]) == 5


def test_dataset_info_matches_the_arrow_schema_and_the_manifest(card_build: Path) -> None:
    from datasets import Features

    header = front_matter((card_build / "README.md").read_text(encoding="utf-8"))
    manifest = manifest_of(card_build)
    for info in header["dataset_info"]:
        name = info["config_name"]
        declared = Features._from_yaml_list(info["features"])
        assert declared == Features.from_arrow_schema(config_arrow_schema(name))
        (split,) = info["splits"]
        assert split["num_examples"] == manifest["files"][f"{name}/train-00000-of-00001.parquet"]["rows"]
        assert info["download_size"] == manifest["files"][f"{name}/train-00000-of-00001.parquet"]["bytes"]


def test_documents_features_are_a_list_of_structs_not_a_struct_of_lists(card_build: Path) -> None:
    header = front_matter((card_build / "README.md").read_text(encoding="utf-8"))
    documents = next(info for info in header["dataset_info"] if info["config_name"] == "documents")
    events = next(feature for feature in documents["features"] if feature["name"] == "events")
    assert isinstance(events["list"], list) and "sequence" not in events
    participants = next(feature for feature in events["list"] if feature["name"] == "participants")
    assert [feature["name"] for feature in participants["list"]][:2] == ["person_order", "name"]


def test_card_has_no_placeholder_text(card_build: Path) -> None:
    text = (card_build / "README.md").read_text(encoding="utf-8")
    for placeholder in FORBIDDEN:
        assert placeholder not in text
    assert "$" not in text.split("## How to load")[0], "an unfilled template placeholder"


def test_card_has_every_datasheet_section(card_build: Path) -> None:
    text = (card_build / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings == [
        "Summary",
        "How to load",
        "Data fields",
        "Example",
        "Sources and provenance",
        "How the records were extracted",
        "Quality",
        "Uses",
        "Personal and sensitive information",
        "Limitations and biases",
        "License and copyright",
        "Maintenance and reporting errors",
        "Citation",
    ]
    assert "@misc{chinese_cybersecurity_events_0_0_0_build," in text
    assert "version = {0.0.0+build}" in text


def test_card_data_dictionary_lists_every_column_with_its_description(card_build: Path) -> None:
    text = (card_build / "README.md").read_text(encoding="utf-8")
    for table in schema.TABLES:
        section = text.split(f"### `{table}`", 1)[1].split("###", 1)[0]
        for column, description in schema.column_descriptions(table).items():
            assert f"| `{column}` |" in section
            assert description.replace("|", "\\|") in section
    assert "| `events[].participants[].talk_title` |" in text
    assert "| `event_type` | string | no | Kind of event: forum, summit," in text
    assert "| `topics` | list<string> | no |" in text


def test_card_counts_come_from_the_manifest(card_build: Path) -> None:
    text = (card_build / "README.md").read_text(encoding="utf-8")
    files = manifest_of(card_build)["files"]
    rows = {name: files[f"{name}/train-00000-of-00001.parquet"]["rows"] for name in schema.TABLES}
    assert f"This version holds {rows['events']} events reported in {rows['articles']} articles" in text
    assert f"| `participants` | {rows['participants']} |" in text
    assert "| Doonsec's feed |" in text
    assert "extracted by the `gold-replay` extractor, version test, of `builder` 0.1.0, which reads" in text


def test_render_card_is_deterministic(card_build: Path) -> None:
    manifest = manifest_of(card_build)
    assert card.render_card(card_build, manifest) == card.render_card(card_build, manifest)
    assert card.render_card(card_build, manifest) == (card_build / "README.md").read_text(encoding="utf-8")


def test_card_quality_section_renders_the_evaluation_report(card_build: Path) -> None:
    report = evaluate(card_build, GOLD_DIR).to_dict()
    text = card.render_card(card_build, manifest_of(card_build), quality=report)
    quality = text.split("## Quality", 1)[1].split("## Uses", 1)[0]
    assert f"against {report['gold_articles']} hand-annotated gold articles" in quality
    assert "| participants by name and role | 1.00 | 1.00 | 1.00 |" in quality
    assert "| `start_date` | 1.00 | 11 |" in quality
    assert "No evaluation report" not in quality


def test_card_without_a_report_says_how_to_get_one(card_build: Path) -> None:
    quality = (card_build / "README.md").read_text(encoding="utf-8").split("## Quality", 1)[1]
    assert quality.strip().startswith("No evaluation report was supplied")


def test_card_changes_section_comes_after_quality(card_build: Path) -> None:
    text = card.render_card(card_build, manifest_of(card_build), changes="- events: 2 records added")
    assert "## Changes since the previous release\n\n- events: 2 records added" in text
    assert text.index("## Quality") < text.index("## Changes since") < text.index("## Uses")


def test_release_card_names_the_version(card_build: Path, tmp_path: Path) -> None:
    manifest = {**manifest_of(card_build), "version": "1.2.3", "created_at": "2026-11-27T00:00:00Z"}
    text = card.render_card(card_build, manifest)
    assert "Version **1.2.3**" in text
    assert 'load_dataset("data/releases/1.2.3", "events", split="train")' in text
    assert "version = {1.2.3}" in text


def test_size_category_buckets() -> None:
    assert [size_category(rows) for rows in (0, 999, 1000, 99_999, 2_000_000)] == [
        "n<1K",
        "n<1K",
        "1K<n<10K",
        "10K<n<100K",
        "1M<n<10M",
    ]


def test_write_root_card_points_data_files_into_the_release(card_build: Path, tmp_path: Path) -> None:
    release = tmp_path / "data" / "releases" / "1.0.0"
    shutil.copytree(card_build, release)
    manifest = {**manifest_of(release), "version": "1.0.0"}
    path = card.write_root_card(release, manifest, tmp_path)
    header = front_matter(path.read_text(encoding="utf-8"))
    paths = [config["data_files"][0]["path"] for config in header["configs"]]
    assert paths[1] == "data/releases/1.0.0/events/train-*.parquet"
    standalone = yaml.safe_load((tmp_path / ".huggingface.yaml").read_text(encoding="utf-8"))
    assert standalone["configs"] == header["configs"]


class EventsWithRegion(EventsSchema):
    """The events model with one more column, as a minor schema change would add it."""

    region: Series[String] = pa_model.Field(nullable=True, description="Province or region of the city.")

    class Config:
        name = "events"
        description = "One row per event an article reports on."
        strict = True
        ordered = True


def test_a_column_added_to_a_model_appears_in_every_generated_description(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    from schema.arrow import ARROW_SCHEMAS
    from tests.card_build import write_test_build

    monkeypatch.setitem(schema.TABLES, "events", EventsWithRegion)
    # schema/arrow.py is generated from the models (python -m schema.generate_arrow): patched as regenerated
    monkeypatch.setitem(ARROW_SCHEMAS, "events", schema.arrow_schema("events"))
    folder = tmp_path / "build"
    write_test_build(folder)
    region = pa.field("region", pa.string())
    assert schema.arrow_schema("events").field("region") == region
    assert pq.read_schema(folder / "events" / "train-00000-of-00001.parquet").field("region") == region
    documents = pq.read_schema(folder / "documents" / "train-00000-of-00001.parquet")
    assert documents.field("events").type.value_type.field("region").type == pa.string()
    text = (folder / "README.md").read_text(encoding="utf-8")
    assert "| `region` | string | yes | Province or region of the city. |" in text
    assert "| `events[].region` | string | yes | Province or region of the city. |" in text
    events_info = next(info for info in front_matter(text)["dataset_info"] if info["config_name"] == "events")
    assert {"name": "region", "dtype": "string"} in events_info["features"]
    croissant = json.loads((folder / "croissant.json").read_text(encoding="utf-8"))
    events_set = next(item for item in croissant["recordSet"] if item["name"] == "events")
    field = next(field for field in events_set["field"] if field["name"] == "region")
    assert field["description"] == "Province or region of the city." and field["dataType"] == "sc:Text"
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(item for item in package["resources"] if item["name"] == "events")
    expected = {"name": "region", "type": "string", "description": "Province or region of the city."}
    assert expected in resource["schema"]["fields"]


def test_build_with_gold_keeps_the_quality_in_the_manifest_and_card(tmp_path: Path) -> None:
    from builder.pipeline import build
    from tests.card_build import RAW_DIR

    names = ("4hou-2022-11-12-ce74a395", "anquanke-2025-08-05-6bcb62c6")
    raw, gold = tmp_path / "raw", tmp_path / "gold"
    raw.mkdir()
    gold.mkdir()
    for name in names:
        shutil.copy(RAW_DIR / f"{name}.md", raw)
        shutil.copy(GOLD_DIR / f"{name}.json", gold)
    readmes = []
    for parent in ("one", "two"):
        build(raw, tmp_path / parent / "build", gold_dir=gold, cache_dir=None)
        readmes.append((tmp_path / parent / "build" / "README.md").read_bytes())
    folder = tmp_path / "one" / "build"
    quality = manifest_of(folder)["quality"]
    assert quality["gold_articles"] == 2 and quality["negative_articles"] == 2
    assert not {"build", "raw", "gold"} & set(quality), "no machine paths in the manifest"
    assert readmes[0] == readmes[1], "the card does not depend on where the build was written"
    text = readmes[0].decode("utf-8")
    assert "Measured with `builder evaluate` against 2 hand-annotated gold articles" in text
    assert "Events extracted from the articles that report none: 0." in text
    assert "extracted by the `rules` extractor, version " in text and "deterministic rules that read" in text
    # a re-render without --gold keeps the figures: they come from the manifest
    card.card_folder(folder)
    assert (folder / "README.md").read_bytes() == readmes[0]


def test_committed_root_card_is_a_fresh_render() -> None:
    """Like ``cog --check``: the committed root card equals what the builder renders now.

    Release folders are immutable (their card is checksummed), so only the root card and
    ``.huggingface.yaml``, which ``builder card <release> --root .`` refreshes, are compared.
    """
    from tests.card_build import REPO

    latest = REPO / "data" / "releases" / "LATEST"
    if not latest.is_file():
        pytest.skip("no release is committed yet (data/releases/LATEST is absent)")
    version = latest.read_text(encoding="utf-8").strip()
    folder = REPO / "data" / "releases" / version
    root_card, hub_yaml = card.render_root_card(folder, manifest_of(folder), REPO)
    fix = f"run: builder card data/releases/{version} --root ."
    assert (REPO / "dataset_card.md").read_text(encoding="utf-8") == root_card, fix
    assert (REPO / ".huggingface.yaml").read_text(encoding="utf-8") == hub_yaml, fix
