"""Chunk rows made as a worker makes them, for the tests of the cache and of the pool's spool."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pyarrow as pa
from hypothesis import strategies as st

from builder.articles import parse_article
from builder.cache.chunks import ChunkRows, FileOutcome
from builder.models import Event, Evidence, Extraction, Organization, Participant, RejectedFile
from builder.tables import TableRows

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


def chunk_of(*members: tuple[bytes, object, Extraction | None]) -> ChunkRows:
    """A chunk made as a worker makes one; members are (raw bytes, article or rejection, extraction)."""
    rows = TableRows()
    files = []
    for position, (raw, item, extraction) in enumerate(members):
        digest = hashlib.sha256(raw).hexdigest()
        if isinstance(item, RejectedFile):
            files.append(FileOutcome(item.source_file, digest, item))
            continue
        files.append(FileOutcome(item.source_file, digest))
        rows.add(item, extraction, origin=position)
    positions = {name: pa.array(origins, pa.int32()) for name, origins in rows.row_origins.items()}
    return ChunkRows(tuple(files), rows.to_arrow(), positions)


def keys(rows: ChunkRows) -> list[tuple[str, str]]:
    return [(item.source_file, item.raw_sha256) for item in rows.files]


def assert_same_rows(left: ChunkRows, right: ChunkRows) -> None:
    assert left.files == right.files
    for name, table in right.tables.items():
        assert left.tables[name].equals(table), name
        assert left.positions[name].equals(right.positions[name]), name


def two_file_chunk() -> ChunkRows:
    raw, article = seed_article()
    digest = hashlib.sha256(b"x").hexdigest()
    rejected = RejectedFile("broken.md", "front matter", "no closing --- line", digest)
    return chunk_of((raw, article, full_extraction(article.article_id)), (b"x", rejected, None))


def two_article_members(first_events, second_events) -> list[tuple[bytes, object, Extraction]]:
    """The seed article and a copy under another name, with ``first_events`` and ``second_events``."""
    raw, article = seed_article()
    other_raw = raw.replace(b"cnis", b"cnis-copy", 1)
    other = parse_article(other_raw, "copy.md")
    return [
        (raw, article, Extraction(article.article_id, "rules", "1", tuple(first_events))),
        (other_raw, other, Extraction(other.article_id, "rules", "1", tuple(second_events))),
    ]


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
