"""The stat index: a rebuild trusts unchanged files without reading them, and never a changed one.

Files are real files in tmp_path; "not read" is what the build's ``work["trusted"]`` counter
says, and every build is compared with a fresh ``--no-cache`` build of the same files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pyarrow.parquet as pq

from builder.articles import discover
from builder.cache.stats import MAGIC, RACY_SECONDS, StatRecord, decode_records, encode_records
from builder.pipeline import build

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEED = "cnis-2024-12-10-seed.md"
#: a file the parser rejects (its bytes are not UTF-8)
NOT_UTF8 = "zz-not-utf8.md"
HOUR_NS = 3600 * 1_000_000_000


def old_raw(tmp_path: Path) -> Path:
    """A copy of data/raw plus a rejected file, every file modified an hour ago (not racy)."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / NOT_UTF8).write_bytes(b"---\ntitle: caf\xe9\n---\n\nbody\n")
    an_hour_ago = time.time_ns() - HOUR_NS
    for path in discover(raw):
        os.utime(path, ns=(an_hour_ago, an_hour_ago))
    return raw


def build_files(folder: Path) -> dict[str, bytes]:
    files = (path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files}


def fresh_build(raw: Path, tmp_path: Path, name: str, **options: object) -> dict[str, bytes]:
    """The files of a ``--no-cache`` build of ``raw`` (the card names the folder, so it is called build)."""
    build(raw, tmp_path / name / "build", jobs=1, cache_dir=None, **options)
    return build_files(tmp_path / name / "build")


def cached_build(raw: Path, tmp_path: Path, name: str, *, jobs: int = 1, **options: object):
    report = build(raw, tmp_path / name / "build", jobs=jobs, cache_dir=tmp_path / "cache", **options)
    return report, build_files(tmp_path / name / "build")


def titles(files: dict[str, bytes], tmp_path: Path) -> list[str]:
    path = tmp_path / "titles.parquet"
    path.write_bytes(files["articles/train-00000-of-00001.parquet"])
    return pq.read_table(path, columns=["title"])["title"].to_pylist()


def edit_seed_keeping_size(raw: Path) -> None:
    """Change the seed's title by one character of the same UTF-8 length (the size stays)."""
    path = raw / SEED
    old = path.read_bytes()
    new = old.replace("title: 聚焦".encode(), "title: 关注".encode(), 1)
    assert len(new) == len(old) and new != old
    path.write_bytes(new)


def test_a_warm_rebuild_with_nothing_changed_reads_no_input_file(tmp_path):
    raw = old_raw(tmp_path)
    files = len(discover(raw))
    cold, cold_files = cached_build(raw, tmp_path, "cold", jobs=2)
    assert cold.work["trusted"] == 0
    warm, warm_files = cached_build(raw, tmp_path, "warm", jobs=2)
    assert warm.work == {"cached": files, "trusted": files, "detected": 0, "extracted": 0}
    assert warm_files == cold_files == fresh_build(raw, tmp_path, "fresh")
    assert [item.line() for item in warm.rejected] == [item.line() for item in cold.rejected]
    assert any(item.source_file == NOT_UTF8 for item in warm.rejected)


def test_a_changed_file_is_read_again_and_its_new_rows_appear(tmp_path):
    raw = old_raw(tmp_path)
    files = len(discover(raw))
    cached_build(raw, tmp_path, "cold")
    path = raw / SEED
    path.write_bytes(path.read_bytes().replace("title: 聚焦".encode(), "title: 更新 聚焦".encode(), 1))
    warm, warm_files = cached_build(raw, tmp_path, "warm")
    assert warm.work["trusted"] == files - 1
    assert warm_files == fresh_build(raw, tmp_path, "fresh")
    assert any(title.startswith("更新 聚焦") for title in titles(warm_files, tmp_path))


def test_an_edit_hidden_by_restoring_the_mtime_is_seen_by_its_ctime(tmp_path):
    raw = old_raw(tmp_path)
    files = len(discover(raw))
    cached_build(raw, tmp_path, "cold")
    before = os.stat(raw / SEED)
    edit_seed_keeping_size(raw)
    os.utime(raw / SEED, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(raw / SEED)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    warm, warm_files = cached_build(raw, tmp_path, "warm")
    assert warm.work["trusted"] == files - 1
    assert warm_files == fresh_build(raw, tmp_path, "fresh")
    assert any(title.startswith("关注") for title in titles(warm_files, tmp_path))


def test_a_just_written_file_is_read_on_every_build_while_it_is_racy(tmp_path):
    raw = old_raw(tmp_path)
    files = len(discover(raw))
    (raw / SEED).write_bytes((raw / SEED).read_bytes())  # modified now, same bytes
    cached_build(raw, tmp_path, "cold")
    for name in ("warm", "again"):
        report, built = cached_build(raw, tmp_path, name)
        assert report.work["trusted"] == files - 1
        assert report.work["cached"] == files
    assert built == fresh_build(raw, tmp_path, "fresh")


def test_a_record_is_trusted_only_for_an_unchanged_old_regular_file_within_the_size_limit(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"hello")
    info = os.lstat(path)
    digest = hashlib.sha256(b"hello").hexdigest()
    racy_ns = RACY_SECONDS * 1_000_000_000
    old_enough = StatRecord.of(info, digest, info.st_mtime_ns + racy_ns + 1)
    assert old_enough.trusts(info, max_bytes=5)
    assert not old_enough.trusts(info, max_bytes=4)
    assert not StatRecord.of(info, digest, info.st_mtime_ns + racy_ns // 2).trusts(info, max_bytes=5)
    path.write_bytes(b"hello!")
    assert not old_enough.trusts(os.lstat(path), max_bytes=100)
    link = tmp_path / "link.md"
    link.symlink_to(path)
    assert not StatRecord.of(os.lstat(link), digest, time.time_ns() + HOUR_NS).trusts(os.lstat(link), 100)


def test_damaged_or_truncated_stat_records_mean_reading_everything(tmp_path):
    raw = old_raw(tmp_path)
    files = len(discover(raw))
    _, cold_files = cached_build(raw, tmp_path, "cold")
    records = sorted((tmp_path / "cache" / "stats").glob("*.stat"))
    assert records
    for number, path in enumerate(records):
        data = path.read_bytes()
        path.write_bytes([data[: len(data) // 2], b"", MAGIC + b"{}", b"\xff" * 40][number % 4])
    warm, warm_files = cached_build(raw, tmp_path, "warm", jobs=2)
    assert warm.work["trusted"] == 0 and warm.work["cached"] == files
    assert warm_files == cold_files == fresh_build(raw, tmp_path, "fresh")
    # the records were written again
    again, _ = cached_build(raw, tmp_path, "again")
    assert again.work["trusted"] == files


def test_a_record_with_a_wrong_hash_costs_a_reread_not_a_wrong_row(tmp_path):
    """A record whose stat matches but whose hash is not the file's: the chunk is read again in full."""
    raw = old_raw(tmp_path)
    files = len(discover(raw))
    cached_build(raw, tmp_path, "cold")
    for path in (tmp_path / "cache" / "stats").glob("*.stat"):
        records = decode_records(path.read_bytes())
        assert records
        lying = {name: item._replace(raw_sha256="0" * 64) for name, item in records.items()}
        path.write_bytes(encode_records(lying))
    warm, warm_files = cached_build(raw, tmp_path, "warm")
    assert warm.work["cached"] == files
    assert warm_files == fresh_build(raw, tmp_path, "fresh")


def test_trusted_files_are_read_when_their_rows_are_in_no_entry(tmp_path):
    """Entries gone (a new rule, or a cleared folder) but records kept: the files are read and hashed."""
    raw = old_raw(tmp_path)
    cached_build(raw, tmp_path, "cold")
    for folder in (tmp_path / "cache").glob("chunks-*"):
        shutil.rmtree(folder)
    warm, warm_files = cached_build(raw, tmp_path, "warm", jobs=2)
    assert warm.work["cached"] == 0
    assert warm_files == fresh_build(raw, tmp_path, "fresh")


def test_manifest_input_hashes_equal_a_fresh_builds(tmp_path):
    raw = old_raw(tmp_path)
    cached_build(raw, tmp_path, "cold")
    warm, warm_files = cached_build(raw, tmp_path, "warm")
    assert warm.work["trusted"] == len(discover(raw))
    inputs = json.loads(warm_files["manifest.json"])["inputs"]
    assert inputs == json.loads(fresh_build(raw, tmp_path, "fresh")["manifest.json"])["inputs"]
    assert inputs[SEED] == hashlib.sha256((raw / SEED).read_bytes()).hexdigest()


def test_a_smaller_size_limit_rejects_a_trusted_file_as_a_fresh_build_does(tmp_path):
    raw = old_raw(tmp_path)
    cached_build(raw, tmp_path, "cold")
    limit = os.stat(raw / SEED).st_size - 1
    warm, warm_files = cached_build(raw, tmp_path, "warm", max_bytes=limit)
    assert any(item.source_file == SEED and item.field == "size" for item in warm.rejected)
    assert warm_files == fresh_build(raw, tmp_path, "fresh", max_bytes=limit)
