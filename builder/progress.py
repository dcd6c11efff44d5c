"""A minimal progress bar on standard error for long runs (silenced by ``--quiet``)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

Item = TypeVar("Item")


def track(items: Iterable[Item], total: int, label: str, enabled: bool) -> Iterator[Item]:
    """Yield ``items`` while drawing ``label [#####     ] n/total`` on stderr when ``enabled``."""
    if not enabled or total == 0 or not sys.stderr.isatty():
        yield from items
        return
    width = 30
    for done, item in enumerate(items, start=1):
        yield item
        filled = width * done // total
        sys.stderr.write(f"\r{label} [{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
    sys.stderr.write("\n")
