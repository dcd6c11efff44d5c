"""The card's Quality section, rendered from ``builder evaluate``'s ``EvaluationReport.to_dict()``."""

from __future__ import annotations

from builder.evaluate import ACCURACY_FIELDS

#: precision/recall/F1 rows of the report, with what each counts
MATCH_ROWS = (
    ("events", "events (paired with a gold event by name and start date)"),
    ("participants_name", "participants by name"),
    ("participants", "participants by name and role"),
    ("organizations_name", "organizations by name"),
    ("organizations", "organizations by name and role"),
)

NO_REPORT = (
    "No evaluation report was supplied when this card was rendered, so no quality figures are "
    "stated here. `builder evaluate --build <folder> --gold data/gold` measures this build against "
    "the project's hand-annotated gold articles; `builder build --gold data/gold` keeps the figures "
    "in the build's manifest, and so in this section of the build's card and of its releases."
)


#: keys of an evaluation report that name folders on the machine that ran it
MACHINE_KEYS = ("build", "raw", "gold")


def manifest_quality(report: dict) -> dict:
    """The part of ``EvaluationReport.to_dict()`` kept in a manifest: figures, no local folder paths.

    Paths would make two builds of the same input differ byte for byte.
    """
    return {key: value for key, value in report.items() if key not in MACHINE_KEYS}


def _ratio(value: object) -> str:
    return "n/a" if value is None else f"{float(value):.2f}"


def render_quality(report: dict | None) -> str:
    """Markdown for the Quality section; ``report`` is ``EvaluationReport.to_dict()`` or None."""
    if not report:
        return NO_REPORT
    lines = [
        f"Measured with `builder evaluate` against {report['gold_articles']} hand-annotated gold articles "
        f"({report['gold_events']} gold events; {report['negative_articles']} articles that report no "
        f"event). A gold annotation is what a careful reader finds in the article. The extraction "
        "rules were developed on these same articles, so the figures are optimistic for articles "
        "from other sources and styles. Precision is the share of extracted records that are in the "
        "gold set, recall the share of gold records that were extracted, F1 their harmonic mean. "
        "Participants and organizations are counted within events that were paired with a gold event.",
        "",
        "| records | precision | recall | F1 |",
        "|---|---:|---:|---:|",
    ]
    for key, label in MATCH_ROWS:
        score = report.get("scores", {}).get(key)
        if score:
            lines.append(
                f"| {label} | {_ratio(score['precision'])} | {_ratio(score['recall'])} "
                f"| {_ratio(score['f1'])} |"
            )
    lines += [
        "",
        "Field accuracy is the share of gold values the extractor reproduced. Event fields are "
        "checked on every gold event, so a missed event counts as wrong (dates, type and status "
        "always, the other fields where the gold value is known); person fields are checked on the "
        "participants paired with a gold participant whose value is known:",
        "",
        "| field | accuracy | checked |",
        "|---|---:|---:|",
    ]
    accuracy = report.get("accuracy", {})
    # the report's own field order; a manifest stores the report with sorted keys
    ordered = [name for name in ACCURACY_FIELDS if name in accuracy] + sorted(
        set(accuracy) - set(ACCURACY_FIELDS)
    )
    for field in ordered:
        ratio = accuracy[field]
        lines.append(f"| `{field}` | {_ratio(ratio['value'])} | {ratio['total']} |")
    evidence = report.get("evidence_exact")
    if evidence:
        lines.append(f"| evidence span exact | {_ratio(evidence['value'])} | {evidence['total']} |")
    lines += [
        "",
        "Events extracted from the articles that report none: "
        f"{report.get('events_on_negative_articles', 0)}. "
        f"Headline score (mean of event F1, participant and organization F1 by name and role, start-date "
        f"and city accuracy): {_ratio(report.get('headline'))}. The gold set is small, so each figure "
        "has a wide margin of error.",
    ]
    return "\n".join(lines)
