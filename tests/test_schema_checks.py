"""The custom pandera checks: ``blank_mask`` (first characters first) equals trimming every string."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from schema.checks import blank_mask

#: white space of several kinds (ASCII, U+3000, U+00A0, U+2028) and a few other characters
TEXT = st.text(alphabet=st.sampled_from(" \t\n\r\u3000\u00a0\u2028\u200bab中"), max_size=5)


@given(st.lists(st.one_of(st.none(), TEXT), max_size=8), st.sampled_from([pa.string(), pa.large_string()]))
def test_blank_mask_equals_trimming_every_string(values: list, kind: pa.DataType) -> None:
    array = pa.array(values, kind)
    expected = pc.equal(pc.utf8_trim_whitespace(array), "")
    assert blank_mask(array).equals(expected)
    chunked = pa.chunked_array([array.slice(0, 3), array.slice(3)], kind)
    assert blank_mask(chunked).to_pylist() == expected.to_pylist()
