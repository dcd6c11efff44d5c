"""``builder diff``: record-level and schema differences between two builds or releases.

Records are matched by stable keys (articles by ``article_id``, events by ``event_id``,
participants and organizations by event, name and role). An event whose id changed because
its name was corrected is matched by article and start date and reported as changed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from builder.errors import ReleaseError
from builder.release.fingerprints import fingerprint_with, method_of
from builder.release.folders import read_manifest
from builder.release.json_rows import canonical_rows
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


def read_rows(folder: Path, manifest: dict, table: str) -> list[dict]:
    """The rows of one table of a build or release, as canonical dicts."""
    relative = manifest["tables"][table]["file"]
    return canonical_rows(pq.read_table(folder / relative))


def _keyed(rows: list[dict], keys: tuple[str, ...]) -> dict[tuple, dict]:
    """Rows by key; a repeated key gets an occurrence number so that nothing is lost."""
    keyed: dict[tuple, dict] = {}
    seen: Counter = Counter()
    for row in rows:
        key = tuple(row[name] for name in keys)
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


def _match_renamed_events(removed: dict[tuple, dict], added: dict[tuple, dict]) -> dict[tuple, tuple]:
    """Old key → new key for events that kept their article and start date but changed id."""
    by_anchor: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    for key, row in removed.items():
        by_anchor[(row["article_id"], row["start_date"])][0].append(key)
    for key, row in added.items():
        by_anchor[(row["article_id"], row["start_date"])][1].append(key)
    pairs = {}
    for old_keys, new_keys in by_anchor.values():
        if len(old_keys) == 1 and len(new_keys) == 1:
            pairs[old_keys[0]] = new_keys[0]
    return pairs


def diff_table(
    name: str, old_rows: list[dict], new_rows: list[dict], columns: list[str]
) -> tuple[TableDiff, dict[str, str]]:
    """Compare one table; for events also return old event_id → new event_id of renamed events."""
    keys = DIFF_KEYS[name]
    old, new = _keyed(old_rows, keys), _keyed(new_rows, keys)
    result = TableDiff()
    pairs = {key: key for key in old if key in new}
    renamed: dict[str, str] = {}
    if name == "events":
        extra = _match_renamed_events(
            {key: row for key, row in old.items() if key not in new},
            {key: row for key, row in new.items() if key not in old},
        )
        pairs.update(extra)
        renamed = {old[key]["event_id"]: new[target]["event_id"] for key, target in extra.items()}
    matched_new = set(pairs.values())
    result.removed = [_key_dict(keys, key) for key in sorted(old, key=repr) if key not in pairs]
    result.added = [_key_dict(keys, key) for key in sorted(new, key=repr) if key not in matched_new]
    for key in sorted(pairs, key=repr):
        changes = _field_changes(old[key], new[pairs[key]], columns)
        if changes:
            result.changed.append({"key": _key_dict(keys, pairs[key]), "fields": changes})
        else:
            result.unchanged += 1
    return result, renamed


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


def diff_folders(old_folder: Path, new_folder: Path, *, old_label: str, new_label: str) -> DiffReport:
    """Compare two build or release folders."""
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
        old_rows = canonical_rows(old_table)
        if not renamed and same_content(old_table, old_info, new_info):
            tables[name] = TableDiff(unchanged=len(old_rows))
            continue
        if renamed and "event_id" in columns:
            old_rows = [
                {**row, "event_id": renamed.get(row["event_id"], row["event_id"])} for row in old_rows
            ]
        table, found = diff_table(name, old_rows, read_rows(new_folder, new_manifest, name), columns)
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
