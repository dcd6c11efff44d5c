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

import os
import sys
from collections.abc import Container, MutableMapping

#: the environment variable Arrow reads to choose its default memory pool
ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def prefer_jemalloc(
    environ: MutableMapping[str, str] = os.environ,
    loaded: Container[str] = sys.modules,
    platform: str = sys.platform,
) -> bool:
    """Ask Arrow for jemalloc as its default pool in this process and its children; True if asked.

    Nothing is asked when the variable is set already (the user's choice wins), when pyarrow is
    loaded (too late: Arrow has chosen its pool), or off Linux, where pyarrow's wheels may lack
    jemalloc and Arrow would then warn at every start.
    """
    if environ.get(ARROW_POOL_VARIABLE) or "pyarrow" in loaded or not platform.startswith("linux"):
        return False
    environ[ARROW_POOL_VARIABLE] = "jemalloc"
    return True
