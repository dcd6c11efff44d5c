"""A generated corpus of hostile and broken raw inputs, each with the outcome the builder must give.

``write_hostile_corpus(raw_dir, outside_dir)`` creates every case (binary files, symbolic links,
a FIFO, a folder named ``x.md`` and odd file names included) and returns the cases. An outcome
is one of:

- ``article``: published; ``title`` and ``text_has`` / ``text_lacks`` describe the parsed article;
- ``duplicate``: reported as a copy of ``kept`` (the file finally kept) with ``reason``;
- ``rejected``: reported with exactly ``line`` (``RejectedFile.line()``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: the article body every case shares unless it says otherwise (real sentence shapes of the corpus)
BODY = "12月7日，第一届网络安全测试论坛在北京举行。\n\n论坛以“网络安全国际合作”为主题，三百多人参会。\n"
#: the size limit the corpus is read with (the default of ``builder build``)
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One hostile input: how to create it and what the builder must make of it."""

    #: file name in the raw folder (``bytes`` when the name is not valid UTF-8)
    name: str | bytes
    #: what the case is about, for test ids and failure messages
    about: str
    outcome: str
    #: creates the entry: ``make(raw_dir, outside_dir, name)``
    make: Callable[[Path, Path, str | bytes], None]
    line: str = ""
    title: str = ""
    text_has: tuple[str, ...] = ()
    text_lacks: tuple[str, ...] = ()
    kept: str = ""
    reason: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def source_file(self) -> str:
        """The name the builder reports (relative, control characters escaped)."""
        if isinstance(self.name, bytes):
            return os.fsdecode(self.name).encode("unicode_escape").decode("ascii")
        return "".join(
            char.encode("unicode_escape").decode("ascii") if ord(char) < 32 or ord(char) == 127 else char
            for char in self.name
        )


def front(slug: str, *, title: str = "网络安全测试论坛在京举办", date: str = "2024-12-10",
          fetch: str = "2025-01-02T03:04:05", extra: str = "") -> str:
    """A valid front matter block for ``slug`` with one field overridable."""
    lines = [f"url: https://example.com/hostile/{slug}", f"title: {title}", f"date: {date}",
             f"fetch_date: {fetch}", "source: 测试来源"]
    return "---\n" + "\n".join(line for line in lines if not line.endswith(": ")) + "\n" + extra + "---\n"


def article(slug: str, body: str = BODY, **fields: str) -> bytes:
    """A complete valid article as UTF-8 bytes."""
    return (front(slug, **fields) + "\n" + body).encode("utf-8")


def _file(data: bytes | str) -> Callable[[Path, Path, str | bytes], None]:
    def make(raw_dir: Path, outside: Path, name: str | bytes) -> None:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        with open(os.path.join(os.fsencode(raw_dir), os.fsencode(name)), "wb") as handle:
            handle.write(payload)

    return make


def _symlink_outside(raw_dir: Path, outside: Path, name: str | bytes) -> None:
    secret = outside / "secret.md"
    secret.write_bytes(article("outside-secret"))
    (raw_dir / name).symlink_to(secret)


def _symlink_inside(raw_dir: Path, outside: Path, name: str | bytes) -> None:
    (raw_dir / name).symlink_to("a-original.md")


def _symlink_broken(raw_dir: Path, outside: Path, name: str | bytes) -> None:
    (raw_dir / name).symlink_to("does-not-exist.md")


def _symlink_loop(raw_dir: Path, outside: Path, name: str | bytes) -> None:
    (raw_dir / name).symlink_to(name)


def _folder(raw_dir: Path, outside: Path, name: str | bytes) -> None:
    folder = raw_dir / name
    folder.mkdir()
    (folder / "inside-folder.md").write_bytes(article("inside-folder"))


def _fifo(raw_dir: Path, outside: Path, name: str | bytes) -> None:
    os.mkfifo(raw_dir / name)


def _binary() -> bytes:
    # a PNG signature and header chunk, then deterministic pseudo-random bytes
    state, noise = 12345, bytearray()
    for _ in range(4096):
        state = (state * 1103515245 + 12345) % 2**31
        noise.append(state >> 16 & 0xFF)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(noise)


_BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdef", "bcdefg", strict=True)
)


def _cases() -> list[tuple]:
    """(name, about, outcome, content-or-maker, expectations)."""
    missing = "missing (the file must start with a '---' line). Add front matter with url, title and date."
    return [
        # --- front matter structure ---
        ("no-front-matter.md", "no front matter", "rejected", BODY,
         {"line": f"no-front-matter.md: front matter: {missing}"}),
        ("unterminated.md", "front matter never closed", "rejected",
         "---\nurl: https://example.com/hostile/unterminated\ntitle: T\ndate: 2024-12-10\n\n" + BODY,
         {"line": "unterminated.md: front matter: not closed by a '---' line. "
                  "Close the front matter with a '---' line."}),
        ("python-tag.md", "!!python/object tag (must not run)", "rejected",
         "---\nurl: https://example.com/hostile/python-tag\n"
         "title: !!python/object/apply:os.system ['touch PWNED']\ndate: 2024-12-10\n---\n" + BODY,
         {"line": "python-tag.md: front matter: not valid YAML on line 3: the tag "
                  "'!!python/object/apply:os.system' is not allowed. Fix the YAML between the '---' lines."}),
        ("yaml-list.md", "front matter is a YAML list", "rejected", "---\n- url\n- title\n---\n" + BODY,
         {"line": "yaml-list.md: front matter: a list, not a mapping. "
                  "Write front matter as 'key: value' lines."}),
        ("duplicate-key.md", "title given twice", "rejected",
         front("duplicate-key", extra="title: 另一个标题\n") + BODY,
         {"line": "duplicate-key.md: front matter: not valid YAML on line 7: duplicated key 'title'. "
                  "Fix the YAML between the '---' lines."}),
        ("empty-front-matter.md", "--- then --- at once", "rejected", "---\n---\n" + BODY,
         {"line": "empty-front-matter.md: front matter: empty. "
                  "Add url, title and date to the front matter."}),
        ("yaml-syntax.md", "unclosed quote in YAML", "rejected",
         "---\nurl: https://example.com/hostile/yaml-syntax\ntitle: \"未闭合\ndate: 2024-12-10\n---\n" + BODY,
         {"line": "yaml-syntax.md: front matter: not valid YAML on line 5: found unexpected end of stream. "
                  "Fix the YAML between the '---' lines."}),
        ("billion-laughs.md", "alias bomb used as the title", "rejected",
         "---\nurl: https://example.com/hostile/billion-laughs\na: &a [x, x, x, x, x, x, x, x, x]\n"
         + _BILLION_LAUGHS + "title: *g\ndate: 2024-12-10\n---\n" + BODY,
         {"line": "billion-laughs.md: title: must be text, not a list. "
                  "Write 'title:' as a single line of text."}),
        ("deep-nesting.md", "1,500 nested brackets", "rejected",
         "---\nurl: https://example.com/hostile/deep\ntitle: " + "[" * 1500
         + "\ndate: 2024-12-10\n---\n" + BODY,
         {"line": "deep-nesting.md: front matter: nested too deeply. "
                  "Write front matter as flat 'key: value' lines."}),
        ("fence-trailing-spaces.md", "'---  ' fences with trailing spaces", "article",
         front("fence-trailing-spaces").replace("---\n", "---  \n") + BODY,
         {"title": "网络安全测试论坛在京举办", "text_has": ("三百多人参会",)}),
        # --- required fields ---
        ("missing-url.md", "no url", "rejected",
         front("x").replace("url: https://example.com/hostile/x\n", "") + BODY,
         {"line": "missing-url.md: url: missing or empty. Add 'url:' to the front matter."}),
        ("empty-url.md", "url: \"\"", "rejected",
         front("x").replace("url: https://example.com/hostile/x", 'url: ""') + BODY,
         {"line": "empty-url.md: url: missing or empty. Add 'url:' to the front matter."}),
        ("javascript-url.md", "url is javascript:", "rejected",
         front("x").replace("https://example.com/hostile/x", "javascript:alert(1)") + BODY,
         {"line": "javascript-url.md: url: not an http(s) URL (got 'javascript:alert(1)'). "
                  "Give the article's web address."}),
        ("missing-title.md", "no title", "rejected", front("missing-title", title="") + BODY,
         {"line": "missing-title.md: title: missing or empty. Add 'title:' to the front matter."}),
        ("blank-title.md", "title of spaces and zero-width characters", "rejected",
         front("blank-title", title="'  \u200b  '") + BODY,
         {"line": "blank-title.md: title: missing or empty. Add 'title:' to the front matter."}),
        ("missing-date.md", "no date", "rejected", front("missing-date", date="") + BODY,
         {"line": "missing-date.md: date: missing or empty. Add 'date:' to the front matter."}),
        ("empty-date.md", "date: ''", "rejected", front("empty-date", date="''") + BODY,
         {"line": "empty-date.md: date: missing or empty. Add 'date:' to the front matter."}),
        # --- dates ---
        ("impossible-date.md", "2024-02-30", "rejected", front("impossible-date", date="2024-02-30") + BODY,
         {"line": "impossible-date.md: date: not a valid date (got '2024-02-30'). "
                  "Write the date as YYYY-MM-DD."}),
        ("timestamp-tag.md", "!!timestamp 2024-02-30", "rejected",
         front("timestamp-tag", date="!!timestamp 2024-02-30") + BODY,
         {"line": "timestamp-tag.md: front matter: a tagged value cannot be built: "
                  "day is out of range for month. Remove the '!!' tag."}),
        ("far-future.md", "year 2999", "rejected", front("far-future", date="2999-01-01", fetch="") + BODY,
         {"line": "far-future.md: date: outside the years 1990-2100 (got '2999-01-01'). Correct the year."}),
        ("after-fetch.md", "published after it was fetched", "rejected",
         front("after-fetch", date="2025-06-01", fetch="2025-01-02T03:04:05") + BODY,
         {"line": "after-fetch.md: date: after the fetch_date 2025-01-02 (got '2025-06-01'). "
                  "Correct the date; an article cannot be fetched before it exists."}),
        ("next-day-of-fetch.md", "UTC+8 date one day after the UTC fetch", "article",
         front("next-day", date="2025-01-03", fetch="2025-01-02T20:00:00") + BODY,
         {"title": "网络安全测试论坛在京举办"}),
        ("chinese-date.md", "date written 2024年12月10日", "article",
         front("chinese-date", date="2024年12月10日") + BODY, {"title": "网络安全测试论坛在京举办"}),
        ("bad-fetch-date.md", "fetch_date: yesterday", "rejected",
         front("bad-fetch-date", fetch="yesterday") + BODY,
         {"line": "bad-fetch-date.md: fetch_date: not an ISO 8601 date-time (got 'yesterday'). "
                  "Write fetch_date as YYYY-MM-DDTHH:MM:SS or leave it out."}),
        # --- encodings and line ends ---
        ("gbk.md", "GBK-encoded", "article", article("gbk").decode("utf-8").encode("gbk"),
         {"title": "网络安全测试论坛在京举办", "text_has": ("第一届网络安全测试论坛在北京举行。",)}),
        ("gb18030.md", "GB18030 with a four-byte character", "article",
         article("gb18030", title="𠀀字论坛").decode("utf-8").encode("gb18030"), {"title": "𠀀字论坛"}),
        ("utf8-bom.md", "UTF-8 with BOM", "article", b"\xef\xbb\xbf" + article("utf8-bom"),
         {"title": "网络安全测试论坛在京举办"}),
        ("utf16.md", "UTF-16 with BOM", "article", article("utf16").decode("utf-8").encode("utf-16"),
         {"title": "网络安全测试论坛在京举办", "text_has": ("三百多人参会",)}),
        ("crlf.md", "Windows line ends", "article", article("crlf").replace(b"\n", b"\r\n"),
         {"title": "网络安全测试论坛在京举办", "text_lacks": ("\r",),
          "text_has": ("举行。\n\n论坛以",)}),
        ("not-text.md", "neither UTF-8 nor GB18030", "rejected", article("not-text") + b"\xff\xff",
         {"line": "not-text.md: encoding: not UTF-8 or GB18030 text "
                  f"(bad byte at offset {len(article('not-text'))}). Re-save the file as UTF-8."}),
        # --- empty, huge, binary ---
        ("empty.md", "zero bytes", "rejected", b"",
         {"line": f"empty.md: front matter: {missing}"}),
        ("whitespace.md", "only spaces and newlines", "rejected", " \n\t\n   \n",
         {"line": f"whitespace.md: front matter: {missing}"}),
        ("front-matter-only.md", "no body", "rejected", front("front-matter-only"),
         {"line": "front-matter-only.md: body: empty after removing images, links and platform boilerplate. "
                  "Check that the file holds the article's text."}),
        ("only-boilerplate.md", "body is WeChat chrome only", "rejected",
         front("only-boilerplate") + "![](https://x.cn/a.png)\n\n微信扫一扫\n\n关注该公众号\n",
         {"line": "only-boilerplate.md: body: empty after removing images, links and platform boilerplate. "
                  "Check that the file holds the article's text."}),
        ("binary.md", "a PNG named .md", "rejected", _binary(),
         {"line": "binary.md: content: binary data, not Markdown text. "
                  "Remove the file from the raw folder."}),
        ("over-limit.md", "3 MB, over the 2 MB limit", "rejected",
         article("over-limit", body=BODY * (3 * 1024 * 1024 // len(BODY.encode()))),
         {"size": True}),
        ("single-5mb-line.md", "one 5 MB line", "rejected",
         article("single-5mb-line", body="网络安全" * (5 * 1024 * 1024 // 12) + "\n"), {"size": True}),
        # --- names and invisible characters ---
        ("zero\u200bwidth\u200dname.md", "zero-width characters in the file name", "article",
         article("zero-width-name"), {"title": "网络安全测试论坛在京举办"}),
        ("bell\x07name.md", "a control character in the file name", "rejected", article("bell-name"),
         {"line": "bell\\x07name.md: file name: contains a control character (got '\\x07'). "
                  "Rename the file."}),
        ("new\nline.md", "a line break in the file name", "rejected", article("newline-name"),
         {"line": "new\\nline.md: file name: contains a control character (got '\\n'). Rename the file."}),
        (b"latin1-\xe9t\xe9.md", "file name bytes that are not UTF-8", "rejected", article("latin1-name"),
         {"line": "latin1-\\udce9t\\udce9.md: file name: contains bytes that are not UTF-8 (got '\\udce9'). "
                  "Rename the file."}),
        ("invisible-in-names.md", "zero-width and control characters inside the title and a person's name",
         "article", article("invisible", title="网络\u200b安全\u0007论坛\u200e",
                            body="**吴\u200b世\u2060忠**院士\u0007作主旨演讲。\n"),
         {"title": "网络安全论坛", "text_has": ("吴世忠院士作主旨演讲。",)}),
        ("name with spaces.md", "spaces in the file name", "article", article("spaces"),
         {"title": "网络安全测试论坛在京举办"}),
        ("中文 文件名（副本）.md", "Chinese characters and brackets in the file name", "article",
         article("chinese-name"), {"title": "网络安全测试论坛在京举办"}),
        # --- HTML ---
        ("html-script.md", "HTML, <script>, <style> and comments in the body", "article",
         article("html-script", body="<div class=\"x\"><p>论坛在<b>北京</b>举行。</p></div>\n"
                 "<script>alert('x');\ndocument.cookie</script>\n<style>p{color:red}</style>\n"
                 "<!-- 注释\n多行 -->\n<img src=x onerror=alert(1)>三百多人参会&amp;交流。\n"),
         {"title": "网络安全测试论坛在京举办", "text_has": ("论坛在北京举行。", "三百多人参会&交流。"),
          "text_lacks": ("alert", "cookie", "color", "注释", "<", "onerror")}),
        ("unclosed-script.md", "a <script> that never closes", "article",
         article("unclosed-script", body="论坛在北京举行。\n\n<script>while(1){}\n后面的都不是正文\n"),
         {"title": "网络安全测试论坛在京举办", "text_has": ("论坛在北京举行。",),
          "text_lacks": ("while", "后面")}),
        # --- numbers the contract's integer columns cannot hold (crashed the build at the Arrow stage) ---
        ("huge-numbers.md", "edition 99999 and 99999999999 attendees", "article",
         article("huge-numbers", body="12月7日，第99999届网络安全测试论坛在北京举行。"
                 "论坛以“网络安全国际合作”为主题，共有99999999999人参会。\n"),
         {"text_has": ("第99999届",)}),
        ("overflow-count.md", "a 400-digit head count", "article",
         article("overflow-count", body="12月7日，第八届网络安全测试论坛在北京举行。来自各界的"
                 + "1" * 400 + "人参会。\n"),
         {"text_has": ("1" * 400,)}),
        # --- duplicates and file types ---
        ("a-original.md", "an ordinary valid article", "article", article("plain-valid"),
         {"title": "网络安全测试论坛在京举办"}),
        ("same-url-newer.md", "same canonical URL, later fetch_date: kept", "article",
         article("same-url", body="更新后的正文：论坛在北京举行。\n", fetch="2025-03-01T00:00:00"),
         {"text_has": ("更新后的正文",)}),
        ("same-url-older.md", "same canonical URL (tracking parameters differ), earlier fetch", "duplicate",
         article("same-url", body="旧的正文：论坛在北京举行。\n", fetch="2025-01-01T00:00:00")
         .replace(b"hostile/same-url\n", b"hostile/same-url?utm_source=wechat#top\n"),
         {"kept": "same-url-newer.md",
          "reason": "same canonical URL; the kept file has the later fetch_date"}),
        ("identical-copy.md", "byte-identical to a-original.md", "duplicate", article("plain-valid"),
         {"kept": "a-original.md", "reason": "byte-identical to the kept file"}),
        ("link-inside.md", "symbolic link to a file inside the raw folder", "duplicate", _symlink_inside,
         {"kept": "a-original.md", "reason": "byte-identical to the kept file"}),
        ("link-outside.md", "symbolic link to a file outside the raw folder", "rejected", _symlink_outside,
         {"line_prefix": "link-outside.md: file type: a symbolic link to a file outside the raw folder, "
                         "not read (got '"}),
        ("link-broken.md", "symbolic link to nothing", "rejected", _symlink_broken,
         {"line": "link-broken.md: file type: a broken or looping symbolic link. "
                  "Remove the link or copy the article into the raw folder."}),
        ("link-loop.md", "symbolic link to itself", "rejected", _symlink_loop,
         {"line": "link-loop.md: file type: a broken or looping symbolic link. "
                  "Remove the link or copy the article into the raw folder."}),
        ("folder.md", "a folder named x.md (with an article inside)", "rejected", _folder,
         {"line": "folder.md: file type: a folder, not a file. "
                  "Rename the folder so its name does not end in .md."}),
        ("folder.md/inside-folder.md", "an article inside the folder named folder.md", "article", None,
         {"title": "网络安全测试论坛在京举办"}),
        ("fifo.md", "a named pipe (reading it would block forever)", "rejected", _fifo,
         {"line": "fifo.md: file type: not a regular file (got 'fifo'). Remove it from the raw folder."}),
    ]


def hostile_cases() -> list[Case]:
    """Every case of the corpus, in creation order."""
    cases = []
    for name, about, outcome, content, expected in _cases():
        if callable(content):
            make = content
        elif content is None:
            make = _noop
        else:
            make = _file(content)
        line = expected.get("line", "")
        if expected.get("size"):
            size = len(content) if isinstance(content, bytes) else len(content.encode("utf-8"))
            line = (f"{name}: size: over the {MAX_BYTES}-byte limit (got {size}). "
                    "Raise --max-bytes or remove the file.")
        cases.append(Case(
            name=name, about=about, outcome=outcome, make=make, line=line,
            title=expected.get("title", ""), text_has=expected.get("text_has", ()),
            text_lacks=expected.get("text_lacks", ()), kept=expected.get("kept", ""),
            reason=expected.get("reason", ""),
            extra={key: value for key, value in expected.items() if key == "line_prefix"},
        ))
    return cases


def _noop(raw_dir: Path, outside: Path, name: str | bytes) -> None:
    """Created by another case (the folder case writes the article inside it)."""


def write_hostile_corpus(raw_dir: Path, outside_dir: Path) -> list[Case]:
    """Create every case below ``raw_dir`` (``outside_dir`` receives link targets); return the cases."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    outside_dir.mkdir(parents=True, exist_ok=True)
    cases = hostile_cases()
    for case in cases:
        case.make(raw_dir, outside_dir, case.name)
    return cases
