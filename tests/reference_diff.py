"""``builder diff``'s table comparison as it was before it compared in Arrow (every row a dict).

Kept as the reference that ``tests/test_diff_fast.py`` compares ``builder.release.diff.diff_table``
with: the Arrow comparison must report exactly these added, removed and changed records.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pyarrow as pa

# the key's shape in reports is not what changed: the reference shares it
from builder.release.diff import DIFF_KEYS, TableDiff, _key_dict
from builder.release.json_rows import canonical_rows


def _keyed(rows: list[dict], keys: tuple[str, ...]) -> dict[tuple, dict]:
    keyed: dict[tuple, dict] = {}
    seen: Counter = Counter()
    for row in rows:
        key = tuple(row[name] for name in keys)
        seen[key] += 1
        keyed[key if seen[key] == 1 else (*key, seen[key])] = row
    return keyed


def _match_renamed_events(removed: dict[tuple, dict], added: dict[tuple, dict]) -> dict[tuple, tuple]:
    by_anchor: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    for key, row in removed.items():
        by_anchor[(row["article_id"], row["start_date"])][0].append(key)
    for key, row in added.items():
        by_anchor[(row["article_id"], row["start_date"])][1].append(key)
    return {
        old_keys[0]: new_keys[0]
        for old_keys, new_keys in by_anchor.values()
        if len(old_keys) == 1 and len(new_keys) == 1
    }


def reference_diff_table(
    name: str, old_table: pa.Table, new_table: pa.Table, columns: list[str], renamed: dict[str, str]
) -> tuple[TableDiff, dict[str, str]]:
    """The diff of one table, its old event ids first renamed by ``renamed`` (when it has event_id)."""
    old_rows, new_rows = canonical_rows(old_table), canonical_rows(new_table)
    if renamed and "event_id" in columns:
        old_rows = [{**row, "event_id": renamed.get(row["event_id"], row["event_id"])} for row in old_rows]
    keys = DIFF_KEYS[name]
    old, new = _keyed(old_rows, keys), _keyed(new_rows, keys)
    result = TableDiff()
    pairs = {key: key for key in old if key in new}
    found: dict[str, str] = {}
    if name == "events":
        extra = _match_renamed_events(
            {key: row for key, row in old.items() if key not in new},
            {key: row for key, row in new.items() if key not in old},
        )
        pairs.update(extra)
        found = {old[key]["event_id"]: new[target]["event_id"] for key, target in extra.items()}
    matched_new = set(pairs.values())
    result.removed = [_key_dict(keys, key) for key in sorted(old, key=repr) if key not in pairs]
    result.added = [_key_dict(keys, key) for key in sorted(new, key=repr) if key not in matched_new]
    for key in sorted(pairs, key=repr):
        old_row, new_row = old[key], new[pairs[key]]
        changes = {
            column: {"old": old_row[column], "new": new_row[column]}
            for column in columns
            if old_row[column] != new_row[column]
        }
        if changes:
            result.changed.append({"key": _key_dict(keys, pairs[key]), "fields": changes})
        else:
            result.unchanged += 1
    return result, found
