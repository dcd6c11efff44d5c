"""Stage 1, header half: decode raw bytes and load the YAML front matter safely.

The loader is PyYAML's safe loader (never builds Python objects from tags such as
``!!python/object``), refuses duplicated keys, reads plain scalars as text, and refuses
front matter nested deeper than ``MAX_NESTING`` before parsing (PyYAML is quadratic in depth).
"""

from __future__ import annotations

import re

import yaml

from builder.clean import strip_invisible
from builder.errors import ArticleError

#: longest value quoted in an error line
_MAX_SHOWN = 60


def shown(value: object) -> str:
    """A value cut to a readable length for an error line (``repr`` keeps it on one line)."""
    text = str(value)
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…"


def decode_raw(raw: bytes, source_file: str) -> str:
    """Decode raw bytes as UTF-8 (BOM allowed) or UTF-16 with a BOM, else GB18030; normalize line ends.

    Raises ``ArticleError`` for binary content that is none of these.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            return text.replace("\r\n", "\n").replace("\r", "\n")
    if b"\x00" in raw[:8192]:
        raise ArticleError(
            "binary data, not Markdown text", path=source_file, field="content",
            hint="Remove the file from the raw folder",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as error:
            # the decoder that read further is more likely the file's real encoding
            offset = max(utf8_error.start, error.start)
            raise ArticleError(
                f"not UTF-8 or GB18030 text (bad byte at offset {offset})",
                path=source_file, field="encoding", hint="Re-save the file as UTF-8",
            ) from None
    # one scan for a carriage return (most files have none) instead of two replacing passes
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


class _FrontMatterLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicated keys and reads every plain scalar as text.

    Implicit typing is off (except null) so that ``title: yes`` stays ``"yes"``, ``title: 2024``
    stays ``"2024"`` and ``date: 2024-02-30`` reaches our date check instead of crashing PyYAML.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _construct_unique_mapping(loader: _FrontMatterLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    keys: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicated = key in keys
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "found a key that is not text", key_node.start_mark
            ) from None
        if duplicated:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicated key {key!r}", key_node.start_mark
            )
        keys.add(key)
    return loader.construct_mapping(node, deep=deep)


class _FastFrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same loader on libyaml's C parser when available: about 10x faster on front matter."""

    yaml_implicit_resolvers = _FrontMatterLoader.yaml_implicit_resolvers


for _loader in (_FrontMatterLoader, _FastFrontMatterLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _load_yaml(header: str) -> object:
    """Load front matter with the fast loader; on an error re-read it with the pure-Python one.

    The pure-Python parser's messages are the ones users see, whichever parser found the error.
    """
    try:
        return yaml.load(header, Loader=_FastFrontMatterLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return yaml.load(header, Loader=_FrontMatterLoader)  # noqa: S506 - a SafeLoader subclass


#: one ``key: value`` line (trailing spaces removed); ``value`` is None for ``key:``
_SIMPLE_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,63}):(?: +(.*))?")
#: characters YAML reads as line breaks or refuses as unprintable, and tabs: left to the YAML parser
_NOT_SIMPLE = re.compile(r"[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")
#: plain scalars the loader reads as null (its only implicit type) and words that make a key null
_NULLS = frozenset({"~", "null", "Null", "NULL"})
#: a plain scalar starting with one of these is YAML syntax (flow, alias, tag, block, quote, ...)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


def _simple_front_matter(header: str) -> dict | None:
    """The mapping of front matter written as flat ``key: value`` lines, or None for anything else.

    Reads exactly what the YAML loader reads for such lines (plain, ``"double"``- or
    ``'single'``-quoted values without escapes, null words, empty values) at a tenth of its
    cost; returns None, to leave the file to the YAML loader, for any other form (comments,
    indentation, escapes, flow or block values, tags, anchors, duplicated keys, unusual
    characters) and for values YAML would refuse or read differently (``: `` or `` #`` inside).

    Example: ``'title: "T"\nurl: https://x.cn/a\nfetch_date: null'``
    → ``{"title": "T", "url": "https://x.cn/a", "fetch_date": None}``
    """
    if _NOT_SIMPLE.search(header) is not None:
        return None
    meta: dict[str, str | None] = {}
    for line in header.split("\n"):
        if not line:
            continue
        entry = _SIMPLE_ENTRY.fullmatch(line.rstrip(" "))
        if entry is None or entry[1] in _NULLS or entry[1] in meta:
            return None
        value = entry[2]
        if value is None or value in _NULLS:
            meta[entry[1]] = None
        elif value[0] in "\"'":
            inner = value[1:-1]
            if len(value) < 2 or value[-1] != value[0] or value[0] in inner or "\\" in inner:
                return None
            meta[entry[1]] = inner
        elif value[0] in _INDICATORS or value[-1] == ":" or ": " in value or " #" in value:
            return None
        else:
            meta[entry[1]] = value
    return meta or None

_BRACKETS = re.compile(r"[\[\]{}]")
#: front matter nested deeper than this is refused before parsing (real front matter is flat)
MAX_NESTING = 64
_UNKNOWN_TAG = re.compile(r"could not determine a constructor for the tag '([^']*)'")
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def _max_nesting(header: str) -> int:
    """Deepest ``[``/``{`` nesting (quotes ignored): PyYAML's scanner is quadratic in it."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(header):
        depth = depth + 1 if bracket in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def load_front_matter(header: str, source_file: str) -> dict:
    """Load the YAML between the ``---`` lines with the safe, duplicate-refusing loader.

    Control characters are removed first: YAML refuses them, and a stray one in a title is noise.
    """
    if _max_nesting(header) > MAX_NESTING:
        raise ArticleError(
            "nested too deeply", path=source_file, field="front matter",
            hint="Write front matter as flat 'key: value' lines",
        )
    header = strip_invisible(header)
    simple = _simple_front_matter(header)
    if simple is not None:
        return simple
    try:
        meta = _load_yaml(header)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        tag = _UNKNOWN_TAG.match(problem)
        if tag:  # the safe loader refused to build an object: say which tag, not PyYAML's wording
            problem = f"the tag '{tag[1].replace('tag:yaml.org,2002:', '!!')}' is not allowed"
        mark = getattr(error, "problem_mark", None)
        where = f" on line {mark.line + 2}" if mark is not None else ""
        raise ArticleError(
            f"not valid YAML{where}: {shown(problem)}", path=source_file, field="front matter",
            hint="Fix the YAML between the '---' lines",
        ) from None
    except (ValueError, TypeError, OverflowError) as error:  # explicit tags such as !!timestamp 2024-02-30
        raise ArticleError(
            f"a tagged value cannot be built: {shown(error)}", path=source_file, field="front matter",
            hint="Remove the '!!' tag",
        ) from None
    except RecursionError:
        raise ArticleError(
            "nested too deeply", path=source_file, field="front matter",
            hint="Write front matter as flat 'key: value' lines",
        ) from None
    if meta is None:
        raise ArticleError(
            "empty", path=source_file, field="front matter",
            hint="Add url, title and date to the front matter",
        )
    if not isinstance(meta, dict):
        raise ArticleError(
            f"a {type(meta).__name__}, not a mapping", path=source_file, field="front matter",
            hint="Write front matter as 'key: value' lines",
        )
    return meta


def split_front_matter(text: str, source_file: str) -> tuple[dict, str]:
    """Split ``---``-delimited YAML front matter from the Markdown body.

    Example: ``"---\\ntitle: T\\n---\\nbody"`` → ``({"title": "T"}, "body")``
    """
    opening = _FENCE.match(text)
    if opening is None:
        raise ArticleError(
            "missing (the file must start with a '---' line)", path=source_file, field="front matter",
            hint="Add front matter with url, title and date",
        )
    closing = _FENCE.search(text, opening.end() + 1)
    if closing is None:
        raise ArticleError(
            "not closed by a '---' line", path=source_file, field="front matter",
            hint="Close the front matter with a '---' line",
        )
    header, body = text[opening.end() + 1 : closing.start()], text[closing.end() + 1 :]
    return load_front_matter(header, source_file), body
