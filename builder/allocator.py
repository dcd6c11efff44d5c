"""Which allocator Arrow's C++ code uses in a ``builder`` process, chosen before pyarrow loads.

``pipeline.arrow_memory_pool`` makes jemalloc pyarrow's default pool while a build runs, but
Parquet's column writers (encoding, dictionary, zstd pages) allocate from Arrow's C++ default
pool, which pyarrow cannot swap once loaded and which is mimalloc unless the environment says
otherwise. mimalloc hands the writers fresh pages, huge ones where the kernel allows it, and
the kernel spends its time zeroing them: the write of a 10,000-article build took 0.12-0.18 s of
system time (0.01-0.02 s with jemalloc) and 0.20-0.23 s in all (0.14-0.16 s), same files. Arrow
reads ``ARROW_DEFAULT_MEMORY_POOL`` once, on its first allocation, so the command line asks for
jemalloc before anything imports pyarrow.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Container, MutableMapping
from pathlib import Path

#: the environment variable Arrow reads to choose its default memory pool
ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"
#: Arrow's build configuration, as pyarrow's packages ship it (``#define ARROW_JEMALLOC``)
ARROW_CONFIG_HEADER = Path("include", "arrow", "util", "config.h")


def arrow_has_jemalloc() -> bool:
    """Whether the installed pyarrow was built with jemalloc, read without importing it.

    The answer comes from the build configuration header pyarrow's packages ship; a pyarrow
    without that header, or not found, counts as without jemalloc (asking Arrow for a pool it
    lacks makes it print a warning at every start).
    """
    spec = importlib.util.find_spec("pyarrow")
    if spec is None or spec.origin is None:
        return False
    try:
        header = Path(spec.origin).parent / ARROW_CONFIG_HEADER
        config = header.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(line.split() == ["#define", "ARROW_JEMALLOC"] for line in config.splitlines())


def prefer_jemalloc(
    environ: MutableMapping[str, str] = os.environ,
    loaded: Container[str] = sys.modules,
    has_jemalloc: Callable[[], bool] = arrow_has_jemalloc,
) -> bool:
    """Ask Arrow for jemalloc as its default pool in this process and its children; True if asked.

    Nothing is asked when the variable is set already (the user's choice wins), when pyarrow is
    loaded (too late: Arrow has chosen its pool), or when pyarrow was built without jemalloc
    (its Windows wheels, for one).
    """
    if environ.get(ARROW_POOL_VARIABLE) or "pyarrow" in loaded or not has_jemalloc():
        return False
    environ[ARROW_POOL_VARIABLE] = "jemalloc"
    return True
