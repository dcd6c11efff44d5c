"""Sentences and evidence spans over ``Article.text``: the offsets every extracted row carries."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache

from builder.models import Evidence

#: a sentence ends at one of these (kept in the sentence) or at a line break
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』)）]*|\n+")
#: one piece of text: up to and including the next sentence end (group 1), then the line breaks
#: after it; the pieces of ``finditer`` are the spans between the ``_SENTENCE_END`` matches
_SENTENCE_PIECE = re.compile(r"([^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』)）]*)?)\n*")


def sentences(text: str) -> Iterator[Evidence]:
    """Split text into sentences with exact offsets; blank pieces are skipped.

    Example: ``"论坛在京举办。三百多人参会。"`` → ``Evidence("论坛在京举办。", 0, 7)``,
    ``Evidence("三百多人参会。", 7, 14)``
    """
    for match in _SENTENCE_PIECE.finditer(text):
        piece = match.group(1)
        stripped = piece.strip()
        if stripped:
            offset = match.start() + (len(piece) - len(piece.lstrip()))
            yield Evidence(stripped, offset, offset + len(stripped))


@lru_cache(maxsize=8)
def sentence_spans(text: str) -> tuple[tuple[Evidence, ...], tuple[int, ...]]:
    """The sentences of ``text`` and their start offsets, split once per text.

    The people and organization rules ask for the sentence of every mention; splitting the
    whole article again for each of them made evidence lookup quadratic in article length.
    """
    spans = tuple(sentences(text))
    return spans, tuple(sentence.start for sentence in spans)


def sentence_at(text: str, position: int) -> Evidence:
    """The sentence that contains character ``position`` of ``text``."""
    spans, starts = sentence_spans(text)
    index = bisect_right(starts, position) - 1
    if index >= 0 and position < spans[index].end:
        return spans[index]
    raise ValueError(f"position {position} is outside every sentence of the text")
