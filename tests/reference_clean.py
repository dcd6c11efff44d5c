"""The body cleaner as it was before its fast paths (line by line, one function call per line).

Kept as the reference that ``tests/test_clean_fast.py`` compares ``builder.clean.clean_body`` with:
every fast path must give exactly these texts and emphasis spans.
"""

from __future__ import annotations

import html
import re

from builder.clean import (
    CleanText,
    _boilerplate_lines,
    _boilerplate_pattern,
    _cut_markers,
    _remove_blocks,
    strip_invisible,
)

# the patterns as they were (copied, so a change to builder.clean's cannot change the reference)
_URL_PART = r"\((?:[^()\n]|\([^()\n]*\))*\)"
_IMAGE = re.compile(r"!\[[^\[\]\n]*\]" + _URL_PART + r"|!\[[^\[\]\n]*\](?!\()")
_LINK = re.compile(r"\[([^\[\]\n]*)\]" + _URL_PART)
_AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_HEADING = re.compile(r"\s{0,3}#{1,6}\s*")
_BULLET = re.compile(r"\s*(?:[*+\-]|\d+[.)])\s+")
_EMPHASIS_RUN = re.compile(r"\*{1,3}|_{2,3}")
_RULE = re.compile(r"\s*(?:[-*_]\s*){3,}")
#: a line without any of these has no Markdown or HTML to remove (the common case: plain prose)
_MARKUP = re.compile(r"[!\[<\\*_#&\u3000\xa0+\-]|^\s*\d+[.)]")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def is_boilerplate(line: str) -> bool:
    if line in _boilerplate_lines():
        return True
    return _boilerplate_pattern().match(line) is not None


def strip_emphasis(line: str) -> tuple[str, list[tuple[int, int]]]:
    """Remove ``*``/``__`` emphasis markers, returning the plain line and the emphasized spans.

    Example: ``"**吴世忠**的发言"`` → ``("吴世忠的发言", [(0, 3)])``
    """
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    open_at: int | None = None
    position = 0
    for match in _EMPHASIS_RUN.finditer(line):
        chunk = line[position : match.start()]
        out.append(chunk)
        length += len(chunk)
        position = match.end()
        if open_at is None:
            open_at = length
        else:
            if length > open_at:
                spans.append((open_at, length))
            open_at = None
    tail = line[position:]
    out.append(tail)
    length += len(tail)
    if open_at is not None and length > open_at:
        spans.append((open_at, length))
    return "".join(out), spans


def clean_line(line: str) -> tuple[str, list[tuple[int, int]]]:
    """Clean one Markdown line: images, link targets, tags, heading and list markers, emphasis.

    Example: ``"## **论坛** [议程](https://x.cn/a) ##"`` → ``("论坛 议程", [(0, 2)])``
    """
    if not _MARKUP.search(line):
        return line.strip(), []
    # each substitution runs only when its marker character is there (same result, less time)
    if "[" in line:
        line = _LINK.sub(r"\1", _IMAGE.sub("", line)) if "![" in line else _LINK.sub(r"\1", line)
    if "<" in line:
        line = _TAG.sub("", _AUTOLINK.sub(r"\1", line))
    if not line.strip():
        return "", []
    if _RULE.fullmatch(line):
        return "", []
    heading = _HEADING.match(line)
    if heading:
        # closing hashes of an ATX heading are layout; elsewhere a trailing '#' is content (C#)
        line = line[heading.end() :].rstrip()
        if line.endswith("#"):
            line = line.rstrip("#")
    if bullet := _BULLET.match(line):
        line = line[bullet.end() :]
    if "\\" in line:
        line = _ESCAPE.sub(r"\1", line)
    # an entity may decode to a line break or control character; a line stays one line
    line = strip_invisible(html.unescape(line).replace("\n", " ") if "&" in line else line)
    line = line.replace("\u3000", " ").replace("\xa0", " ")
    plain, spans = strip_emphasis(line) if "*" in line or "_" in line else (line, [])
    stripped = plain.strip()
    shift = len(plain) - len(plain.lstrip())
    spans = [
        (max(0, start - shift), min(len(stripped), end - shift))
        for start, end in spans
        if min(len(stripped), end - shift) > max(0, start - shift)
    ]
    return stripped, spans


def reference_clean_body(body: str) -> CleanText:
    """Turn a Markdown body into plain text with one blank line between paragraphs.

    Images, link targets, HTML, emphasis and list markers are removed; platform boilerplate
    lines are dropped; everything after a WeChat end-of-article marker is cut; a paragraph that
    repeats an earlier one verbatim is kept once.

    Example: ``"**论坛**在京举办。\\n\\n![](x.png)\\n\\n预览时标签不可点\\n赞"`` → ``"论坛在京举办。"``
    """
    body = _remove_blocks(strip_invisible(body))
    cut_markers = _cut_markers()
    paragraphs: list[tuple[str, list[tuple[int, int]]]] = []
    current_lines: list[str] = []
    current_spans: list[tuple[int, int]] = []
    current_length = 0

    def flush() -> None:
        nonlocal current_lines, current_spans, current_length
        if current_lines:
            paragraphs.append(("\n".join(current_lines), current_spans))
        current_lines, current_spans, current_length = [], [], 0

    for raw_line in body.split("\n"):
        if not raw_line or raw_line.isspace():  # the most common line: a paragraph break
            flush()
            continue
        line, spans = clean_line(raw_line)
        if line in cut_markers:
            break
        if not line:
            if not raw_line.strip():
                flush()
            continue
        if is_boilerplate(line):
            continue
        offset = current_length + (1 if current_lines else 0)
        current_spans.extend((offset + start, offset + end) for start, end in spans)
        current_lines.append(line)
        current_length = offset + len(line)
    flush()

    seen: set[str] = set()
    pieces: list[str] = []
    emphasis: list[tuple[int, int]] = []
    length = 0
    for paragraph, spans in paragraphs:
        if paragraph in seen:
            continue
        seen.add(paragraph)
        if pieces:
            length += 2
        emphasis.extend((length + start, length + end) for start, end in spans)
        pieces.append(paragraph)
        length += len(paragraph)
    return CleanText(text="\n\n".join(pieces), emphasis=tuple(emphasis))
