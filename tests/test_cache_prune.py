"""Pruning the build cache: old code versions, unused entries and records and killed writers' leftovers go;
what a build used, foreign files and untagged folders stay, and the output never changes.

Real builds of data/raw (two chunks) into a cache in tmp_path; ages are faked with ``os.utime``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from typer.testing import CliRunner

from builder.articles import DEFAULT_MAX_BYTES, discover
from builder.cache import CACHEDIR_TAG, USED_MARKER
from builder.cache.prune import (
    KEEP_OTHER_VERSIONS,
    PRUNED_MARKER,
    SCAN_SECONDS,
    TEMPORARY_SECONDS,
    UNUSED_DAYS,
    UNUSED_SECONDS,
    is_our_cache,
    prune_cache,
)
from builder.cli import app
from builder.pipeline import ArticleWork, build
from builder.watch import ResidentBuild
from builder.workers import ArticleWorker, resolve

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEED = "cnis-2024-12-10-seed.md"
DAY = 24 * 3600
HEX = "0123456789abcdef"


def make_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    return raw


def cached(raw: Path, tmp_path: Path, name: str, *, jobs: int = 1):
    return build(raw, tmp_path / name / "build", jobs=jobs, cache_dir=tmp_path / "cache")


def files_of(folder: Path) -> dict[str, bytes]:
    files = (path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files}


def version_folders(cache: Path) -> list[Path]:
    return sorted(path for path in cache.iterdir() if path.name.startswith("chunks-"))


def entries_of(folder: Path) -> set[str]:
    return {path.name for path in folder.glob("*.chunk")}


def age(path: Path, seconds: float) -> None:
    when = time.time() - seconds
    os.utime(path, (when, when))


def age_all(folder: Path, seconds: float) -> None:
    """Every entry and stat record below ``folder`` last used, and the last scan, ``seconds`` ago."""
    for path in folder.rglob("*"):
        if path.suffix in (".chunk", ".stat") or path.name == PRUNED_MARKER:
            age(path, seconds)


def other_version(cache: Path, current: Path, number: int, used_days_ago: float) -> Path:
    """A copy of ``current``'s entries as another code version, last used ``used_days_ago``."""
    folder = cache / f"chunks-{HEX[number] * 16}"
    shutil.copytree(current, folder)
    age(folder / USED_MARKER, used_days_ago * DAY)
    return folder


def edit_seed(raw: Path) -> None:
    path = raw / SEED
    path.write_bytes(path.read_bytes().replace("title: 聚焦".encode(), "title: 关注".encode(), 1))


def test_prune_keeps_the_current_version_and_the_two_used_last(tmp_path):
    raw = make_raw(tmp_path)
    cached(raw, tmp_path, "first")
    cache = tmp_path / "cache"
    (current,) = version_folders(cache)
    olds = [other_version(cache, current, number, days) for number, days in ((1, 9), (2, 1), (3, 30), (4, 3))]
    # the folder's own mtime is not its last use: a newly touched folder with an old marker goes
    os.utime(olds[2])
    report = cached(raw, tmp_path, "second")
    assert KEEP_OTHER_VERSIONS == 2
    assert version_folders(cache) == sorted([current, olds[1], olds[3]])
    assert report.cache["versions_removed"] == 2
    assert report.cache["entries_removed"] == 2 * len(entries_of(current))
    assert report.cache["bytes_removed"] > 0
    assert time.time() - (current / USED_MARKER).stat().st_mtime < 60


def test_a_version_folder_without_a_marker_counts_from_its_own_mtime(tmp_path):
    raw = make_raw(tmp_path)
    cached(raw, tmp_path, "first")
    cache = tmp_path / "cache"
    (current,) = version_folders(cache)
    recent, old = (other_version(cache, current, number, 1) for number in (1, 2))
    unmarked_recent, unmarked_old = (other_version(cache, current, number, 1) for number in (3, 4))
    age(recent / USED_MARKER, 2 * DAY)
    age(old / USED_MARKER, 20 * DAY)
    for folder, days in ((unmarked_recent, 1), (unmarked_old, 40)):
        (folder / USED_MARKER).unlink()
        age(folder, days * DAY)
    cached(raw, tmp_path, "second")
    assert version_folders(cache) == sorted([current, unmarked_recent, recent])


def test_entries_and_records_unused_for_a_week_go_and_those_the_build_used_stay(tmp_path):
    raw = make_raw(tmp_path)
    cache = tmp_path / "cache"
    cached(raw, tmp_path, "first")
    (current,) = version_folders(cache)
    before_edit = entries_of(current)
    edit_seed(raw)
    cached(raw, tmp_path, "edited")
    after_edit = entries_of(current)
    (seed_chunk,) = after_edit - before_edit
    # another raw folder built once with the same cache: its stat records are nobody's any more
    other_raw = tmp_path / "other-raw"
    other_raw.mkdir()
    shutil.copy(RAW / SEED, other_raw / SEED)
    build(other_raw, tmp_path / "other" / "build", jobs=1, cache_dir=cache)
    records = {path.name for path in (cache / "stats").glob("*.stat")}
    age_all(cache, UNUSED_SECONDS + DAY)
    report = cached(raw, tmp_path, "third", jobs=2)
    left = entries_of(current)
    # the seed's old chunk entry and the other raw folder's entry were not used by the third build
    assert len(left) == 2 and seed_chunk in left and left < after_edit
    assert report.cache["entries_removed"] == 2
    assert report.cache["stat_records_removed"] == 1
    assert len({path.name for path in (cache / "stats").glob("*.stat")}) == len(records) - 1
    for path in [*current.glob("*.chunk"), *(cache / "stats").glob("*.stat")]:
        assert time.time() - path.stat().st_mtime < 60, path


def test_a_rebuild_refreshes_only_entries_and_records_over_a_day_old(tmp_path):
    raw = make_raw(tmp_path)
    cache = tmp_path / "cache"
    cached(raw, tmp_path, "first")
    (current,) = version_folders(cache)
    stored = sorted([*current.glob("*.chunk"), *(cache / "stats").glob("*.stat")])
    recent, stale = stored[::2], stored[1::2]
    for jobs in (1, 2):  # entries read by the one process, or handed back by pool workers
        for path in recent:
            age(path, 3600)
        for path in stale:
            age(path, 2 * DAY)
        times = {path: path.stat().st_mtime_ns for path in stored}
        report = cached(raw, tmp_path, f"again-{jobs}", jobs=jobs)
        assert report.work["cached"] == report.articles
        assert all(path.stat().st_mtime_ns == times[path] for path in recent)
        assert all(time.time() - path.stat().st_mtime < 60 for path in stale)


def test_the_scan_for_unused_files_runs_at_most_once_an_hour(tmp_path):
    raw = make_raw(tmp_path)
    cache = tmp_path / "cache"
    assert cached(raw, tmp_path, "first").cache["scanned"]
    (current,) = version_folders(cache)
    stale = current / f"{'a' * 64}.chunk"
    stale.write_bytes(b"an entry nobody uses")
    age(stale, UNUSED_SECONDS + DAY)
    age(cache / PRUNED_MARKER, SCAN_SECONDS - 60)
    report = cached(raw, tmp_path, "second")
    assert not report.cache["scanned"] and report.cache["entries_removed"] == 0 and stale.exists()
    age(cache / PRUNED_MARKER, SCAN_SECONDS + 60)
    report = cached(raw, tmp_path, "third")
    assert report.cache["scanned"] and report.cache["entries_removed"] == 1 and not stale.exists()
    assert time.time() - (cache / PRUNED_MARKER).stat().st_mtime < 60


def test_a_killed_writers_temporary_files_go_after_an_hour(tmp_path):
    raw = make_raw(tmp_path)
    cache = tmp_path / "cache"
    cached(raw, tmp_path, "first")
    (current,) = version_folders(cache)
    leftovers = {
        "old-entry": current / f".tmp-4242-{'a' * 64}.chunk",
        "young-entry": current / f".tmp-4243-{'b' * 64}.chunk",
        "old-record": cache / "stats" / f".tmp-4242-{'c' * 64}.stat",
        "young-record": cache / "stats" / f".tmp-4243-{'d' * 64}.stat",
    }
    for name, path in leftovers.items():
        path.write_bytes(b"half")
        age(path, TEMPORARY_SECONDS + 60 if name.startswith("old") else 600)
    age(cache / PRUNED_MARKER, SCAN_SECONDS)
    report = cached(raw, tmp_path, "second")
    assert {name for name, path in leftovers.items() if path.exists()} == {"young-entry", "young-record"}
    assert report.cache["temporary_removed"] == 2


def test_builds_are_byte_identical_before_and_after_pruning(tmp_path):
    raw = make_raw(tmp_path)
    cache = tmp_path / "cache"
    build(raw, tmp_path / "plain" / "build", jobs=1, cache_dir=None)
    cached(raw, tmp_path, "cold", jobs=2)
    edit_seed(raw)
    build(raw, tmp_path / "plain-edited" / "build", jobs=1, cache_dir=None)
    cached(raw, tmp_path, "edited", jobs=2)
    (current,) = version_folders(cache)
    for number in range(1, 5):
        other_version(cache, current, number, number * 10)
    age_all(cache, UNUSED_SECONDS + DAY)
    pruned = cached(raw, tmp_path, "pruning", jobs=2)
    assert pruned.cache["versions_removed"] == 2 and pruned.cache["entries_removed"] > 0
    after = cached(raw, tmp_path, "after", jobs=1)
    assert after.work["cached"] == after.articles
    expected = files_of(tmp_path / "plain-edited" / "build")
    assert files_of(tmp_path / "edited" / "build") == expected
    assert files_of(tmp_path / "pruning" / "build") == expected
    assert files_of(tmp_path / "after" / "build") == expected
    assert files_of(tmp_path / "cold" / "build") == files_of(tmp_path / "plain" / "build")


def test_foreign_files_links_and_odd_names_in_the_cache_are_left_alone(tmp_path):
    raw = make_raw(tmp_path)
    cache = tmp_path / "cache"
    cached(raw, tmp_path, "first")
    (current,) = version_folders(cache)
    olds = [other_version(cache, current, number, 10 + number) for number in range(1, 5)]
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / f"{'e' * 64}.chunk"
    target.write_bytes(b"not ours")
    age(target, 30 * DAY)
    foreign = [
        cache / "notes.txt",
        cache / "stats" / "notes.txt",
        current / "notes.txt",
        current / f"{'f' * 63}.chunk",  # one hex digit short
        current / f"{'f' * 64}.chunk.bak",
        olds[3] / "notes.txt",  # keeps its (otherwise pruned) folder
    ]
    for path in foreign:
        path.write_bytes(b"mine")
        age(path, 30 * DAY)
    link = current / f"{'9' * 64}.chunk"
    link.symlink_to(target)
    os.utime(link, (time.time() - 30 * DAY,) * 2, follow_symlinks=False)
    folder_link = cache / f"chunks-{'8' * 16}"
    folder_link.symlink_to(outside, target_is_directory=True)
    odd_folder = current / f"{'7' * 64}.chunk"
    odd_folder.mkdir()
    age(cache / PRUNED_MARKER, SCAN_SECONDS + 60)
    report = cached(raw, tmp_path, "second")
    assert all(path.read_bytes() == b"mine" for path in foreign)
    assert link.is_symlink() and target.read_bytes() == b"not ours" and folder_link.is_symlink()
    assert odd_folder.is_dir()
    assert olds[3].is_dir() and not entries_of(olds[3]) and not olds[2].exists()
    assert report.cache["versions_removed"] == 1 and report.cache["scanned"]


def test_a_folder_without_our_cachedir_tag_is_never_pruned(tmp_path):
    raw = make_raw(tmp_path)
    cache = tmp_path / "cache"
    cached(raw, tmp_path, "first")
    (current,) = version_folders(cache)
    for number in range(1, 5):
        other_version(cache, current, number, 30)
    age_all(cache, UNUSED_SECONDS + DAY)

    def listing() -> list[str]:
        paths = (path for path in cache.rglob("*") if path.name != "CACHEDIR.TAG")
        return sorted(path.relative_to(cache).as_posix() for path in paths)

    before = listing()
    tag = cache / "CACHEDIR.TAG"
    assert is_our_cache(cache)
    for content in (None, "Signature: 8a477f597d28d172789f06886806bc55\n# another tool's cache\n"):
        if content is None:
            tag.unlink()
        else:
            tag.write_text(content, encoding="utf-8")
        assert not is_our_cache(cache)
        report = prune_cache(cache, current)
        assert report.to_dict() == dict.fromkeys(report.to_dict(), 0)
        assert listing() == before
    tag.write_text(CACHEDIR_TAG, encoding="utf-8")
    assert prune_cache(cache, current).versions_removed == 4 - KEEP_OTHER_VERSIONS


def test_odd_things_in_the_cache_never_fail_a_build(tmp_path):
    raw = make_raw(tmp_path)
    cache = tmp_path / "cache"
    first = cached(raw, tmp_path, "first")
    (current,) = version_folders(cache)
    shutil.rmtree(cache / "stats")
    (cache / "stats").write_bytes(b"a file where the records should be")
    (cache / f"chunks-{'1' * 16}").write_bytes(b"a file named like a version folder")
    (current / USED_MARKER).unlink()
    (current / USED_MARKER).mkdir()
    report = cached(raw, tmp_path, "second", jobs=2)
    assert report.articles == first.articles and report.counts == first.counts
    assert report.cache["versions_removed"] == 0


def test_a_worker_whose_version_was_pruned_mid_build_still_hands_back_the_right_rows(tmp_path):
    """A concurrent build of other code prunes this build's version folder between two chunks."""
    cache = tmp_path / "cache"
    chunks = [list(enumerate(discover(RAW)))[:6], list(enumerate(discover(RAW)))[6:12]]
    plain = ArticleWorker(ArticleWork(RAW, DEFAULT_MAX_BYTES, "rules", None))
    work = ArticleWork(RAW, DEFAULT_MAX_BYTES, "rules", cache)
    worker = ArticleWorker(work)
    resolve(worker.run(chunks[0], by_reference=True), chunks[0], work)
    current = worker.cache.entries
    others = [other_version(cache, current, number, 0) for number in (1, 2, 3)]
    age(current / USED_MARKER, DAY)
    assert prune_cache(cache, others[0]).versions_removed == 1 and not current.exists()
    for chunk in chunks:
        result = worker.run(chunk, by_reference=True)
        rows = resolve(result, chunk, work).rows
        expected = plain.run(chunk).rows
        assert rows.files == expected.files
        assert all(rows.tables[name].equals(expected.tables[name]) for name in expected.tables)
    assert current.is_dir() and len(entries_of(current)) == 2


def test_builder_build_json_reports_what_pruning_removed(tmp_path):
    raw = make_raw(tmp_path)
    cache = tmp_path / "cache"
    cached(raw, tmp_path, "first")
    (current,) = version_folders(cache)
    for number in range(1, 4):
        other_version(cache, current, number, number)
    out = tmp_path / "b" / "build"
    arguments = ["build", "--raw", str(raw), "--out", str(out), "--cache-dir", str(cache)]
    result = CliRunner().invoke(app, [*arguments, "--json"])
    assert result.exit_code == 0, result.output
    pruned = json.loads(result.stdout)["cache"]
    assert pruned["versions_removed"] == 1 and pruned["entries_removed"] == len(entries_of(current))
    assert set(pruned) == {
        "versions_removed", "entries_removed", "stat_records_removed", "temporary_removed", "bytes_removed",
        "scanned", "seconds",
    }
    no_cache = CliRunner().invoke(app, [*arguments, "--no-cache", "--json"])
    assert json.loads(no_cache.stdout)["cache"] == {}
    help_text = " ".join(CliRunner().invoke(app, ["build", "--help"]).output.split())
    assert f"{KEEP_OTHER_VERSIONS} other code versions used last" in help_text
    assert f"used for {UNUSED_DAYS} days" in help_text


def test_a_watch_prunes_after_its_first_build_only(tmp_path):
    raw = make_raw(tmp_path)
    cache = tmp_path / "cache"
    cached(raw, tmp_path, "first")
    (current,) = version_folders(cache)
    resident = ResidentBuild(raw, tmp_path / "watch" / "build", jobs=1, cache_dir=cache)
    for number in range(1, 4):
        other_version(cache, current, number, number)
    first = resident.build()
    assert first.cache["versions_removed"] == 1 and len(version_folders(cache)) == 3
    other_version(cache, current, 5, 0)
    edit_seed(raw)
    second = resident.build()
    assert second.cache == {} and len(version_folders(cache)) == 4
