"""A simplified-Chinese copy of a text with the same offsets, so one word list serves both scripts."""

from __future__ import annotations

from functools import cache, lru_cache

import opencc


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1 << 14)
def simplified(text: str) -> str:
    """``text`` in simplified characters, exactly as long as ``text`` (offsets stay valid).

    OpenCC's t2s table maps nearly every character one to one; if a phrase rule ever changes the
    length, the text is converted character by character instead.

    Results are cached: the rules convert the same names and sentences many times per article.

    Example: ``"北京市通信管理局黨組成員、副局長王暉"`` → ``"北京市通信管理局党组成员、副局长王晖"``
    """
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := _converter().convert(ch)) == 1 else ch for ch in text)
