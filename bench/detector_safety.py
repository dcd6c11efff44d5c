"""Check the cheap event detector on real corpora: it must never turn away an article with events.

    python bench/detector_safety.py [FOLDER ...] [--non-event-sample 3000]

For every article below each folder (default: ``data/raw``, ``tests/probes/articles`` and the
shared corpora beside the repository) it runs the full rule extractor and the detector, and
prints per folder: articles, articles with events, articles flagged, and articles flagged
although the extractor reports no event in them (the detector's false alarms). Exits 1 when
an article with events is turned away (the safety property ``not detector(a) => no events``).
For a bench corpus, ``--non-event-sample N`` also prints the flag rate on the first N
``*-n.md`` files, the sample ``bench/run.py`` measures.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from builder.articles import read_articles  # noqa: E402
from builder.extract import get_extractor  # noqa: E402
from builder.extract.detect import might_report_event  # noqa: E402
from builder.models import Article  # noqa: E402


@dataclass
class FolderCheck:
    """What the detector made of one folder's articles."""

    articles: int = 0
    with_events: int = 0
    flagged: int = 0
    #: flagged although the extractor reports no event
    false_alarms: int = 0
    #: turned away although the extractor reports events: must stay empty
    missed: list[str] = field(default_factory=list)
    #: source files flagged, in path order
    flagged_files: list[str] = field(default_factory=list)


def check_folder(folder: Path) -> FolderCheck:
    """Run the extractor and the detector on every article below ``folder``."""
    extractor = get_extractor()
    check = FolderCheck()
    for item in read_articles(folder):
        if not isinstance(item, Article):
            continue
        has_events = bool(extractor.extract(item).events)
        flagged = might_report_event(item)
        check.articles += 1
        check.with_events += has_events
        check.flagged += flagged
        check.false_alarms += flagged and not has_events
        if flagged:
            check.flagged_files.append(item.source_file)
        if has_events and not flagged:
            check.missed.append(item.source_file)
    return check


def default_folders() -> list[Path]:
    """``data/raw``, the probes, and the shared corpora (seed, dev, dev-web) when they are beside us."""
    folders = [REPO / "data" / "raw", REPO / "tests" / "probes" / "articles"]
    bases = [base / "shared" / "corpus" for base in REPO.parents]
    shared = next((base for base in bases if base.is_dir()), None)
    if shared is not None:
        folders += [shared / name for name in ("seed", "dev", "dev-web") if (shared / name).is_dir()]
    return folders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the cheap event detector against the extractor.")
    parser.add_argument("folders", nargs="*", type=Path, help="raw article folders (default: the repo's)")
    parser.add_argument(
        "--non-event-sample", type=int, default=0, help="also report on the first N *-n.md files"
    )
    options = parser.parse_args(argv)
    missed = 0
    for folder in options.folders or default_folders():
        check = check_folder(folder)
        missed += len(check.missed)
        without = check.articles - check.with_events
        print(
            f"{folder}: {check.articles} articles, {check.with_events} with events, "
            f"{check.flagged} flagged; flagged without events {check.false_alarms}/{without}; "
            f"turned away with events {len(check.missed)}"
        )
        for name in check.missed:
            print(f"  MISSED {name}")
        if options.non_event_sample:
            sample = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*-n.md"))
            sample = set(sample[: options.non_event_sample])
            print(f"  first {len(sample)} *-n.md files: {len(sample & set(check.flagged_files))} flagged")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
