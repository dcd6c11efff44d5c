"""The card's Markdown body: the template in ``card.md.tmpl`` filled from the facts of a build."""

from __future__ import annotations

import json
from importlib import resources
from string import Template

import pyarrow as pa

from builder.card.facts import SHARD_NAME, BuildFacts
from builder.card.header import LICENSE_URL, PRETTY_NAME
from builder.card.quality import render_quality
from builder.extract import DEFAULT_EXTRACTOR
from schema.catalog import ColumnSpec
from schema.documents import DOCUMENTS


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def type_name(arrow_type: pa.DataType) -> str:
    """A short type name for the data dictionary: Arrow's own, or ``list<struct>`` for nested records."""
    if pa.types.is_list(arrow_type):
        item = arrow_type.value_type
        return "list<struct>" if pa.types.is_struct(item) else f"list<{item}>"
    return str(arrow_type)


def _rows(specs: tuple[ColumnSpec, ...], prefix: str = "") -> list[str]:
    lines = []
    for spec in specs:
        description = spec.description
        if spec.categories and not all(f"{value}" in description for value in spec.categories):
            description += " Allowed values: " + ", ".join(f"`{value}`" for value in spec.categories) + "."
        null = "yes" if spec.nullable else "no"
        lines.append(
            f"| `{prefix}{spec.name}` | {type_name(spec.arrow_type)} | {null} | {_cell(description)} |"
        )
        if spec.children:
            lines += _rows(spec.children, f"{prefix}{spec.name}[].")
    return lines


def data_dictionary(facts: BuildFacts) -> str:
    """One table per config: column, Arrow type, nullable, description (with allowed values)."""
    parts = []
    for config in facts.configs:
        lines = [
            f"### `{config.name}`",
            "",
            config.description,
            "",
            "| column | type | null | description |",
            "|---|---|---|---|",
            *_rows(config.columns),
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def load_snippets(facts: BuildFacts, location: str) -> str:
    """Python code blocks that load the data with datasets, pandas, polars and duckdb."""
    has_documents = any(config.name == DOCUMENTS for config in facts.configs)
    datasets_lines = ["from datasets import load_dataset", ""]
    if facts.rows("events"):
        datasets_lines += [
            f'events = load_dataset("{location}", "events", split="train")',
            f'articles = load_dataset("{location}", "articles", split="train")',
            'print(events.num_rows, "events from", articles.num_rows, "articles")',
        ]
    else:
        # datasets refuses empty splits, and this version has no event rows (see the Summary)
        datasets_lines += [
            f'articles = load_dataset("{location}", "articles", split="train")',
            'print(articles.num_rows, "articles")',
        ]
    if has_documents:
        datasets_lines += [
            "",
            "# one row per article; `events` is a list of dicts with nested participants and organizations",
            f'documents = load_dataset("{location}", "documents", split="train")',
            'first = next((row for row in documents if row["events"]), documents[0])',
            'print(first["title"], [event["name"] for event in first["events"]])',
        ]
    pandas_lines = [
        "import pandas as pd",
        "",
        f'events = pd.read_parquet("{location}/events/{SHARD_NAME}")',
        f'participants = pd.read_parquet("{location}/participants/{SHARD_NAME}")',
        'people = participants.merge(events, on="event_id", suffixes=("", "_event"))',
        'print(people[["name", "role", "affiliation", "name_event"]].head())',
    ]
    polars_lines = [
        "import polars as pl",
        "",
        f'articles = pl.read_parquet("{location}/articles/*.parquet")',
        f'events = pl.read_parquet("{location}/events/*.parquet")',
        f'participants = pl.read_parquet("{location}/participants/*.parquet")',
        "people = (",
        '    participants.join(events, on="event_id", suffix="_event")',
        '    .join(articles, on="article_id", suffix="_article")',
        '    .select("name", "role", "name_event", "start_date", "city", "title")',
        ")",
        "print(people)",
    ]
    duckdb_lines = [
        "import duckdb",
        "",
        "rows = duckdb.sql(",
        '    """',
        "    SELECT e.name AS event, e.start_date, p.name AS person, p.role, a.title AS article",
        f"    FROM '{location}/events/*.parquet' AS e",
        f"    JOIN '{location}/participants/*.parquet' AS p ON p.event_id = e.event_id",
        f"    JOIN '{location}/articles/*.parquet' AS a ON a.article_id = e.article_id",
        "    ORDER BY e.start_date, e.name, p.person_order",
        '    """',
        ").fetchall()",
        'print(len(rows), "participant rows")',
    ]
    blocks = [
        ("With 🤗 `datasets` (each config by name):", datasets_lines),
        ("With pandas:", pandas_lines),
        ("With polars (events ⨝ participants ⨝ articles):", polars_lines),
        ("With duckdb (the same join in SQL):", duckdb_lines),
    ]
    return "\n\n".join(f"{title}\n\n```python\n" + "\n".join(lines) + "\n```" for title, lines in blocks)


def summary_counts(facts: BuildFacts) -> str:
    articles = facts.rows("articles")
    text = (
        f"This version holds {facts.rows('events')} events reported in {articles} articles from "
        f"{len(facts.sources)} sources, with {facts.rows('participants')} participant rows and "
        f"{facts.rows('organizations')} organization rows."
    )
    if facts.published_range:
        text += (
            f" The articles were published between {facts.published_range[0]} and {facts.published_range[1]}."
        )
    return text


def config_table(facts: BuildFacts) -> str:
    return "\n".join(f"| `{item.name}` | {item.rows} | {_cell(item.description)} |" for item in facts.configs)


def empty_configs_note(facts: BuildFacts) -> str:
    """A warning when a config has no rows: ``datasets`` cannot load an empty split."""
    empty = [f"`{item.name}`" for item in facts.configs if item.rows == 0]
    if not empty:
        return ""
    return (
        f"In this version {', '.join(empty)} {'has' if len(empty) == 1 else 'have'} no rows. 🤗 `datasets` "
        'cannot load a split without rows ("An error occurred while generating the dataset"), so read '
        f"{'it' if len(empty) == 1 else 'them'} with pandas, polars or duckdb, which return an empty table "
        "with every column."
    )


def example_section(facts: BuildFacts) -> str:
    if facts.example_event is None:
        return "## Example\n\nThis version has no event rows yet, so there is no example to show."
    example = json.dumps(facts.example_event, ensure_ascii=False, indent=2)
    return f"## Example\n\nThe first row of `events`:\n\n```json\n{example}\n```"


def sources_section(facts: BuildFacts) -> tuple[str, str]:
    intro = (
        f"{facts.rows('articles')} articles from {len(facts.sources)} publishers and WeChat accounts, "
        "as named in each article's front matter (`articles.source`):"
    )
    table = "\n".join(f"| {_cell(source)} | {count} |" for source, count in facts.sources)
    return intro, table or "| (none) | 0 |"


def accounting(facts: BuildFacts) -> str:
    quarantined = sum(facts.quarantined.values())
    return (
        f"The build read {facts.input_files} input files: {facts.rows('articles')} became articles, "
        f"{facts.duplicates} were duplicates of a kept file (same bytes or same canonical URL) and "
        f"{facts.rejected} were rejected with a one-line reason (listed in `manifest.json`). "
        f"{quarantined} extracted rows broke a rule of the schema and were quarantined "
        "(`quarantine/` in the build) rather than published."
    )


def extraction(facts: BuildFacts) -> str:
    intro = (
        f"Records were extracted by the `{facts.extractor_name}` extractor, version "
        f"{facts.extractor_version}, of `builder` {facts.builder_version}"
    )
    # the card describes the method of the default, rule-based extractor only
    if facts.extractor_name != DEFAULT_EXTRACTOR:
        method = (
            f"{intro}, which reads the cleaned article text and returns events, people and organizations, "
            "each with its evidence sentence and offsets.\n\n"
        )
    else:
        method = (
            f"{intro}: deterministic rules that read "
            "the cleaned article text (no network, no model), each rule a small named function with "
            "word lists (titles, roles, city aliases, event words) kept as data files. The extractor finds "
            "the sentences that name an event, resolves dates against the article's publication date "
            "(a month-day without a year takes the article's year), normalizes cities (在京 → 北京) and "
            "attendance phrases (三百多人 → 300), and lists people and organizations with their roles. "
            "Every row keeps its evidence sentence and offsets.\n\n"
        )
    return method + (
        "Each table is then validated against the pandera models of the schema (types, allowed "
        "values, patterns) and cross-table rules: unique keys, foreign keys, `n_events`, evidence "
        "spans that reproduce their sentence exactly, `end_date >= start_date`, and event dates "
        "within two years before and one year after publication. The `documents` config is "
        "regrouped from the validated tables and checked to flatten back into them exactly."
    )


def limitations(facts: BuildFacts) -> str:
    articles = max(facts.rows("articles"), 1)
    top_share = ""
    if facts.sources:
        source, count = facts.sources[0]
        top_share = (
            f" The largest source, {source}, supplies {count} of {facts.rows('articles')} articles "
            f"({count / articles:.0%})."
        )
    return (
        "- Coverage follows the sources: the articles were collected from a small set of Chinese "
        "security media and WeChat accounts, so events they report are over-represented and events "
        f"they ignore are absent.{top_share}\n"
        "- The records are what a rule-based extractor read: fields can be missed (null) or wrong "
        "where an article phrases things in a way no rule anticipated; see Quality for measured rates.\n"
        "- Organizers' own reports dominate; names, titles and attendance figures are as the article "
        "printed them and are not checked against other sources.\n"
        "- Dates without a year are resolved from the publication date; an event reported long after "
        "it took place may get the wrong year.\n"
        "- Articles cut off mid-text (excerpts, paywalls) yield only the people and organizations "
        "named before the cut.\n"
        "- Only Chinese-language articles are included; Latin names are kept as written."
    )


def bibtex(facts: BuildFacts) -> str:
    version = facts.dataset_version
    # the release year; a build that was not released takes its newest article's year
    year = (facts.created_at or (facts.published_range[1] if facts.published_range else "0000"))[:4]
    key = "chinese_cybersecurity_events_" + version.replace(".", "_").replace("+", "_")
    return (
        f"@misc{{{key},\n"
        f"  title = {{{PRETTY_NAME}: a dataset of cybersecurity events from Chinese news}},\n"
        "  author = {{Chinese Cybersecurity Events maintainers}},\n"
        f"  year = {{{year}}},\n"
        f"  version = {{{version}}},\n"
        f"  note = {{Dataset version {version}, schema version {facts.schema_version}, "
        f"built with builder {facts.builder_version}}}\n"
        "}"
    )


def version_line(facts: BuildFacts) -> str:
    if facts.version:
        return (
            f"Version **{facts.version}** (schema version {facts.schema_version}, built with `builder` "
            f"{facts.builder_version}). This card is generated by `builder card`; do not edit it by hand."
        )
    return (
        f"Unreleased build (schema version {facts.schema_version}, `builder` {facts.builder_version}). "
        "This card is generated by `builder card`; do not edit it by hand."
    )


def changes_section(changes: str | None) -> str:
    if not changes:
        return ""
    text = changes.strip()
    return text if text.startswith("#") else f"## Changes since the previous release\n\n{text}"


def render_body(
    facts: BuildFacts, *, location: str, quality: dict | None = None, changes: str | None = None
) -> str:
    """The Markdown body of the card (everything after the YAML header)."""
    template = Template(resources.files("builder.card").joinpath("card.md.tmpl").read_text(encoding="utf-8"))
    sources_intro, sources_table = sources_section(facts)
    text = template.substitute(
        pretty_name=PRETTY_NAME,
        version_line=version_line(facts),
        summary_counts=summary_counts(facts),
        config_table=config_table(facts),
        empty_configs_note=empty_configs_note(facts),
        location=location,
        load_snippets=load_snippets(facts, location),
        data_dictionary=data_dictionary(facts),
        example_section=example_section(facts),
        sources_intro=sources_intro,
        sources_table=sources_table,
        accounting=accounting(facts),
        extraction=extraction(facts),
        quality=render_quality(quality),
        changes_section=changes_section(changes),
        limitations=limitations(facts),
        license_url=LICENSE_URL,
        bibtex=bibtex(facts),
    )
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text
