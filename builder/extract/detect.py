"""A cheap first pass in front of full extraction: could this article report an event at all?

Most crawled articles (vulnerability news, policy, products) report no gathering. The rule
extractor finds an event only where an event word of ``lexicons/event_types.tsv`` (论坛, 峰会,
大赛, 宣传周, ...) ends a name in the simplified title or text, or where an English name (a
capital letter) is followed by a reporting verb (举行, 召开, ...); this check looks for exactly
those and nothing else, so a non-event article costs a few regex scans of its text (and of its
simplified copy) instead of a full extraction. Being built from the extractor's own word lists,
it cannot turn away an article the extractor would find an event in; ``tests/test_pipeline.py``
checks that on every article of ``data/raw`` and the dev-web set, and that the word lists agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from builder.extract.chinese import simplified
from builder.extract.event_names import event_words
from builder.models import Article

#: verbs that report an event named only in English (``Black Hat USA 2024在美国…举行``): the verb
#: group of ``builder.extract.mentions``' English-name rule (a test keeps the two in step)
LATIN_REPORT_VERBS = ("举行", "举办", "召开", "开幕", "落幕", "闭幕", "拉开帷幕", "落下帷幕")


@cache
def _event_word_pattern() -> re.Pattern[str]:
    # one alternation of literals: several times faster than a substring search per word
    return re.compile("|".join(map(re.escape, event_words())))


@cache
def _latin_report_pattern() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, LATIN_REPORT_VERBS)))


def has_event_word(text: str) -> bool:
    """True when ``text``, as written or in simplified characters, contains an event word.

    Example: ``"第二屆湖北網路安全宣傳周在武漢大學啟動"`` → True (宣传周);
    ``"微软发布紧急安全补丁，修复Windows系统漏洞。"`` → False
    """
    pattern = _event_word_pattern()
    return pattern.search(text) is not None or pattern.search(simplified(text)) is not None


def may_name_latin_event(text: str) -> bool:
    """True when ``text`` has a capital Latin letter and a verb that reports an English-named event.

    Example: ``"Black Hat USA 2024在美国拉斯维加斯举行。"`` → True;
    ``"会议在北京举行。"`` → False (no English name)
    """
    if re.search("[A-Z]", text) is None:
        return False
    pattern = _latin_report_pattern()
    return pattern.search(text) is not None or pattern.search(simplified(text)) is not None


def might_report_event(article: Article) -> bool:
    """False when the rule extractor surely finds no event in ``article``.

    That is: no event word in the title or text, and no English name with a reporting verb.
    """
    return any(has_event_word(text) or may_name_latin_event(text) for text in (article.title, article.text))


def _always(article: Article) -> bool:
    return True


def detector_for(extractor_name: str) -> Callable[[Article], bool]:
    """The cheap check in front of an extractor: the event-word check for the rules, none otherwise.

    Another extractor (statistical, model-based) may find events without any of the words, so
    it sees every article.
    """
    return might_report_event if extractor_name == "rules" else _always
