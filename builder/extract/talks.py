"""Talk titles: the title a speaker's talk is given under, in 《》, in quotes, or after 题为 / 以…为题."""

from __future__ import annotations

import re

from builder.lexicons import load_lines

#: a title in book brackets: the usual way a talk title is written
BOOK_TITLE = re.compile(r"《([^《》\n]{2,80})》")
#: a title in quotes introduced by a verb of speaking and closed by 为题 / 主题 / 中 / a comma
QUOTED_TITLE = re.compile(
    r"(?:以|围绕|通过|介绍了?|分享了?|题为|带来了?|在|讲授了?)\s*[“\"「『]([^“”\"「」『』\n]{4,120})[”\"」』]"
    r"\s*(?=为题|为主题|主题|的主题|中|的分享|的报告|的演讲|[，,。；;])"
)
#: 题为 followed by an unbracketed title up to the end of the clause
TITLED_AS = re.compile(r"题为\s*([^，,。；;《》“”\n]{4,80})")
#: a quoted name followed by more words of the title: 讲授了“赢在未来”网络安全第一课
QUOTE_LED_TITLE = re.compile(
    r"(?:讲授了?|作了|做了|带来了?|发表了|开讲)\s*(“[^“”\n]{2,40}”[^，,。；;“”\n]{1,20})(?=[，,。；;]|$)"
)
#: an English title after a dash or colon once the talk is introduced: 分享了……成果—— Neural Dehydration: …
DASHED_LATIN_TITLE = re.compile(
    r"(?:分享|介绍|带来|报告|发表)[^。\n]{0,40}?(?:——|：|:)\s*([A-Z][^。\n]{10,200}?)\s*(?:。|$)"
)
#: a 《》 after one of these is a document being signed, read or published, not a talk
DOCUMENT_VERBS = load_lines("document_verbs.txt")
#: verbs after which a bold span is the title of the talk (分享了**…**)
PRESENTING_VERBS = re.compile(r"(?:分享了|带来了|作了|做了|发表了)\s*$")


def talk_title(
    simple: str, original: str, start: int, end: int, emphasis: list[tuple[int, int]]
) -> str | None:
    """The talk title in the words ``simple[start:end]`` after a speaker's name, without brackets.

    Example: ``"的发言以《共建“一带一路”网络空间命运共同体》为题"`` → ``"共建“一带一路”网络空间命运共同体"``;
    ``"在“Reducing Time to BGP Changes”中"`` → ``"Reducing Time to BGP Changes"``
    """
    zone = simple[start:end]
    book = BOOK_TITLE.search(zone)
    if book and not zone[: book.start()].rstrip().endswith(DOCUMENT_VERBS) and book.start() <= 40:
        return original[start + book.start(1) : start + book.end(1)]
    quoted = QUOTED_TITLE.search(zone)
    if quoted and quoted.start() <= 40:
        return original[start + quoted.start(1) : start + quoted.end(1)]
    for pattern in (QUOTE_LED_TITLE, DASHED_LATIN_TITLE):
        match = pattern.search(zone)
        if match and match.start() <= 40:
            return original[start + match.start(1) : start + match.end(1)].strip()
    titled = TITLED_AS.search(zone)
    if titled:
        return original[start + titled.start(1) : start + titled.end(1)].strip()
    for span_start, span_end in emphasis:
        if start <= span_start < end and PRESENTING_VERBS.search(simple[start:span_start]):
            if span_start - start <= 12:
                return original[span_start:span_end].rstrip("。.！!").strip() or None
    return None
