"""Sentences and evidence spans over ``Article.text``: the offsets every extracted row carries."""

from __future__ import annotations

import re
from collections.abc import Iterator

from builder.models import Evidence

#: a sentence ends at one of these (kept in the sentence) or at a line break
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』)）]*|\n+")


def sentences(text: str) -> Iterator[Evidence]:
    """Split text into sentences with exact offsets; blank pieces are skipped.

    Example: ``"论坛在京举办。三百多人参会。"`` → ``Evidence("论坛在京举办。", 0, 7)``,
    ``Evidence("三百多人参会。", 7, 14)``
    """
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if not match.group().startswith("\n") else match.start()
        yield from _trimmed(text, start, end)
        start = match.end()
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[Evidence]:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + (len(piece) - len(piece.lstrip()))
        yield Evidence(stripped, offset, offset + len(stripped))


def sentence_at(text: str, position: int) -> Evidence:
    """The sentence that contains character ``position`` of ``text``."""
    for sentence in sentences(text):
        if sentence.start <= position < sentence.end:
            return sentence
    raise ValueError(f"position {position} is outside every sentence of the text")
