"""The build job: raw articles → parsed articles → extractions → validated tables → build folder + card."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder import accounting, card, release
from builder.articles import DEFAULT_MAX_BYTES, discover, read_articles
from builder.extract import DEFAULT_EXTRACTOR, get_extractor
from builder.models import Article, DuplicateFile, RejectedFile
from builder.progress import track
from builder.tables import build_tables
from builder.validate import validate_tables


@dataclass(frozen=True)
class BuildReport:
    """What one build read, published, quarantined and rejected."""

    out_dir: Path
    input_files: int
    articles: int
    rejected: tuple[RejectedFile, ...]
    duplicates: tuple[DuplicateFile, ...]
    #: table → {"extracted": n, "published": n, "quarantined": n}
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-ready form (``builder build --json``)."""
        return {
            "out_dir": str(self.out_dir),
            "input_files": self.input_files,
            "articles": self.articles,
            "rejected": [{"file": item.source_file, "field": item.field, "reason": item.reason} for item in self.rejected],
            "duplicates": [
                {"file": item.source_file, "kept": item.kept_file, "reason": item.reason} for item in self.duplicates
            ],
            "counts": self.counts,
        }

    def summary_lines(self) -> list[str]:
        """The plain-text report printed at the end of ``builder build``."""
        lines = [f"rejected {item.line()}" for item in self.rejected]
        lines += [f"duplicate {item.source_file}: {item.reason} (kept {item.kept_file})" for item in self.duplicates]
        lines.append(
            f"read {self.input_files} files = {self.articles} articles + {len(self.duplicates)} duplicates"
            f" + {len(self.rejected)} rejected"
        )
        for table, count in self.counts.items():
            lines.append(
                f"{table:<14} {count['published']:>6} published  {count['quarantined']:>4} quarantined"
            )
        quarantined = sum(count["quarantined"] for count in self.counts.values())
        lines.append(f"wrote {self.out_dir} ({quarantined} rows in {self.out_dir / 'quarantine'})")
        return lines


def build(
    raw_dir: Path,
    out_dir: Path,
    *,
    extractor_name: str = DEFAULT_EXTRACTOR,
    max_bytes: int = DEFAULT_MAX_BYTES,
    show_progress: bool = False,
) -> BuildReport:
    """Build the dataset from every ``*.md`` below ``raw_dir`` into ``out_dir``.

    Bad files are reported and skipped, bad rows quarantined; the folder is replaced atomically.
    """
    input_files = discover(raw_dir)
    articles: list[Article] = []
    rejected: list[RejectedFile] = []
    duplicates: list[DuplicateFile] = []
    for item in read_articles(raw_dir, max_bytes=max_bytes):
        if isinstance(item, Article):
            articles.append(item)
        elif isinstance(item, RejectedFile):
            rejected.append(item)
        else:
            duplicates.append(item)
    accounting.check_inputs(len(input_files), len(articles), len(duplicates), len(rejected))
    extractor = get_extractor(extractor_name)
    extractions = [
        extractor.extract(article)
        for article in track(articles, len(articles), "extracting", enabled=show_progress)
    ]
    result = validate_tables(build_tables(articles, extractions))
    accounting.check_rows(result, len(articles))
    with release.staged_folder(out_dir) as staging:
        manifest = release.write_build(
            staging,
            result,
            raw_dir=raw_dir,
            input_files=input_files,
            rejected=rejected,
            duplicates=duplicates,
            extractor=(extractor.name, extractor.version),
        )
        card.write_card(staging, manifest)
        manifest = release.seal(staging, manifest)
    return BuildReport(
        out_dir=out_dir,
        input_files=len(input_files),
        articles=len(articles),
        rejected=tuple(rejected),
        duplicates=tuple(duplicates),
        counts=result.counts(),
        manifest=manifest,
    )


def release_build(
    build_dir: Path,
    releases_dir: Path,
    *,
    raw_dir: Path,
    root: Path | None = None,
    level: str | None = None,
    version: str | None = None,
    notes: str | None = None,
) -> release.ReleaseReport:
    """Promote a checked build into ``releases_dir/X.Y.Z`` with its card ("Changes since X" included).

    Then LATEST, CHANGELOG.md and, when the releases live in ``<root>/data/releases`` (or ``root``
    is given), the root ``dataset_card.md`` and ``.huggingface.yaml`` name the new release.
    """
    root = root if root is not None else release.default_root(releases_dir)
    return release.make_release(
        build_dir,
        releases_dir,
        raw_dir=raw_dir,
        write_card=lambda folder, manifest, changes: card.write_card(folder, manifest, changes=changes),
        write_root_card=(
            (lambda folder, manifest: card.write_root_card(folder, manifest, root))
            if root is not None
            else None
        ),
        level=level,
        version=version,
        notes=notes,
    )
