"""Custom pandera checks of the contract, registered once so the table models can name them in ``Field``.

Both work on the Arrow data behind an Arrow-backed column, so they stay vectorized on big tables.
Null cells are not checked here: pandera skips them in nullable columns and reports them as
``not_nullable`` in the others.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandera import extensions


def _arrow(series: pd.Series) -> pa.ChunkedArray:
    """The Arrow data of an Arrow-backed series (``pd.ArrowDtype``), without a copy."""
    data = series.array.__arrow_array__()
    return data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])


def blank_mask(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """True where a string is empty or only (Unicode) white space, e.g. ``"　"`` (U+3000); null stays null.

    A string whose first character is not white space is not blank, so the whole strings (the
    article texts among them) are trimmed only when some string is empty or starts with white space.
    """
    maybe = pc.equal(pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(values, 0, 1)), "")
    if not pc.any(maybe).as_py():
        return maybe
    return pc.equal(pc.utf8_trim_whitespace(values), "")


@extensions.register_check_method(statistics=["enabled"])
def not_blank(series: pd.Series, *, enabled: bool) -> pd.Series:
    """Fails a string that is empty or holds only white space.

    Example: ``Field(not_blank=True)`` fails ``"  "`` and ``""``, passes ``"北京"``.
    """
    if not enabled:
        return pd.Series(True, index=series.index)
    blank = blank_mask(_arrow(series)).fill_null(False)
    return pd.Series(np.logical_not(blank.to_numpy(zero_copy_only=False)), index=series.index)


@extensions.register_check_method(statistics=["enabled"])
def no_blank_items(series: pd.Series, *, enabled: bool) -> pd.Series:
    """Fails a list of strings with an empty or white-space-only item.

    Example: ``Field(no_blank_items=True)`` fails ``["数据安全", " "]``, passes ``[]``.
    """
    valid = np.ones(len(series), dtype=bool)
    if enabled and len(series):
        lists = _arrow(series).combine_chunks()
        blank_items = blank_mask(pc.list_flatten(lists)).fill_null(False)
        rows = pc.filter(pc.list_parent_indices(lists), blank_items).to_numpy()
        valid[rows] = False
    return pd.Series(valid, index=series.index)
