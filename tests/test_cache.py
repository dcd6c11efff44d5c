"""The build cache: faithful round trips, misses on any change, and a folder that is safe to delete."""

from __future__ import annotations

import hashlib
import shutil

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.cache import CACHEDIR_TAG, USED_MARKER, fingerprint_of, fingerprinted_files
from builder.cache.chunks import ChunkCache, ChunkRows
from tests.chunk_rows import (
    REPO,
    assert_same_rows,
    chunk_of,
    events,
    full_extraction,
    keys,
    seed_article,
    two_article_members,
    two_file_chunk,
)


def test_an_entry_round_trips_files_rejections_and_every_row(tmp_path):
    rows = two_file_chunk()
    cache = ChunkCache(tmp_path, "rules", "1")
    assert cache.get(keys(rows)) is None
    cache.put(rows)
    assert_same_rows(cache.get(keys(rows)), rows)
    assert rows.tables["events"].num_rows == 2 and rows.files[1].rejected is not None


def test_changed_bytes_name_order_or_extractor_version_miss(tmp_path):
    rows = two_file_chunk()
    cache = ChunkCache(tmp_path, "rules", "1")
    cache.put(rows)
    (name, digest), other = keys(rows)
    assert cache.get([(name, hashlib.sha256(b"changed").hexdigest()), other]) is None
    assert cache.get([("renamed.md", digest), other]) is None
    assert cache.get([other, (name, digest)]) is None
    assert ChunkCache(tmp_path, "rules", "2").get(keys(rows)) is None
    assert ChunkCache(tmp_path, "other", "1").get(keys(rows)) is None


def test_a_file_of_any_entry_is_found_and_its_rows_taken_alone(tmp_path):
    raw, article = seed_article()
    rows = two_file_chunk()
    ChunkCache(tmp_path, "rules", "1").put(rows)
    cache = ChunkCache(tmp_path, "rules", "1")
    found = cache.find(article.source_file, hashlib.sha256(raw).hexdigest())
    assert found is not None and found[1] == 0
    alone = ChunkRows.merge([rows.files[0]], [found[0].select({0: 0})])
    assert_same_rows(alone, chunk_of((raw, article, full_extraction(article.article_id))))
    assert cache.find(article.source_file, hashlib.sha256(b"other bytes").hexdigest()) is None


def test_damaged_entries_are_misses_and_get_rewritten(tmp_path):
    rows = two_file_chunk()
    cache = ChunkCache(tmp_path, "rules", "1")
    cache.put(rows)
    entry = cache.path_for(keys(rows))
    data = entry.read_bytes()
    wrong_header = data.replace(b'"tables"', b'"tablez"')
    assert wrong_header != data
    for damaged in (data[: len(data) // 2], b"", b"[]", data[:40], wrong_header, data[:-9]):
        entry.write_bytes(damaged)
        assert cache.get(keys(rows)) is None, damaged[:40]
        assert ChunkCache(tmp_path, "rules", "1").find(*keys(rows)[0]) is None
    cache.put(rows)
    assert_same_rows(cache.get(keys(rows)), rows)


def test_the_folder_holds_only_entries_and_its_tag_and_is_safe_to_delete(tmp_path):
    rows = two_file_chunk()
    folder = tmp_path / "cache"
    cache = ChunkCache(folder, "rules", "1")
    cache.put(rows)
    files = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    entry = cache.path_for(keys(rows)).relative_to(folder).as_posix()
    marker = (cache.entries / USED_MARKER).relative_to(folder).as_posix()
    assert files == {"CACHEDIR.TAG", entry, marker}
    assert (folder / "CACHEDIR.TAG").read_text(encoding="utf-8") == CACHEDIR_TAG
    shutil.rmtree(folder)
    assert cache.get(keys(rows)) is None
    cache.put(rows)
    assert cache.get(keys(rows)) is not None


def test_an_unwritable_folder_costs_only_a_miss(tmp_path):
    rows = two_file_chunk()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    cache = ChunkCache(blocker, "rules", "1")
    cache.put(rows)
    assert cache.get(keys(rows)) is None


def test_the_fingerprint_follows_rules_lexicons_rows_and_schema_but_not_later_stages(tmp_path):
    package, schema_package = tmp_path / "builder", tmp_path / "schema"
    shutil.copytree(REPO / "builder", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "schema", schema_package, ignore=shutil.ignore_patterns("__pycache__"))
    names = {path.relative_to(package).as_posix() for path in fingerprinted_files(package)}
    assert {"extract/rules.py", "extract/detect.py", "lexicons/event_types.tsv", "articles.py"} <= names
    assert {"workers.py", "tables.py", "cache/chunks.py"} <= names
    assert not names & {"validate.py", "cli.py", "pipeline.py", "documents.py", "cache/prune.py"}
    assert not any(name.startswith(("card/", "release/")) for name in names)
    before = fingerprint_of(package, schema_package)
    (package / "validate.py").write_text("# a later stage cannot change a row\n", encoding="utf-8")
    assert fingerprint_of(package, schema_package) == before
    with (schema_package / "events.py").open("a", encoding="utf-8") as stream:
        stream.write("# the contract shapes cached rows\n")
    after_schema = fingerprint_of(package, schema_package)
    assert after_schema != before
    with (package / "lexicons" / "event_types.tsv").open("a", encoding="utf-8") as stream:
        stream.write("研习营\tseminar\n")
    assert fingerprint_of(package, schema_package) != after_schema


@settings(max_examples=40, deadline=None)
@given(st.lists(events, max_size=3), st.lists(events, max_size=2))
def test_any_extractions_round_trip_and_split_back_per_file(tmp_path_factory, first_events, second_events):
    first, second_member = two_article_members(first_events, second_events)
    rows = chunk_of(first, second_member)
    cache = ChunkCache(tmp_path_factory.mktemp("cache"), "rules", "1")
    cache.put(rows)
    assert_same_rows(cache.get(keys(rows)), rows)
    # the second file alone, then both again in the other order of sources
    second = ChunkRows.merge([rows.files[1]], [rows.select({1: 0})])
    assert_same_rows(second, chunk_of(second_member))
    assert_same_rows(ChunkRows.merge(rows.files, [rows.select({1: 1}), rows.select({0: 0})]), rows)
    # one part whose rows are not in file order still comes out in file order
    swapped = ChunkRows.merge([rows.files[1], rows.files[0]], [rows.select({0: 1, 1: 0})])
    assert_same_rows(swapped, chunk_of(second_member, first))


def test_a_killed_writers_temporary_file_is_never_read(tmp_path):
    rows = two_file_chunk()
    cache = ChunkCache(tmp_path, "rules", "1")
    cache.put(rows)
    entry = cache.path_for(keys(rows))
    leftover = entry.with_name(f".tmp-99999-{entry.name}")
    entry.rename(leftover)
    assert cache.get(keys(rows)) is None
    assert ChunkCache(tmp_path, "rules", "1").find(*keys(rows)[0]) is None
