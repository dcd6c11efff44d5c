"""How gold and predicted items are compared and paired: name normalization, similarity, greedy pairing."""

from __future__ import annotations

import difflib
import unicodedata

#: characters ignored when names are compared: quotes, brackets and white space
IGNORED_CHARS = str.maketrans("", "", "“”‘’\"'「」『』《》〈〉()（）[]【】 \t\r\n\u3000")
#: a gold and a predicted event may pair when name similarity (+ date bonus) reaches this
EVENT_PAIR_THRESHOLD = 0.6
#: added to the name similarity of two events when the known gold start date is the predicted one
SAME_START_BONUS = 0.3
#: similarity floor of two names when one contains the other; organizations pair from this value on
CONTAINED_SIMILARITY = 0.85
#: series, theme, affiliation, position and talk title count as right from this similarity on
TEXT_FIELD_THRESHOLD = 0.8


def comparable(value: object) -> str:
    """The form in which names are compared: NFKC, lower case, no quotes, brackets or spaces.

    Example: ``"《共建“一带一路”网络空间》"`` → ``"共建一带一路网络空间"``
    """
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).translate(IGNORED_CHARS).lower()


def similarity(first: object, second: object) -> float:
    """Similarity of two names in [0, 1]: 1 when equal, at least 0.85 when one contains the other,
    else difflib's ratio; 0 when either is empty.

    Example: ``similarity("网络安全论坛", "2024网络安全论坛") == 0.85``
    """
    a, b = comparable(first), comparable(second)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    return max(CONTAINED_SIMILARITY, ratio) if a in b or b in a else ratio


def similar_text(gold: object, predicted: object) -> bool:
    """Whether a free-text field (series, theme, affiliation, position, talk title) counts as right."""
    return similarity(gold, predicted) >= TEXT_FIELD_THRESHOLD


def city_key(value: object) -> str:
    """A city name without the 市 suffix, for comparison. Example: ``"北京市"`` → ``"北京"``."""
    return comparable(value).removesuffix("市")


def day(value: object) -> str | None:
    """A date (or ISO string) as ``YYYY-MM-DD``; ``None`` stays ``None``."""
    return None if value is None else str(value)[:10]


def pair_events(gold: list[dict], predicted: list[dict]) -> dict[int, int]:
    """Gold index → predicted index: highest-scoring pairs first, each event used once.

    The score is the name similarity, plus ``SAME_START_BONUS`` when the gold start date is known
    and equal to the predicted one; pairs below ``EVENT_PAIR_THRESHOLD`` are never made. Equal
    scores go to the later gold event, then the later prediction (the yardstick's order).
    """
    candidates = []
    for gold_index, gold_event in enumerate(gold):
        for predicted_index, event in enumerate(predicted):
            score = similarity(gold_event.get("name"), event.get("name"))
            if gold_event.get("start_date") and day(gold_event["start_date"]) == day(event.get("start_date")):
                score += SAME_START_BONUS
            if score >= EVENT_PAIR_THRESHOLD:
                candidates.append((score, gold_index, predicted_index))
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, gold_index, predicted_index in sorted(candidates, reverse=True):
        if gold_index not in pairs and predicted_index not in taken:
            pairs[gold_index] = predicted_index
            taken.add(predicted_index)
    return pairs


def person_keys(person: dict) -> set[str]:
    """The comparable forms of a person's Chinese and Latin names."""
    return {key for key in (comparable(person.get("name")), comparable(person.get("name_latin"))) if key}


def pair_people(gold: list[dict], predicted: list[dict]) -> list[tuple[dict, dict]]:
    """Each gold person, in order, takes the first unused prediction sharing a (Chinese or Latin) name."""
    pairs, used = [], set()
    for person in gold:
        keys = person_keys(person)
        found = next(
            (
                index
                for index, other in enumerate(predicted)
                if index not in used and keys & person_keys(other)
            ),
            None,
        )
        if found is not None:
            used.add(found)
            pairs.append((person, predicted[found]))
    return pairs


def pair_organizations(gold: list[dict], predicted: list[dict]) -> list[tuple[dict, dict]]:
    """Each gold organization, in order, takes the most similar unused prediction (>= 0.85; first on ties)."""
    pairs, used = [], set()
    for organization in gold:
        scored = [
            (similarity(organization.get("name"), other.get("name")), index)
            for index, other in enumerate(predicted)
            if index not in used
        ]
        # highest similarity wins; among equals the earliest prediction
        best = max(
            (item for item in scored if item[0] >= CONTAINED_SIMILARITY),
            key=lambda item: (item[0], -item[1]),
            default=None,
        )
        if best is not None:
            used.add(best[1])
            pairs.append((organization, predicted[best[1]]))
    return pairs
