"""The figures of one evaluation, their stable JSON form and their plain-text table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: version of the ``EvaluationReport.to_dict()`` layout; bumped when a key is renamed or removed
REPORT_VERSION = 1
#: precision/recall/F1 figures, in report order, with what each one counts (for the card)
MATCH_FIGURES = {
    "events": "events paired with a gold event by name similarity (and start date)",
    "participants_name": "people of paired events found by name (Chinese or Latin)",
    "participants": "people of paired events found by name and with the gold role",
    "organizations_name": "organizations of paired events found by name",
    "organizations": "organizations of paired events found by name and with the gold role",
}
#: accuracy figures, in report order, with what each one checks (for the card); each is over the
#: gold values that are known: event fields over all gold events (an unfound event is wrong on
#: each), person fields over the people that were found
ACCURACY_FIELDS = {
    "start_date": "start date equal",
    "end_date": "end date equal",
    "city": "city equal, ignoring the 市 suffix",
    "event_type": "event type equal",
    "status": "held/upcoming equal",
    "attendance": "attendance number equal",
    "series": "series name similar (>= 0.8)",
    "edition": "edition number equal",
    "theme": "theme similar (>= 0.8)",
    "affiliation": "affiliation of a found person similar (>= 0.8)",
    "position": "position of a found person similar (>= 0.8)",
    "talk_title": "talk title of a found person similar (>= 0.8)",
}
#: what the headline is the mean of (for the card)
HEADLINE_PARTS = (
    "events F1",
    "participants F1 (name+role)",
    "organizations F1 (name+role)",
    "start-date accuracy",
    "city accuracy",
)


@dataclass
class Tally:
    """True positives, false positives and false negatives of one kind of item."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, matched: int, predicted: int, gold: int) -> None:
        """Count ``matched`` pairs out of ``predicted`` predicted and ``gold`` gold items."""
        self.tp += matched
        self.fp += predicted - matched
        self.fn += gold - matched

    @property
    def precision(self) -> float:
        """Share of predictions that are right; 1 when nothing was predicted and nothing expected."""
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 0.0 if self.fn else 1.0

    @property
    def recall(self) -> float:
        """Share of gold items found; 1 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def counts(self) -> dict[str, int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn}

    def to_dict(self) -> dict:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            **self.counts(),
        }


@dataclass
class Ratio:
    """How many of ``total`` checked values were right; ``value`` is ``None`` when none were checked."""

    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.correct += bool(ok)

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None

    def to_dict(self) -> dict:
        value = self.value
        return {
            "value": None if value is None else round(value, 4),
            "correct": self.correct,
            "total": self.total,
        }


@dataclass(frozen=True)
class ArticleScore:
    """One gold article's line of the per-article breakdown."""

    file: str
    gold_events: int
    predicted_events: int
    matched_events: int
    #: participants by name+role on this article
    participants: Tally
    #: organizations by name+role on this article
    organizations: Tally

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "gold_events": self.gold_events,
            "predicted_events": self.predicted_events,
            "matched_events": self.matched_events,
            "participants": self.participants.counts(),
            "organizations": self.organizations.counts(),
        }


@dataclass
class EvaluationReport:
    """The figures of one evaluation: ``to_dict()`` is the stable JSON layout, ``summary_lines()`` a table."""

    gold_dir: Path
    build_dir: Path | None = None
    raw_dir: Path | None = None
    matches: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in MATCH_FIGURES})
    accuracy: dict[str, Ratio] = field(default_factory=lambda: {name: Ratio() for name in ACCURACY_FIELDS})
    evidence: Ratio = field(default_factory=Ratio)
    articles: list[ArticleScore] = field(default_factory=list)
    #: gold files whose canonical URL no article of the build has
    missing: list[str] = field(default_factory=list)

    @property
    def headline(self) -> float:
        """Mean of the ``HEADLINE_PARTS``; an accuracy with nothing to check counts 0."""
        parts = [
            self.matches["events"].f1,
            self.matches["participants"].f1,
            self.matches["organizations"].f1,
            self.accuracy["start_date"].value or 0.0,
            self.accuracy["city"].value or 0.0,
        ]
        return sum(parts) / len(parts)

    def to_dict(self) -> dict:
        """The report as JSON-ready data (``builder evaluate --json``); the layout is stable.

        - ``report_version``: 1.
        - ``build``, ``raw``, ``gold``: the folders read (``raw`` is set, and ``build`` is null, when
          the articles were built into a temporary folder by ``builder.pipeline.score``).
        - ``gold_articles``, ``negative_articles`` (gold files without events), ``gold_events``,
          ``predicted_events`` (on gold articles only), ``events_on_negative_articles``.
        - ``headline``: mean of ``HEADLINE_PARTS``.
        - ``scores``: for each key of ``MATCH_FIGURES``: ``precision``, ``recall``, ``f1``, ``tp``, ``fp``,
          ``fn``.
        - ``accuracy``: for each key of ``ACCURACY_FIELDS``, ``value`` (null when nothing was checked),
          ``correct``, ``total``.
        - ``evidence_exact``: the same three keys, over every evidence span of the build.
        - ``articles_missing_from_build``: gold file names.
        - ``per_article``: per gold file ``file``, ``gold_events``, ``predicted_events``,
          ``matched_events``, and tp/fp/fn of ``participants`` and ``organizations`` (name+role).

        Ratios are rounded to 4 decimal places.
        """
        negative = [item for item in self.articles if item.gold_events == 0]
        return {
            "report_version": REPORT_VERSION,
            "build": None if self.build_dir is None else str(self.build_dir),
            "raw": None if self.raw_dir is None else str(self.raw_dir),
            "gold": str(self.gold_dir),
            "gold_articles": len(self.articles),
            "negative_articles": len(negative),
            "gold_events": sum(item.gold_events for item in self.articles),
            "predicted_events": sum(item.predicted_events for item in self.articles),
            "events_on_negative_articles": sum(item.predicted_events for item in negative),
            "headline": round(self.headline, 4),
            "scores": {name: tally.to_dict() for name, tally in self.matches.items()},
            "accuracy": {name: ratio.to_dict() for name, ratio in self.accuracy.items()},
            "evidence_exact": self.evidence.to_dict(),
            "articles_missing_from_build": list(self.missing),
            "per_article": [item.to_dict() for item in self.articles],
        }

    def summary_lines(self, verbose: bool = False) -> list[str]:
        """The plain-text table of ``builder evaluate``; ``verbose`` adds one line per gold article."""
        data = self.to_dict()
        source = (
            f"raw {data['raw']} (built into a temporary folder)" if data["raw"] else f"build {data['build']}"
        )
        lines = [
            f"{source} against {data['gold_articles']} gold articles in {data['gold']} "
            f"({data['gold_events']} events, {data['negative_articles']} articles without events)",
            "",
            f"{'figure':<26}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}",
        ]
        labels = {
            "participants_name": "participants (name)",
            "participants": "participants (name+role)",
            "organizations_name": "organizations (name)",
            "organizations": "organizations (name+role)",
        }
        for name, row in data["scores"].items():
            lines.append(
                f"{labels.get(name, name):<26}{row['precision']:>7.3f}{row['recall']:>7.3f}"
                f"{row['f1']:>7.3f}{row['tp']:>6}{row['fp']:>6}{row['fn']:>6}"
            )
        lines += ["", f"{'accuracy':<26}{'value':>7}{'right':>13}"]
        rows = [*data["accuracy"].items(), ("evidence spans exact", data["evidence_exact"])]
        for name, ratio in rows:
            value = "-" if ratio["value"] is None else f"{ratio['value']:.3f}"
            lines.append(f"{name:<26}{value:>7}{ratio['correct']:>7} / {ratio['total']}")
        lines.append("")
        lines.append(
            f"events predicted on articles without gold events: {data['events_on_negative_articles']}"
        )
        if data["articles_missing_from_build"]:
            lines.append(
                f"missing from build: {len(data['articles_missing_from_build'])} gold articles: "
                + ", ".join(data["articles_missing_from_build"])
            )
        if verbose:
            lines += [
                "",
                f"{'article':<44}{'gold':>5}{'pred':>5}{'pair':>5}{'participants':>14}{'organizations':>15}",
            ]
            for item in data["per_article"]:
                people, orgs = (
                    "/".join(str(item[kind][key]) for key in ("tp", "fp", "fn"))
                    for kind in ("participants", "organizations")
                )
                lines.append(
                    f"{item['file']:<44}{item['gold_events']:>5}{item['predicted_events']:>5}"
                    f"{item['matched_events']:>5}{people:>14}{orgs:>15}"
                )
            lines.append("(participants and organizations per article: tp/fp/fn by name+role)")
        lines.append(f"headline (mean of {', '.join(HEADLINE_PARTS)}): {data['headline']:.4f}")
        return lines
