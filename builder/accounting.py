"""The build's accounting invariant: nothing read is lost, nothing extracted disappears silently.

Inputs: every ``*.md`` entry of the raw folder is an article, a duplicate or a rejection.
Rows: per table, extracted = published + quarantined, and rows leave a table only with a
quarantine record (and a table with quarantine records did lose rows).
"""

from __future__ import annotations

from builder.errors import BuilderError
from builder.validate import ValidationResult

_BUG = "This is a bug in builder: report it with the raw folder; no file or row may be lost"


def check_inputs(entries: int, articles: int, duplicates: int, rejected: int) -> None:
    """Raise ``BuilderError`` unless ``entries == articles + duplicates + rejected``."""
    if entries != articles + duplicates + rejected:
        raise BuilderError(
            "input files do not add up",
            field="accounting",
            value=f"{entries} files != {articles} articles + {duplicates} duplicates + {rejected} rejected",
            hint=_BUG,
        )


def check_rows(result: ValidationResult, articles: int) -> None:
    """Raise ``BuilderError`` when a table's extracted rows are not all published or quarantined."""
    if result.extracted_counts.get("articles") != articles:
        raise BuilderError(
            "articles extracted differ from articles parsed",
            field="accounting",
            value=f"{result.extracted_counts.get('articles')} != {articles}",
            hint=_BUG,
        )
    tables = result.quarantine.column("table").to_pylist()
    keys = result.quarantine.column("key").to_pylist()
    for table, extracted in result.extracted_counts.items():
        published = result.published[table].num_rows
        removed = extracted - published
        records = len({key for name, key in zip(tables, keys, strict=True) if name == table})
        if removed < 0 or (removed == 0) != (records == 0) or records > removed:
            raise BuilderError(
                "rows do not add up",
                record=table,
                field="accounting",
                value=f"{extracted} extracted, {published} published, {records} quarantined records",
                hint=_BUG,
            )
