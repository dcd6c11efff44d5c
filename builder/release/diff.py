"""``builder diff``: record-level and schema differences between two builds or releases.

Records are matched by stable keys (articles by ``article_id``, events by ``event_id``,
participants and organizations by event, name and role). An event whose id changed because
its name was corrected is matched by article and start date and reported as changed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from builder.errors import ReleaseError
from builder.release.fingerprints import fingerprint_with, method_of
from builder.release.folders import read_manifest
from builder.release.json_rows import canonical_column, canonical_rows
from builder.release.versions import LEVELS, is_version

#: the stable key of each table as diff reports it (not the storage order key)
DIFF_KEYS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id",),
    "events": ("event_id",),
    "participants": ("event_id", "name", "role"),
    "organizations": ("event_id", "name", "role"),
}
#: longest value shown in the plain-text output
SHOWN_CHARS = 60
#: matched records compared in Arrow at a time (two slices of this many articles' texts in memory)
COMPARE_BATCH = 4096


@dataclass
class TableDiff:
    """Records added, removed and changed in one table."""

    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    unchanged: int = 0

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class DiffReport:
    """Differences from ``old`` to ``new`` and the version bump they require."""

    old: str
    new: str
    schema: dict[str, dict]
    tables: dict[str, TableDiff]
    bump: str
    reasons: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return self.bump == "none"

    def to_dict(self) -> dict:
        return {
            "old": self.old,
            "new": self.new,
            "bump": self.bump,
            "reasons": list(self.reasons),
            "schema": self.schema,
            "tables": {name: table.to_dict() for name, table in self.tables.items()},
        }

    def summary_lines(self) -> list[str]:
        lines = [f"diff {self.old} → {self.new}: requires {self.bump} bump"]
        lines += [f"  {reason}" for reason in self.reasons]
        for name, table in self.tables.items():
            lines.append(
                f"{name:<14} {len(table.added):>5} added {len(table.removed):>5} removed "
                f"{len(table.changed):>5} changed {table.unchanged:>6} unchanged"
            )
            lines += [f"  + {format_key(key)}" for key in table.added]
            lines += [f"  - {format_key(key)}" for key in table.removed]
            for change in table.changed:
                lines.append(f"  ~ {format_key(change['key'])}")
                lines += [
                    f"      {column}: {show_change(values['old'], values['new'])}"
                    for column, values in change["fields"].items()
                ]
        return lines


def _shown(value: object, start: int) -> str:
    if not isinstance(value, str):
        return repr(value)
    window = value[start : start + SHOWN_CHARS].replace("\n", "\\n")
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SHOWN_CHARS < len(value) else ""
    return f"“{prefix}{window}{suffix}”"


def show_change(old: object, new: object) -> str:
    """``old → new`` on one line; long texts are cut to a window around their first difference.

    Example: a 5,000-character ``text`` whose 3,000th character changed shows the characters
    around position 3,000 of both versions.
    """
    start = 0
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > SHOWN_CHARS:
        common = next(
            (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new))
        )
        start = max(0, common - SHOWN_CHARS // 3)
    return f"{_shown(old, start)} → {_shown(new, start)}"


def format_key(key: dict) -> str:
    return " ".join(f"{name}={value}" for name, value in key.items())


def _key_tuples(table: pa.Table, keys: tuple[str, ...]) -> list[tuple]:
    """The key of every row, as canonical values, in row order."""
    return list(zip(*(canonical_column(table.column(name)) for name in keys), strict=True))


def _keyed(row_keys: list[tuple]) -> dict[tuple, int]:
    """Row number by key; a repeated key gets an occurrence number so that nothing is lost."""
    keyed: dict[tuple, int] = {}
    seen: Counter = Counter()
    for row, key in enumerate(row_keys):
        seen[key] += 1
        keyed[key if seen[key] == 1 else (*key, seen[key])] = row
    return keyed


def _key_dict(keys: tuple[str, ...], key: tuple) -> dict:
    named = dict(zip(keys, key, strict=False))
    if len(key) > len(keys):
        named["occurrence"] = key[-1]
    return named


def _field_changes(old: dict, new: dict, columns: list[str]) -> dict:
    return {name: {"old": old[name], "new": new[name]} for name in columns if old[name] != new[name]}


def _match_renamed_events(
    removed: dict[tuple, tuple], added: dict[tuple, tuple]
) -> dict[tuple, tuple]:
    """Old key → new key for events that kept their article and start date but changed id.

    ``removed`` and ``added`` map each unmatched key to its (article_id, start_date).
    """
    by_anchor: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    for key, anchor in removed.items():
        by_anchor[anchor][0].append(key)
    for key, anchor in added.items():
        by_anchor[anchor][1].append(key)
    pairs = {}
    for old_keys, new_keys in by_anchor.values():
        if len(old_keys) == 1 and len(new_keys) == 1:
            pairs[old_keys[0]] = new_keys[0]
    return pairs


def _anchors(table: pa.Table, keyed: dict[tuple, int], unmatched: list[tuple]) -> dict[tuple, tuple]:
    """(article_id, start_date) of the events at the ``unmatched`` keys."""
    article_ids = canonical_column(table.column("article_id"))
    start_dates = canonical_column(table.column("start_date"))
    return {key: (article_ids[keyed[key]], start_dates[keyed[key]]) for key in unmatched}


def _maybe_differ(old: pa.ChunkedArray, new: pa.ChunkedArray) -> np.ndarray:
    """Per row, False where the two values are surely equal as canonical values, else True.

    Arrow decides for columns of one plain type on both sides (equal texts, numbers, dates or
    times, or two nulls); any other column is left for the row-by-row comparison.
    """
    if old.type != new.type or not any(test(old.type) for test in _ARROW_COMPARED):
        return np.ones(len(old), dtype=bool)
    equal = pc.fill_null(pc.equal(old, new), False)
    both_null = pc.and_(pc.is_null(old), pc.is_null(new))
    return np.logical_not(pc.or_(equal, both_null).to_numpy(zero_copy_only=False))


#: column types whose equality Arrow decides exactly as the canonical Python values' equality
_ARROW_COMPARED = (
    pa.types.is_string, pa.types.is_large_string, pa.types.is_integer, pa.types.is_boolean,
    pa.types.is_date, pa.types.is_timestamp,
)


def diff_table(
    name: str, old: pa.Table, new: pa.Table, columns: list[str], *, batch_rows: int = COMPARE_BATCH
) -> tuple[TableDiff, dict[str, str]]:
    """Compare one table; for events also return old event_id → new event_id of renamed events.

    Matched records are compared in Arrow, ``batch_rows`` at a time; only those whose values may
    differ become Python rows, so a release of 100,000 articles with one change never holds the
    articles as Python objects (it did: 3 s of a 15 s release, and its peak RSS fell by 0.5 GB).
    """
    keys = DIFF_KEYS[name]
    old_rows, new_rows = _keyed(_key_tuples(old, keys)), _keyed(_key_tuples(new, keys))
    result = TableDiff()
    pairs = {key: key for key in old_rows if key in new_rows}
    renamed: dict[str, str] = {}
    if name == "events":
        extra = _match_renamed_events(
            _anchors(old, old_rows, [key for key in old_rows if key not in new_rows]),
            _anchors(new, new_rows, [key for key in new_rows if key not in old_rows]),
        )
        pairs.update(extra)
        # an event's key starts with its id (DIFF_KEYS)
        renamed = {key[0]: target[0] for key, target in extra.items()}
    matched_new = set(pairs.values())
    result.removed = [_key_dict(keys, key) for key in sorted(old_rows, key=repr) if key not in pairs]
    result.added = [_key_dict(keys, key) for key in sorted(new_rows, key=repr) if key not in matched_new]
    ordered = sorted(pairs, key=repr)
    old, new = old.select(columns), new.select(columns)
    for start in range(0, len(ordered), batch_rows):
        batch = ordered[start : start + batch_rows]
        old_part = old.take(pa.array([old_rows[key] for key in batch], pa.int64()))
        new_part = new.take(pa.array([new_rows[pairs[key]] for key in batch], pa.int64()))
        differs = np.zeros(len(batch), dtype=bool)
        for column in columns:
            differs |= _maybe_differ(old_part.column(column), new_part.column(column))
        candidates = np.flatnonzero(differs)
        result.unchanged += len(batch) - len(candidates)
        if not len(candidates):
            continue
        taken = pa.array(candidates, pa.int64())
        old_values, new_values = canonical_rows(old_part.take(taken)), canonical_rows(new_part.take(taken))
        for position, old_row, new_row in zip(candidates, old_values, new_values, strict=True):
            changes = _field_changes(old_row, new_row, columns)
            if changes:
                result.changed.append({"key": _key_dict(keys, pairs[batch[position]]), "fields": changes})
            else:
                result.unchanged += 1
    return result, renamed


def _with_event_ids_renamed(table: pa.Table, renamed: dict[str, str]) -> pa.Table:
    """``table`` with every event_id in ``renamed`` replaced by the new id."""
    position = table.schema.get_field_index("event_id")
    ids = [renamed.get(value, value) for value in canonical_column(table.column(position))]
    field_ = table.schema.field(position)
    return table.set_column(position, field_, pa.array(ids, field_.type))


def diff_schema(old_manifest: dict, new_manifest: dict) -> dict[str, dict]:
    """Per table: columns added, removed and re-typed (types as in the manifest)."""
    result = {}
    old_tables, new_tables = old_manifest.get("tables", {}), new_manifest.get("tables", {})
    for name in sorted(set(old_tables) | set(new_tables)):
        old_columns = old_tables.get(name, {}).get("columns", {})
        new_columns = new_tables.get(name, {}).get("columns", {})
        entry = {
            "table": "added" if name not in old_tables else "removed" if name not in new_tables else "kept",
            "added": {column: kind for column, kind in new_columns.items() if column not in old_columns},
            "removed": {column: kind for column, kind in old_columns.items() if column not in new_columns},
            "retyped": {
                column: {"old": kind, "new": new_columns[column]}
                for column, kind in old_columns.items()
                if column in new_columns and new_columns[column] != kind
            },
        }
        if entry["table"] != "kept" or entry["added"] or entry["removed"] or entry["retyped"]:
            result[name] = entry
    return result


def records(count: int) -> str:
    """``1 record``, ``2 records``."""
    return f"{count} record" + ("" if count == 1 else "s")


def required_bump(schema_changes: dict[str, dict], tables: dict[str, TableDiff]) -> tuple[str, list[str]]:
    """The smallest bump the changes allow, with one reason per change that forces it."""
    reasons: list[tuple[str, str]] = []
    for name, entry in schema_changes.items():
        if entry["table"] == "removed":
            reasons.append(("major", f"{name}: table removed"))
        elif entry["table"] == "added":
            reasons.append(("minor", f"{name}: table added"))
        for column in entry["removed"]:
            reasons.append(("major", f"{name}: column {column} removed or renamed"))
        for column, kinds in entry["retyped"].items():
            reasons.append(("major", f"{name}: column {column} re-typed ({kinds['old']} → {kinds['new']})"))
        for column in entry["added"]:
            reasons.append(("minor", f"{name}: column {column} added"))
    for name, table in tables.items():
        if table.added:
            reasons.append(("minor", f"{name}: {records(len(table.added))} added"))
        if table.removed:
            reasons.append(("minor", f"{name}: {records(len(table.removed))} removed"))
        if table.changed:
            reasons.append(("patch", f"{name}: {records(len(table.changed))} changed"))
    level = max((level for level, _ in reasons), key=LEVELS.index, default="none")
    return level, [f"{text} ({kind})" for kind, text in reasons]


def same_content(old_table: pa.Table, old_info: dict, new_info: dict) -> bool:
    """Whether a table holds the same rows on both sides, from the manifests' fingerprints.

    When the two manifests used different fingerprint methods, the old table is fingerprinted
    again with the new side's method.
    """
    method = method_of(new_info)
    if method_of(old_info) == method:
        return old_info["fingerprint"] == new_info["fingerprint"]
    return fingerprint_with(method, old_table, new_info["key"]) == new_info["fingerprint"]


def diff_folders(
    old_folder: Path,
    new_folder: Path,
    *,
    old_label: str,
    new_label: str,
    new_tables: dict[str, pa.Table] | None = None,
) -> DiffReport:
    """Compare two build or release folders.

    ``new_tables`` are the tables of ``new_folder`` when the caller has read them already
    (``builder release`` validated them): they are not read again.
    """
    old_manifest, new_manifest = read_manifest(old_folder), read_manifest(new_folder)
    schema_changes = diff_schema(old_manifest, new_manifest)
    tables: dict[str, TableDiff] = {}
    renamed: dict[str, str] = {}
    for name in DIFF_KEYS:
        old_info, new_info = old_manifest["tables"].get(name), new_manifest["tables"].get(name)
        if old_info is None or new_info is None:
            continue
        columns = [column for column in new_info["columns"] if column in old_info["columns"]]
        old_table = pq.read_table(old_folder / old_info["file"])
        if not renamed and same_content(old_table, old_info, new_info):
            tables[name] = TableDiff(unchanged=old_table.num_rows)
            continue
        if renamed and "event_id" in columns:
            old_table = _with_event_ids_renamed(old_table, renamed)
        new_table = (
            new_tables[name] if new_tables is not None else pq.read_table(new_folder / new_info["file"])
        )
        table, found = diff_table(name, old_table, new_table, columns)
        renamed.update(found)
        tables[name] = table
    level, reasons = required_bump(schema_changes, tables)
    return DiffReport(old_label, new_label, schema_changes, tables, level, tuple(reasons))


def resolve_side(target: str, releases_dir: Path) -> Path:
    """A diff argument: a release version (looked up in ``releases_dir``) or a folder."""
    if is_version(target) and not Path(target).is_dir():
        folder = releases_dir / target
        if not (folder / "manifest.json").is_file():
            raise ReleaseError(
                f"no release {target}", path=str(releases_dir), hint="Run builder release first"
            )
        return folder
    folder = Path(target)
    if not folder.is_dir():
        raise ReleaseError(
            "no such release or folder", path=target, hint="Name a version (1.0.0) or a folder"
        )
    return folder


def diff(old: str, new: str, *, releases_dir: Path) -> DiffReport:
    """``builder diff A B``: compare two releases (by version) or folders (by path)."""
    return diff_folders(
        resolve_side(old, releases_dir), resolve_side(new, releases_dir), old_label=old, new_label=new
    )
