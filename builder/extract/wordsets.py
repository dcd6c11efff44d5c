"""A fixed word list grouped by first and last character, for the rules' hottest word tests.

``text.startswith(words, pos)`` with a tuple compares every word in turn: 1-2 µs for the ~240
words that may follow a name, asked several times for each of the hundreds of name candidates of
an article. A ``WordSet`` looks only at the few words that begin (or end) with the character at
hand and gives the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable


def _grouped(words: Iterable[str], key_index: int) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[key_index], []).append(word)
    return {char: tuple(group) for char, group in groups.items()}


class WordSet:
    """Non-empty words; ``starts_at`` and ``ends`` answer like ``str.startswith``/``str.endswith`` with them.

    Example: ``WordSet(("作为", "在")).starts_at("王伟作为嘉宾", 2)`` → True;
    ``WordSet(("公司", "大学")).ends("北京大学")`` → True
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(words)
        if not all(self.words):
            raise ValueError("a WordSet holds non-empty words only")
        self._by_first = _grouped(self.words, 0)
        self._by_last = _grouped(self.words, -1)

    def starts_at(self, text: str, pos: int = 0) -> bool:
        """``text.startswith(self.words, pos)`` for ``pos >= 0``."""
        return text.startswith(self._by_first.get(text[pos : pos + 1], ()), pos)

    def ends(self, text: str) -> bool:
        """``text.endswith(self.words)``."""
        return text.endswith(self._by_last.get(text[-1:], ()))
