"""The article cache: faithful round trips, misses on any change, and a folder that is safe to delete."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.articles import parse_article
from builder.cache import CACHEDIR_TAG, ArticleCache, fingerprint_of, fingerprinted_files
from builder.models import Event, Evidence, Extraction, Organization, Participant

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "raw" / "cnis-2024-12-10-seed.md"


def seed_article():
    raw = SEED.read_bytes()
    return raw, parse_article(raw, SEED.name)


def full_extraction(article_id: str) -> Extraction:
    """An extraction with every optional field set, and one with them empty, in one record."""
    evidence = Evidence("论坛在京举办。", 0, 7)
    event = Event(
        name="第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛",
        event_type="forum",
        status="held",
        evidence=evidence,
        series="“一带一路”园区建设国际合作峰会",
        edition=8,
        parent_event="第八届“一带一路”园区建设国际合作峰会",
        start_date=date(2024, 12, 7),
        end_date=date(2024, 12, 7),
        city="北京",
        country="CN",
        venue="国家会议中心",
        theme="网络安全国际合作",
        topics=("网络安全的基本制度建设", "国际标准化发展"),
        attendance=300,
        attendance_text="三百多人",
        participants=(
            Participant("吴世忠", "speaker", evidence, None, "中国工程院", "院士", "共建网络空间命运共同体"),
            Participant("江明灶", "speaker", evidence, name_latin="MengChow Kang"),
        ),
        organizations=(Organization("《中国企业报》集团", "organizer", evidence),),
    )
    bare = Event(name="网络安全宣传周", event_type="campaign", status="upcoming", evidence=evidence)
    return Extraction(article_id=article_id, extractor="rules", extractor_version="9.9", events=(event, bare))


def test_an_entry_round_trips_the_article_and_every_field_of_the_extraction(tmp_path):
    raw, article = seed_article()
    extraction = full_extraction(article.article_id)
    cache = ArticleCache(tmp_path, "rules", "1")
    assert cache.get(SEED.name, raw) is None
    cache.put(raw, article, extraction)
    assert cache.get(SEED.name, raw) == (article, extraction)


def test_changed_bytes_name_or_extractor_version_miss(tmp_path):
    raw, article = seed_article()
    cache = ArticleCache(tmp_path, "rules", "1")
    cache.put(raw, article, full_extraction(article.article_id))
    assert cache.get(SEED.name, raw + b"\n") is None
    assert cache.get("renamed.md", raw) is None
    assert ArticleCache(tmp_path, "rules", "2").get(SEED.name, raw) is None
    assert ArticleCache(tmp_path, "other", "1").get(SEED.name, raw) is None


def test_damaged_entries_are_misses_and_get_rewritten(tmp_path):
    raw, article = seed_article()
    extraction = full_extraction(article.article_id)
    cache = ArticleCache(tmp_path, "rules", "1")
    cache.put(raw, article, extraction)
    entry = cache.path_for(SEED.name, raw)
    text = entry.read_text(encoding="utf-8")
    wrong_type = text.replace('"edition": 8', '"edition": "8"')
    assert wrong_type != text
    for damaged in (text[: len(text) // 2], "", "[]", '{"article": {}, "extraction": {}}', wrong_type):
        entry.write_text(damaged, encoding="utf-8")
        assert cache.get(SEED.name, raw) is None, damaged[:40]
    cache.put(raw, article, extraction)
    assert cache.get(SEED.name, raw) == (article, extraction)


def test_the_folder_holds_only_entries_and_its_tag_and_is_safe_to_delete(tmp_path):
    raw, article = seed_article()
    folder = tmp_path / "cache"
    cache = ArticleCache(folder, "rules", "1")
    cache.put(raw, article, full_extraction(article.article_id))
    files = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    entry = cache.path_for(SEED.name, raw).relative_to(folder).as_posix()
    assert files == {"CACHEDIR.TAG", entry}
    assert (folder / "CACHEDIR.TAG").read_text(encoding="utf-8") == CACHEDIR_TAG
    shutil.rmtree(folder)
    assert cache.get(SEED.name, raw) is None
    cache.put(raw, article, full_extraction(article.article_id))
    assert cache.get(SEED.name, raw) is not None


def test_an_unwritable_folder_costs_only_a_miss(tmp_path):
    raw, article = seed_article()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    cache = ArticleCache(blocker, "rules", "1")
    cache.put(raw, article, full_extraction(article.article_id))
    assert cache.get(SEED.name, raw) is None


def test_the_fingerprint_follows_rules_and_lexicons_but_not_later_stages(tmp_path):
    package = tmp_path / "builder"
    shutil.copytree(REPO / "builder", package, ignore=shutil.ignore_patterns("__pycache__"))
    names = {path.relative_to(package).as_posix() for path in fingerprinted_files(package)}
    assert {"extract/rules.py", "extract/detect.py", "lexicons/event_types.tsv", "articles.py"} <= names
    assert "workers.py" in names
    assert not names & {"card.py", "validate.py", "tables.py", "cli.py", "pipeline.py"}
    before = fingerprint_of(package)
    (package / "card.py").write_text("# a later stage cannot change an extraction\n", encoding="utf-8")
    assert fingerprint_of(package) == before
    with (package / "lexicons" / "event_types.tsv").open("a", encoding="utf-8") as stream:
        stream.write("研习营\tseminar\n")
    assert fingerprint_of(package) != before


texts = st.text(alphabet=st.sampled_from("论坛在京举办。ab “”\n\t0"), max_size=12)
optional_dates = st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
evidences = st.builds(Evidence, texts, st.integers(0, 10**6), st.integers(0, 10**6))
events = st.builds(
    Event,
    name=texts,
    event_type=texts,
    status=texts,
    evidence=evidences,
    series=st.none() | texts,
    edition=st.none() | st.integers(1, 500),
    start_date=optional_dates,
    end_date=optional_dates,
    topics=st.lists(texts, max_size=3).map(tuple),
    attendance=st.none() | st.integers(0, 10**7),
    participants=st.lists(
        st.builds(Participant, texts, texts, evidences, st.none() | texts), max_size=2
    ).map(tuple),
    organizations=st.lists(st.builds(Organization, texts, texts, evidences), max_size=2).map(tuple),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(events, max_size=3))
def test_any_extraction_round_trips(tmp_path_factory, generated):
    raw, article = seed_article()
    extraction = Extraction(article.article_id, "rules", "1", tuple(generated))
    cache = ArticleCache(tmp_path_factory.mktemp("cache"), "rules", "1")
    cache.put(raw, article, extraction)
    assert cache.get(SEED.name, raw) == (article, extraction)
