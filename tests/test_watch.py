"""The resident build (``builder.watch``): rebuilds reuse unchanged chunks, write what a fresh build writes.

Real files in ``tmp_path``, real builds; the only thing steered is file times (``os.utime``), so
that the files count as old enough to be trusted.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from bench.generate import generate
from builder.errors import BuilderError
from builder.pipeline import BuildReport, build
from builder.watch import LOOK_SHARE, RACY_SECONDS, ResidentBuild, Snapshot, pause_after, watch
from builder.workers import split_into_chunks

ROOT = Path(__file__).resolve().parents[1]
#: well before RACY_SECONDS ago: files stamped this old are trusted
OLD = time.time() - 100 * RACY_SECONDS


def age(folder: Path, seconds: float = OLD) -> None:
    """Give every file below ``folder`` the modification time ``seconds``."""
    for path in folder.rglob("*.md"):
        os.utime(path, (seconds, seconds), follow_symlinks=False)


def folder_bytes(folder: Path) -> dict[str, bytes]:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files}


def same_as_fresh(raw: Path, resident_out: Path, tmp_path: Path) -> None:
    """The resident build folder holds exactly the bytes a fresh build of ``raw`` writes."""
    fresh = tmp_path / "fresh" / resident_out.name  # the card names its folder
    if fresh.parent.exists():
        shutil.rmtree(fresh.parent)
    build(raw, fresh, jobs=1)
    assert folder_bytes(resident_out) == folder_bytes(fresh)


def edit(path: Path, when: float) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write("\n本文已更新。\n")
    os.utime(path, (when, when))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few hundred generated articles: several chunks, so a change leaves most of them alone."""
    folder = tmp_path_factory.mktemp("corpus") / "raw"
    generate(400, folder, seed=5)
    return folder


def aged_copy(corpus: Path, tmp_path: Path) -> Path:
    """A copy of ``corpus`` in ``tmp_path/raw`` whose files are all old (none is racy)."""
    folder = tmp_path / "raw"
    shutil.copytree(corpus, folder)
    age(folder)
    return folder


@pytest.fixture
def raw(corpus: Path, tmp_path: Path) -> Path:
    return aged_copy(corpus, tmp_path)


def test_rebuild_after_nothing_changed_reuses_every_chunk(raw: Path, tmp_path: Path) -> None:
    resident = ResidentBuild(raw, tmp_path / "build", jobs=1)
    first = resident.build()
    assert first.work["cached"] == 0
    again = resident.build()
    assert again.work == {"cached": 400, "trusted": 0, "detected": 0, "extracted": 0}
    assert again.timings["parse+clean"] == 0.0
    assert again.counts == first.counts
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_a_changed_file_is_the_only_chunk_processed_again(raw: Path, tmp_path: Path) -> None:
    resident = ResidentBuild(raw, tmp_path / "build", jobs=1)
    resident.build()
    changed = sorted(raw.rglob("*-e.md"))[0]
    edit(changed, OLD + 1)
    report = resident.build()
    chunks = split_into_chunks(Snapshot.take(raw).paths)
    size = next(len(chunk) for chunk in chunks if any(path == changed for _, path in chunk))
    assert len(chunks) > 2
    assert report.work["cached"] == 400 - size
    assert 1 <= report.work["detected"] <= size
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_added_and_removed_files_shift_the_other_chunks_correctly(raw: Path, tmp_path: Path) -> None:
    # the last file of the first chunk and the first of the second hold the same bytes: the
    # earlier one is kept, so the two chunks' input numbers must stay in order
    first, second = split_into_chunks(Snapshot.take(raw).paths)[:2]
    shutil.copy(first[-1][1], second[0][1])
    os.utime(second[0][1], (OLD, OLD))
    resident = ResidentBuild(raw, tmp_path / "build", jobs=1)
    resident.build()
    names = sorted(raw.rglob("*.md"))
    names[3].unlink()
    # four early names, one removed: every later file's input number moves by three
    real = sorted((ROOT / "data" / "raw").glob("*.md"))[:3]
    for number, source in enumerate([*real, real[0]]):
        shutil.copy(source, raw / f"000{number}-{source.name}")
        os.utime(raw / f"000{number}-{source.name}", (OLD, OLD))
    report = resident.build()
    assert report.input_files == 403
    assert sorted(item.source_file for item in report.duplicates) == sorted(
        [second[0][1].relative_to(raw).as_posix(), "0003-" + real[0].name]
    )
    assert 0 < report.work["cached"] < 403
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_content_changed_with_the_old_time_restored_is_still_seen(raw: Path, tmp_path: Path) -> None:
    resident = ResidentBuild(raw, tmp_path / "build", jobs=1)
    resident.build()
    target = sorted(raw.rglob("*-e.md"))[1]
    text = target.read_text(encoding="utf-8")
    # same size, same modification time: only the change time (ctime) tells
    target.write_text(text.replace("会", "议", 1) if "会" in text else text[::-1], encoding="utf-8")
    os.utime(target, (OLD, OLD))
    resident.build()
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_a_file_written_just_now_is_read_again_until_it_is_old(raw: Path, tmp_path: Path) -> None:
    resident = ResidentBuild(raw, tmp_path / "build", jobs=1)
    resident.build()
    recent = sorted(raw.rglob("*.md"))[10]
    edit(recent, time.time())
    resident.build()
    # unchanged since, but too recent to trust: its chunk is processed again
    report = resident.build()
    assert report.work["cached"] < 400
    os.utime(recent, (OLD, OLD))
    assert resident.build().work["cached"] < 400  # its times moved: a change
    assert resident.build().work["cached"] == 400
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_a_link_is_never_trusted(raw: Path, tmp_path: Path) -> None:
    target = sorted(raw.rglob("*.md"))[0]
    link = raw / "zzz-link.md"
    link.symlink_to(target)
    resident = ResidentBuild(raw, tmp_path / "build", jobs=1)
    resident.build()
    assert resident.build().work["cached"] < 401
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_the_cache_and_jobs_give_the_same_folder(raw: Path, tmp_path: Path) -> None:
    resident = ResidentBuild(raw, tmp_path / "build", jobs=2, cache_dir=tmp_path / "cache")
    resident.build()
    edit(sorted(raw.rglob("*-e.md"))[2], OLD + 2)
    resident.build()
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_watch_rebuilds_after_a_change_and_stops(raw: Path, tmp_path: Path) -> None:
    reports: list[BuildReport] = []
    changed = sorted(raw.rglob("*-e.md"))[0]

    def on_build(report: BuildReport) -> None:
        reports.append(report)
        if len(reports) == 1:
            edit(changed, OLD + 3)

    result = watch(raw, tmp_path / "build", on_build=on_build, on_error=pytest.fail, interval=0.05,
                   max_builds=2, jobs=1)
    assert (result.builds, result.failed, result.last_failed) == (2, 0, False)
    assert reports[1].work["cached"] < 400 and reports[1].seconds > 0
    same_as_fresh(raw, tmp_path / "build", tmp_path)


def test_watch_reports_a_failed_build_and_keeps_the_folder(raw: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious", encoding="utf-8")
    errors: list[BuilderError] = []
    result = watch(raw, mine, on_build=lambda report: pytest.fail("built"), on_error=errors.append,
                   interval=0.05, max_builds=1, jobs=1)
    assert (result.builds, result.failed, result.last_failed) == (1, 1, True)
    assert "refusing to replace it" in errors[0].line()
    assert folder_bytes(mine) == {"notes.txt": b"precious"}


def test_a_slow_look_lengthens_the_pause_so_an_idle_watch_stays_cheap(raw: Path) -> None:
    look = Snapshot.take(raw)
    assert pause_after(look, 1.0) == max(1.0, LOOK_SHARE * look.seconds)
    slow = Snapshot(look.names, look.paths, look.stamps, look.taken_at_ns, seconds=0.5)
    assert pause_after(slow, 1.0) == 4.5
    assert pause_after(slow, 10.0) == 10.0


def test_the_look_that_confirms_a_change_comes_one_interval_later_however_slow_the_look(raw: Path) -> None:
    look = Snapshot.take(raw)
    slow = Snapshot(look.names, look.paths, look.stamps, look.taken_at_ns, seconds=0.5)
    assert pause_after(slow, 1.0, settling=True) == 1.0
    assert pause_after(slow, 0.2, settling=True) == 0.2
