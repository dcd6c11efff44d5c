"""Stage 4: pandera + cross-table validation of real articles with hand-made extractions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schema
from builder.errors import ValidationFailed
from builder.models import Article, Evidence, Extraction, Participant
from builder.tables import Tables, build_tables, event_id_for
from builder.validate import QUARANTINE_COLUMNS, validate_tables
from tests.validation_data import FORUM, SEED_FILE, forum, real_articles, seed_of, sentence, validated


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return real_articles()[0]


@pytest.fixture(scope="module")
def seed(articles: list[Article]) -> Article:
    return seed_of(articles)


validate = validated


def quarantined(result) -> list[tuple[str, str, str, str]]:
    """(rule, table, key, column) of every quarantine row."""
    return [(row["rule"], row["table"], row["key"], row["column"]) for row in result.quarantine.to_pylist()]


def n_events_of(result, article_id: str) -> int:
    articles = result.published["articles"]
    return articles.filter(pc.equal(articles.column("article_id"), article_id)).column("n_events")[0].as_py()


def test_validate_tables_publishes_a_clean_event(articles, seed):
    result = validate(articles, seed, forum(seed))

    assert result.quarantine.num_rows == 0
    assert result.counts() == {
        "articles": {"extracted": len(articles), "published": len(articles), "quarantined": 0},
        "events": {"extracted": 1, "published": 1, "quarantined": 0},
        "participants": {"extracted": 2, "published": 2, "quarantined": 0},
        "organizations": {"extracted": 2, "published": 2, "quarantined": 0},
    }
    for table in schema.TABLES:
        assert result.published[table].schema == schema.arrow_schema(table)
    assert n_events_of(result, seed.article_id) == 1
    assert result.published["participants"].column("name").to_pylist() == ["吴昀国", "吴世忠"]


def test_validate_tables_quarantines_bad_evidence_offsets_with_the_children(articles, seed):
    good = forum(seed)
    shifted = Evidence(good.evidence.sentence, good.evidence.start + 1, good.evidence.end + 1)
    broken = forum(seed, name="第二个论坛", evidence=shifted)
    result = validate(articles, seed, good, broken)

    broken_id = event_id_for("第二个论坛", dt.date(2024, 12, 7))
    assert quarantined(result) == [
        ("evidence_span", "events", broken_id, "evidence"),
        ("parent_quarantined", "participants", f"{broken_id}#1", "event_id"),
        ("parent_quarantined", "participants", f"{broken_id}#2", "event_id"),
        ("parent_quarantined", "organizations", f"{broken_id}#1", "event_id"),
        ("parent_quarantined", "organizations", f"{broken_id}#2", "event_id"),
    ]
    first = result.quarantine.to_pylist()[0]
    assert first["value"] == good.evidence.sentence
    assert first["source_file"] == SEED_FILE
    assert result.published["events"].column("name").to_pylist() == [FORUM]
    assert n_events_of(result, seed.article_id) == 1
    assert result.counts()["participants"] == {"extracted": 4, "published": 2, "quarantined": 2}


def test_validate_tables_quarantines_end_before_start(articles, seed):
    event = forum(seed, start_date=dt.date(2024, 12, 7), end_date=dt.date(2024, 12, 6))
    result = validate(articles, seed, event)

    event_id = event_id_for(FORUM, dt.date(2024, 12, 7))
    assert quarantined(result)[0] == ("date_order", "events", event_id, "end_date")
    assert result.quarantine.column("value")[0].as_py() == "2024-12-06"
    assert result.published["events"].num_rows == 0
    assert n_events_of(result, seed.article_id) == 0


def test_validate_tables_quarantines_dates_outside_the_window(articles, seed):
    # the seed is published 2024-12-10: the window is 2022-12-10 .. 2025-12-10
    inside = forum(seed, name="窗口内", start_date=dt.date(2022, 12, 10), end_date=dt.date(2025, 12, 10))
    outside = forum(seed, name="窗口外", start_date=dt.date(2022, 12, 9), end_date=dt.date(2025, 12, 11))
    result = validate(articles, seed, inside, outside)

    event_id = event_id_for("窗口外", dt.date(2022, 12, 9))
    rows = [row for row in result.quarantine.to_pylist() if row["table"] == "events"]
    assert [(row["rule"], row["key"], row["column"], row["value"]) for row in rows] == [
        ("date_window", event_id, "end_date", "2025-12-11"),
        ("date_window", event_id, "start_date", "2022-12-09"),
    ]
    assert result.published["events"].column("name").to_pylist() == ["窗口内"]


def test_validate_tables_quarantines_an_unknown_event_type(articles, seed):
    result = validate(articles, seed, forum(seed, event_type="party"))

    event_id = event_id_for(FORUM, dt.date(2024, 12, 7))
    assert quarantined(result)[0] == ("allowed_values", "events", event_id, "event_type")
    assert result.quarantine.column("value")[0].as_py() == "party"
    assert result.counts()["organizations"] == {"extracted": 2, "published": 0, "quarantined": 2}


def test_validate_tables_quarantines_a_whitespace_only_name_but_keeps_the_event(articles, seed):
    event = forum(seed)
    blank = Participant("\u3000 ", "speaker", sentence(seed, "江明灶（MengChow Kang）在演讲"))
    result = validate(articles, seed, forum(seed, participants=(*event.participants, blank)))

    event_id = event_id_for(FORUM, dt.date(2024, 12, 7))
    assert quarantined(result) == [("not_blank", "participants", f"{event_id}#3", "name")]
    assert result.quarantine.column("value")[0].as_py() == "\u3000 "
    assert result.counts()["participants"] == {"extracted": 3, "published": 2, "quarantined": 1}
    assert result.published["events"].num_rows == 1


def test_validate_tables_quarantines_blank_optional_strings_but_not_nulls(articles, seed):
    result = validate(articles, seed, forum(seed, venue=" ", theme=None, topics=("数据安全", "")))

    event_id = event_id_for(FORUM, dt.date(2024, 12, 7))
    assert quarantined(result)[:2] == [
        ("not_blank", "events", event_id, "topics"),
        ("not_blank", "events", event_id, "venue"),
    ]
    assert result.quarantine.column("value").to_pylist()[:2] == ['["数据安全", ""]', " "]


def test_validate_tables_keeps_the_first_of_a_duplicate_event(articles, seed):
    result = validate(articles, seed, forum(seed), forum(seed))

    event_id = event_id_for(FORUM, dt.date(2024, 12, 7))
    assert quarantined(result) == [
        ("unique_key", "events", event_id, "event_id"),
        ("unique_key", "participants", f"{event_id}#1", "event_id,person_order"),
        ("unique_key", "participants", f"{event_id}#2", "event_id,person_order"),
        ("unique_key", "organizations", f"{event_id}#1", "event_id,org_order"),
        ("unique_key", "organizations", f"{event_id}#2", "event_id,org_order"),
    ]
    assert result.counts()["events"] == {"extracted": 2, "published": 1, "quarantined": 1}
    assert n_events_of(result, seed.article_id) == 1


def test_validate_tables_quarantines_events_of_a_missing_article(articles, seed):
    tables = build_tables(articles, [Extraction(seed.article_id, "test", "1", (forum(seed),))])
    without_seed = tables.tables["articles"].filter(
        pc.not_equal(tables.tables["articles"]["article_id"], seed.article_id)
    )
    result = validate_tables(Tables({**tables.tables, "articles": without_seed}, tables.source_files))

    rules = {(row["rule"], row["table"]) for row in result.quarantine.to_pylist()}
    assert rules == {
        ("foreign_key", "events"),
        ("parent_quarantined", "participants"),
        ("parent_quarantined", "organizations"),
    }
    assert result.quarantine.column("source_file").to_pylist() == [SEED_FILE] * 5
    assert all(result.published[table].num_rows == 0 for table in ("events", "participants", "organizations"))


def test_validate_tables_quarantines_an_article_whose_n_events_is_wrong(articles, seed):
    tables = build_tables(articles, [Extraction(seed.article_id, "test", "1", (forum(seed),))])
    data = tables.tables["articles"]
    wrong = pc.if_else(
        pc.equal(data["article_id"], seed.article_id), pa.scalar(3, pa.int16()), data["n_events"]
    )
    articles_table = data.set_column(
        data.schema.get_field_index("n_events"), data.schema.field("n_events"), wrong
    )
    result = validate_tables(Tables({**tables.tables, "articles": articles_table}, tables.source_files))

    row = result.quarantine.to_pylist()[0]
    assert (row["rule"], row["table"], row["key"], row["column"], row["value"]) == (
        "n_events",
        "articles",
        seed.article_id,
        "n_events",
        "3",
    )
    assert result.counts()["events"] == {"extracted": 1, "published": 0, "quarantined": 1}
    assert result.quarantine.num_rows == 1 + 1 + 2 + 2


def test_validate_tables_published_tables_validate_clean_again(articles, seed):
    broken = forum(seed, name="坏论坛", event_type="party")
    result = validate(
        articles, seed, forum(seed), broken, forum(seed, name="晚", end_date=dt.date(2024, 1, 1))
    )
    again = validate_tables(
        Tables(result.published, {article.article_id: article.source_file for article in articles})
    )

    assert again.quarantine.num_rows == 0
    assert n_events_of(result, seed.article_id) == 1
    for counts in result.counts().values():
        assert counts["extracted"] == counts["published"] + counts["quarantined"]


def test_validate_tables_quarantine_is_all_strings_and_sorted(articles, seed):
    result = validate(
        articles, seed, forum(seed, event_type="party", venue=" "), forum(seed, name="乙", country="cn")
    )

    assert result.quarantine.schema == pa.schema([pa.field(name, pa.string()) for name in QUARANTINE_COLUMNS])
    rows = result.quarantine.to_pylist()
    order = list(schema.TABLES)
    assert rows == sorted(rows, key=lambda r: (order.index(r["table"]), r["key"], r["column"], r["rule"]))


def test_validate_tables_wrong_arrow_type_is_a_bug_not_a_quarantine(articles, seed):
    tables = build_tables(articles, [])
    data = tables.tables["articles"]
    as_int64 = data.set_column(
        data.schema.get_field_index("n_events"), "n_events", pc.cast(data["n_events"], pa.int64())
    )

    with pytest.raises(ValidationFailed) as error:
        validate_tables(Tables({**tables.tables, "articles": as_int64}, tables.source_files))
    assert error.value.line() == "articles: n_events: wrong Arrow type (got 'int64'). Expected int16."


#: ways to break an event, each caught by exactly the named rule
MUTATIONS = {
    "clean": {},
    "evidence_span": {"evidence": Evidence("不在文中的句子", 0, 7)},
    "date_order": {"end_date": dt.date(2024, 12, 1)},
    "date_window": {"start_date": dt.date(2019, 1, 1), "end_date": dt.date(2019, 1, 2)},
    "allowed_values": {"status": "cancelled"},
    "not_blank": {"theme": "\t"},
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(sorted(MUTATIONS)), st.integers(0, 3)), max_size=6))
def test_validate_tables_accounts_for_every_row(articles, seed, plan):
    events = [forum(seed, name=f"论坛{number}", **MUTATIONS[kind]) for kind, number in plan]
    result = validate(articles, seed, *events)

    for table, counts in result.counts().items():
        assert counts["extracted"] == counts["published"] + counts["quarantined"], table
        keys = set(result.quarantine.filter(pc.equal(result.quarantine["table"], table))["key"].to_pylist())
        assert (counts["quarantined"] == 0) == (not keys)
    published_names = result.published["events"].column("name").to_pylist()
    expected = []
    for kind, number in plan:
        if kind == "clean" and f"论坛{number}" not in expected:
            expected.append(f"论坛{number}")
    assert published_names == expected
    assert n_events_of(result, seed.article_id) == len(expected)
    source_files = {article.article_id: article.source_file for article in articles}
    assert validate_tables(Tables(result.published, source_files)).quarantine.num_rows == 0


def test_validate_tables_publishes_the_first_valid_copy_of_a_duplicate_event(articles, seed):
    result = validate(articles, seed, forum(seed, end_date=dt.date(2024, 12, 1)), forum(seed))

    event_id = event_id_for(FORUM, dt.date(2024, 12, 7))
    # the broken first copy is also a duplicate of the published second one
    assert [row for row in quarantined(result) if row[1] == "events"] == [
        ("date_order", "events", event_id, "end_date"),
        ("unique_key", "events", event_id, "event_id"),
    ]
    assert result.published["events"].column("end_date").to_pylist() == [dt.date(2024, 12, 7)]


def test_validate_tables_children_of_a_second_report_follow_their_own_copy(articles, seed):
    # the same forum reported by a second article gets the same event_id; the seed sorts first
    other = next(article for article in articles if article.source_file.startswith("chamd5-2024-12-03"))
    assert other.article_id > seed.article_id
    line = sentence(other, "datacon 2024")
    second = forum(
        seed,
        evidence=line,
        participants=tuple(Participant(name, "speaker", line) for name in ("甲", "乙", "丙")),
        organizations=(),
    )
    extractions = [
        Extraction(seed.article_id, "test", "1", (forum(seed),)),
        Extraction(other.article_id, "test", "1", (second,)),
    ]
    result = validate_tables(build_tables(articles, extractions))

    event_id = event_id_for(FORUM, dt.date(2024, 12, 7))
    rows = [
        (*row, source)
        for row, source in zip(quarantined(result), result.quarantine["source_file"].to_pylist(), strict=True)
    ]
    assert rows == [
        ("unique_key", "events", event_id, "event_id", other.source_file),
        ("unique_key", "participants", f"{event_id}#1", "event_id,person_order", other.source_file),
        ("unique_key", "participants", f"{event_id}#2", "event_id,person_order", other.source_file),
        ("parent_quarantined", "participants", f"{event_id}#3", "event_id", other.source_file),
    ]
    assert result.published["participants"].column("name").to_pylist() == ["吴昀国", "吴世忠"]
    assert n_events_of(result, seed.article_id) == 1
    assert n_events_of(result, other.article_id) == 0


def test_validate_tables_accepts_an_empty_build():
    result = validate_tables(build_tables([], []))

    assert result.quarantine.num_rows == 0
    assert all(
        counts == {"extracted": 0, "published": 0, "quarantined": 0} for counts in result.counts().values()
    )
    assert all(result.published[table].schema == schema.arrow_schema(table) for table in schema.TABLES)


def test_validate_tables_an_article_that_breaks_a_rule_takes_its_events_along(articles, seed):
    tables = build_tables(articles, [Extraction(seed.article_id, "test", "1", (forum(seed),))])
    data = tables.tables["articles"]
    language = pc.if_else(pc.equal(data["article_id"], seed.article_id), "Chinese", data["language"])
    position = data.schema.get_field_index("language")
    bad_language = data.set_column(position, data.schema.field(position), language)
    result = validate_tables(Tables({**tables.tables, "articles": bad_language}, tables.source_files))

    event_id = event_id_for(FORUM, dt.date(2024, 12, 7))
    assert quarantined(result) == [
        ("pattern", "articles", seed.article_id, "language"),
        ("parent_quarantined", "events", event_id, "article_id"),
        ("parent_quarantined", "participants", f"{event_id}#1", "event_id"),
        ("parent_quarantined", "participants", f"{event_id}#2", "event_id"),
        ("parent_quarantined", "organizations", f"{event_id}#1", "event_id"),
        ("parent_quarantined", "organizations", f"{event_id}#2", "event_id"),
    ]
    assert result.counts()["articles"] == {
        "extracted": len(articles),
        "published": len(articles) - 1,
        "quarantined": 1,
    }


def test_validate_tables_many_copies_of_one_event_follow_their_own_copies(articles, seed):
    # 40 reports of the seed's forum share one event_id; every fifth copy's text is shifted by one
    # character, so its evidence offsets read the wrong span and its children own no copy
    copies = []
    for number in range(40):
        text = ("　" + seed.text) if number % 5 == 4 else seed.text
        copies.append(
            dataclasses.replace(
                seed,
                article_id=f"{0xF000000000000000 + number:016x}",
                url=f"{seed.url}?copy={number}",
                canonical_url=f"{seed.canonical_url}?copy={number}",
                text=text,
                source_file=f"copy-{number:02d}.md",
            )
        )
    extractions = [Extraction(copy.article_id, "test", "1", (forum(seed),)) for copy in copies]
    result = validate_tables(build_tables([*articles, *copies], extractions))

    counts = result.counts()
    assert {table: (counts[table]["published"], counts[table]["quarantined"]) for table in counts} == {
        "articles": (len(articles) + 40, 0),
        "events": (1, 39),
        "participants": (2, 78),
        "organizations": (2, 78),
    }
    # the shifted copies also fail their own evidence span; the children of the other 39 copies
    # are duplicates of the published ones (the split the pre-vectorized check produced)
    assert Counter((row[0], row[1]) for row in quarantined(result)) == {
        ("evidence_span", "events"): 8,
        ("unique_key", "events"): 39,
        ("unique_key", "participants"): 78,
        ("unique_key", "organizations"): 78,
    }
    assert result.published["events"].column("article_id").to_pylist() == [copies[0].article_id]
