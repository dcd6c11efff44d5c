"""Stage 5 library: record-level and schema diffs between builds and releases."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from builder.errors import ReleaseError
from builder.release import TABLE_KEYS, diff, diff_folders, fingerprint
from builder.release.diff import diff_schema, diff_table, required_bump, show_change
from builder.validate import read_build_tables
from tests.release_helpers import copy_raw, reseal, write_test_build

SEED = "cnis-2024-12-10-seed.md"


@pytest.fixture()
def raw_dir(tmp_path: Path) -> Path:
    return copy_raw(tmp_path)


@pytest.fixture()
def old_build(raw_dir: Path, tmp_path: Path) -> Path:
    write_test_build(raw_dir, tmp_path / "old")
    return tmp_path / "old"


def _retitle(raw_dir: Path, name: str, title: str) -> None:
    path = raw_dir / name
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M), encoding="utf-8")


def test_diff_same_build_is_empty(old_build: Path, raw_dir: Path, tmp_path: Path) -> None:
    write_test_build(raw_dir, tmp_path / "new")
    report = diff_folders(old_build, tmp_path / "new", old_label="old", new_label="new")
    assert report.bump == "none" and report.empty
    assert report.reasons == ()
    assert {name: table.unchanged for name, table in report.tables.items()} == {
        "articles": 26,
        "events": 26,
        "participants": 26,
        "organizations": 26,
    }


def test_diff_renamed_event_is_changed_not_removed_and_added(
    old_build: Path, raw_dir: Path, tmp_path: Path
) -> None:
    _retitle(raw_dir, SEED, "第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛")
    write_test_build(raw_dir, tmp_path / "new")
    report = diff_folders(old_build, tmp_path / "new", old_label="1.0.0", new_label="build")
    events = report.tables["events"]
    assert (events.added, events.removed, len(events.changed)) == ([], [], 1)
    change = events.changed[0]
    assert set(change["fields"]) == {"event_id", "name"}
    assert change["fields"]["name"]["new"] == "第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛"
    assert change["key"] == {"event_id": change["fields"]["event_id"]["new"]}
    # the event's people and organizations follow it to its new id: unchanged
    assert report.tables["participants"].changed == []
    assert report.tables["participants"].unchanged == 26
    assert report.tables["organizations"].added == report.tables["organizations"].removed == []
    assert report.bump == "patch"
    assert report.reasons == ("articles: 1 record changed (patch)", "events: 1 record changed (patch)")
    articles = report.tables["articles"].changed[0]["fields"]
    assert set(articles) == {"title", "raw_sha256"}


def test_diff_added_and_removed_articles_require_minor(
    old_build: Path, raw_dir: Path, tmp_path: Path
) -> None:
    (raw_dir / "aqniu-2023-03-03-324720d3.md").unlink()
    text = (raw_dir / SEED).read_text(encoding="utf-8")
    (raw_dir / "copy.md").write_text(
        text.replace("url: ", "url: https://example.com/copy?of=", 1).replace("title: ", "title: 副本 ", 1),
        encoding="utf-8",
    )
    write_test_build(raw_dir, tmp_path / "new")
    report = diff_folders(old_build, tmp_path / "new", old_label="a", new_label="b")
    articles = report.tables["articles"]
    assert len(articles.added) == 1 and len(articles.removed) == 1
    assert report.bump == "minor"
    assert "articles: 1 record added (minor)" in report.reasons
    assert "articles: 1 record removed (minor)" in report.reasons
    lines = report.summary_lines()
    assert lines[0] == "diff a → b: requires minor bump"
    assert f"  + article_id={articles.added[0]['article_id']}" in lines
    # builder release hands over the tables it validated instead of reading them again
    tables = read_build_tables(tmp_path / "new")
    again = diff_folders(old_build, tmp_path / "new", old_label="a", new_label="b", new_tables=tables)
    assert again.to_dict() == report.to_dict()


def test_diff_table_field_changes() -> None:
    old = [{"event_id": "e1", "name": "甲", "role": "speaker", "position": "院士", "person_order": 1}]
    new = [{"event_id": "e1", "name": "甲", "role": "speaker", "position": "教授", "person_order": 1}]
    table, renamed = diff_table(
        "participants", pa.Table.from_pylist(old), pa.Table.from_pylist(new),
        ["event_id", "name", "role", "position", "person_order"],
    )
    assert renamed == {}
    assert table.changed == [
        {
            "key": {"event_id": "e1", "name": "甲", "role": "speaker"},
            "fields": {"position": {"old": "院士", "new": "教授"}},
        }
    ]


def test_diff_table_keeps_repeated_keys() -> None:
    row = {"event_id": "e1", "name": "甲", "role": "guest"}
    table, _ = diff_table(
        "participants", pa.Table.from_pylist([row]), pa.Table.from_pylist([row, row]),
        ["event_id", "name", "role"],
    )
    assert table.added == [{"event_id": "e1", "name": "甲", "role": "guest", "occurrence": 2}]
    assert table.unchanged == 1


def _manifest(columns: dict[str, str]) -> dict:
    return {"tables": {"events": {"columns": columns}}}


@pytest.mark.parametrize(
    ("old", "new", "bump", "reason"),
    [
        ({"a": "string"}, {"a": "string", "b": "int16"}, "minor", "events: column b added (minor)"),
        (
            {"a": "string", "b": "int16"},
            {"a": "string"},
            "major",
            "events: column b removed or renamed (major)",
        ),
        ({"a": "string"}, {"c": "string"}, "major", "events: column a removed or renamed (major)"),
        ({"a": "int16"}, {"a": "int32"}, "major", "events: column a re-typed (int16 → int32) (major)"),
        ({"a": "int16"}, {"a": "int16"}, "none", None),
    ],
)
def test_required_bump_from_schema(old: dict, new: dict, bump: str, reason: str | None) -> None:
    changes = diff_schema(_manifest(old), _manifest(new))
    level, reasons = required_bump(changes, {})
    assert level == bump
    assert (reason in reasons) if reason else reasons == []


def test_diff_by_version_and_json_is_stable(old_build: Path, raw_dir: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    releases.mkdir()
    shutil.copytree(old_build, releases / "1.0.0")
    _retitle(raw_dir, SEED, "新标题")
    write_test_build(raw_dir, tmp_path / "build")
    report = diff("1.0.0", str(tmp_path / "build"), releases_dir=releases)
    data = report.to_dict()
    assert list(data) == ["old", "new", "bump", "reasons", "schema", "tables"]
    assert data["old"] == "1.0.0" and data["schema"] == {}
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert list(data["tables"]["events"]) == ["added", "removed", "changed", "unchanged"]


def test_diff_unknown_version(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError) as error:
        diff("9.9.9", "build", releases_dir=tmp_path)
    assert error.value.line() == f"{tmp_path}: no release 9.9.9. Run builder release first."


def test_diff_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError) as error:
        diff(str(tmp_path / "nope"), str(tmp_path), releases_dir=tmp_path)
    assert error.value.line() == (
        f"{tmp_path / 'nope'}: no such release or folder. Name a version (1.0.0) or a folder."
    )


def test_show_change_cuts_long_text_around_the_first_difference() -> None:
    old = "前言\n" + "甲" * 200 + "三百多人参加" + "乙" * 200
    new = old.replace("三百多人", "四百多人")
    shown = show_change(old, new)
    assert "\n" not in shown
    before, after = shown.split(" → ")
    assert "三百多人" in before and "四百多人" in after
    assert before.startswith("“…") and before.endswith("…”")
    assert show_change(300, 400) == "300 → 400"
    assert show_change("短", None) == "“短” → None"


def test_diff_recognises_unchanged_data_written_by_another_parquet_writer(
    old_build: Path, tmp_path: Path
) -> None:
    """As after a library upgrade: other bytes, same rows, so no change and no bump."""
    import pyarrow.parquet as pq

    new = Path(shutil.copytree(old_build, tmp_path / "rewritten"))
    for name in ("articles", "events", "participants", "organizations"):
        path = new / name / "train-00000-of-00001.parquet"
        table = pq.read_table(path)
        pq.write_table(table.take(list(reversed(range(table.num_rows)))), path, compression="snappy")
    manifest = reseal(new)
    assert (
        manifest["files"]["events/train-00000-of-00001.parquet"]["sha256"]
        != json.loads((old_build / "manifest.json").read_text(encoding="utf-8"))["files"][
            "events/train-00000-of-00001.parquet"
        ]["sha256"]
    )
    for name, info in manifest["tables"].items():
        table = pq.read_table(new / info["file"])
        assert fingerprint(table, TABLE_KEYS[name]) == info["fingerprint"], name
    report = diff_folders(old_build, new, old_label="old", new_label="rewritten")
    assert report.bump == "none"
    assert all(not (table.added or table.removed or table.changed) for table in report.tables.values())
