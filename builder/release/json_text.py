"""The JSON text of every file a build writes, made without ``json``'s pure-Python indenting encoder.

``json.dumps(..., indent=2)`` cannot use the C encoder and walks the value with nested
generators: the manifest of 10,000 articles (one ``inputs`` entry per file) took ~0.01 s per
dump, twice per build (``write_build``, then ``seal``). ``indented_json`` gives the same text
from one recursive walk that escapes strings with ``json``'s own C function; any value outside
plain dicts, lists, strings, integers, finite floats, booleans and None is left to ``json.dumps``
itself, so the text is always exactly what ``json.dumps`` would write.
"""

from __future__ import annotations

import json
import json.encoder

#: ``json``'s string escaper for ``ensure_ascii=False`` (its C implementation where there is one)
_quote = json.encoder.encode_basestring
_INDENT = "  "


class _NotPlain(Exception):
    """A value the fast walk leaves to ``json.dumps``."""


def indented_json(value: object) -> str:
    """``json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2)``, faster.

    Example: ``indented_json({"b": [1], "a": None})`` → ``'{\\n  "a": null,\\n  "b": [\\n    1\\n  ]\\n}'``
    """
    parts: list[str] = []
    try:
        _walk(value, "\n", parts)
    except (_NotPlain, TypeError, ValueError, RecursionError):
        # whatever json.dumps does with it (its text, or its error) is the answer
        return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2)
    return "".join(parts)


def _walk(value: object, newline: str, parts: list[str]) -> None:
    """Append the text of ``value`` at the indentation ``newline`` ends with."""
    kind = type(value)
    if kind is str:
        parts.append(_quote(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise _NotPlain
        parts.append(float.__repr__(value))
    elif kind is dict:
        if not value:
            parts.append("{}")
            return
        inner = newline + _INDENT
        items = sorted(value.items())
        if all(type(key) is str and type(item) is str for key, item in items):
            # a flat table of texts, like the manifest's ``inputs``: one join
            lines = [_quote(key) + ": " + _quote(item) for key, item in items]
            parts.append("{" + inner + ("," + inner).join(lines) + newline + "}")
            return
        separator = "{" + inner
        for key, item in items:
            if type(key) is not str:
                raise _NotPlain
            parts.append(separator + _quote(key) + ": ")
            _walk(item, inner, parts)
            separator = "," + inner
        parts.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            parts.append("[]")
            return
        inner = newline + _INDENT
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _walk(item, inner, parts)
            separator = "," + inner
        parts.append(newline + "]")
    else:
        raise _NotPlain
