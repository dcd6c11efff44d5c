"""Stage 6: the dataset card and the consumer metadata of a build or release folder.

``write_card`` writes ``README.md`` (the Hugging Face card), ``croissant.json`` (MLCommons
Croissant) and ``datapackage.json`` (Frictionless), all generated from ``schema/`` and the
folder's manifest; nothing in them is written by hand.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from builder.card.body import bibtex, render_body
from builder.card.croissant import croissant
from builder.card.datapackage import datapackage
from builder.card.facts import BuildFacts, read_facts
from builder.card.header import metadata, render_header
from builder.errors import BuildFolderError

CARD_NAME = "README.md"
CROISSANT_NAME = "croissant.json"
DATAPACKAGE_NAME = "datapackage.json"
#: the standalone YAML that ``datasets`` reads next to a README without a header (the repository root)
HF_YAML_NAME = ".huggingface.yaml"
#: the repository root's card of the newest release
ROOT_CARD_NAME = "dataset_card.md"


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def default_location(folder: Path, manifest: dict) -> str:
    """How the card's snippets name the folder: ``data/releases/X.Y.Z`` for a release, else its name."""
    version = manifest.get("version")
    return f"data/releases/{version}" if version else Path(folder).name


def render_card(
    folder: Path,
    manifest: dict,
    *,
    quality: dict | None = None,
    changes: str | None = None,
    location: str | None = None,
    data_prefix: str = "",
    facts: BuildFacts | None = None,
) -> str:
    """The card (README.md with YAML front matter) of the build or release in ``folder``.

    ``quality`` is ``EvaluationReport.to_dict()`` (default: the manifest's ``quality``); ``changes``
    the Markdown of "Changes since X" (default: the manifest's ``release.changes``), so a re-render
    reproduces the card; ``location`` is the path the loading snippets use; ``data_prefix`` is
    prepended to every ``data_files`` path.
    """
    facts = facts or read_facts(Path(folder), manifest)
    location = location or default_location(folder, manifest)
    quality = quality if quality is not None else manifest.get("quality")
    changes = changes if changes is not None else (manifest.get("release") or {}).get("changes")
    body = render_body(facts, location=location, quality=quality, changes=changes)
    return render_header(facts, data_prefix=data_prefix) + "\n" + body


def render_files(
    folder: Path,
    manifest: dict,
    *,
    quality: dict | None = None,
    changes: str | None = None,
    location: str | None = None,
) -> dict[str, str]:
    """File name → text of the card, ``croissant.json`` and ``datapackage.json`` of ``folder``."""
    facts = read_facts(Path(folder), manifest)
    published = (facts.created_at or "")[:10] or None
    return {
        CARD_NAME: render_card(
            folder, manifest, quality=quality, changes=changes, location=location, facts=facts
        ),
        CROISSANT_NAME: _dump(croissant(facts, citation=bibtex(facts), published=published)),
        DATAPACKAGE_NAME: _dump(datapackage(facts)),
    }


def write_card(
    folder: Path,
    manifest: dict,
    *,
    quality: dict | None = None,
    changes: str | None = None,
    location: str | None = None,
) -> Path:
    """Write the card, ``croissant.json`` and ``datapackage.json`` into ``folder``; return the card's path."""
    folder = Path(folder)
    files = render_files(folder, manifest, quality=quality, changes=changes, location=location)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / CARD_NAME


def render_root_card(
    folder: Path, manifest: dict, root: Path, *, quality: dict | None = None
) -> tuple[str, str]:
    """``(dataset_card.md, .huggingface.yaml)`` texts of ``root`` for the release in ``folder``.

    Their ``data_files`` point into ``folder`` (relative to ``root``), so
    ``datasets.load_dataset(str(root), "events")`` loads that release; ``.huggingface.yaml``
    is the part ``datasets`` reads when the root's README.md has no YAML header.
    """
    folder, root = Path(folder), Path(root)
    prefix = Path(os.path.relpath(folder.resolve(), root.resolve())).as_posix()
    facts = read_facts(folder, manifest)
    text = render_card(
        folder, manifest, quality=quality, location=prefix, data_prefix=prefix + "/", facts=facts
    )
    header = metadata(facts, data_prefix=prefix + "/")
    hub_yaml = yaml.safe_dump(
        {"configs": header["configs"], "dataset_info": header["dataset_info"]},
        sort_keys=False,
        allow_unicode=True,
        width=1000,
    )
    return text, hub_yaml


def write_root_card(folder: Path, manifest: dict, root: Path, *, quality: dict | None = None) -> Path:
    """Write ``root/dataset_card.md`` and ``root/.huggingface.yaml`` for the release in ``folder``."""
    text, hub_yaml = render_root_card(folder, manifest, root, quality=quality)
    path = Path(root) / ROOT_CARD_NAME
    path.write_text(text, encoding="utf-8")
    (Path(root) / HF_YAML_NAME).write_text(hub_yaml, encoding="utf-8")
    return path


@dataclass(frozen=True)
class CardResult:
    """What ``builder card`` wrote."""

    written: tuple[Path, ...]

    def summary_lines(self) -> list[str]:
        return [f"wrote {path}" for path in self.written]

    def to_dict(self) -> dict:
        return {"written": [str(path) for path in self.written]}


def read_manifest(folder: Path) -> dict:
    """The ``manifest.json`` of a build or release folder."""
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        raise BuildFolderError(
            "no manifest.json",
            path=str(folder),
            hint="Pass a build or release folder written by `builder build`",
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise BuildFolderError(
            f"manifest.json is not valid JSON ({error.msg} at line {error.lineno})",
            path=str(path),
            hint="Rebuild the folder with `builder build`",
        ) from None


def build_quality(folder: Path, gold_dir: Path) -> dict:
    """The Quality figures of the build in ``folder`` against ``gold_dir``, as kept in its manifest."""
    from builder.card.quality import manifest_quality
    from builder.evaluate import evaluate

    return manifest_quality(evaluate(Path(folder), Path(gold_dir)).to_dict())


def card_folder(
    folder: Path, *, gold_dir: Path | None = None, root: Path | None = None, changes: str | None = None
) -> CardResult:
    """Re-render the card and metadata of a build (``builder card``); with ``root``, the root card too.

    A release folder is immutable (``builder verify`` checks its card's bytes), so for a release
    only the root card is written, and ``root`` is required. With ``gold_dir`` the Quality
    section is filled by evaluating the folder against it.

    Raises:
        BuildFolderError: for a folder without a manifest, or a release without ``root``.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    version = manifest.get("version")
    if version and root is None:
        raise BuildFolderError(
            f"holds release {version}, which is immutable; its card is not re-rendered",
            path=str(folder),
            hint="Pass --root to refresh the repository's root card for it",
        )
    quality = build_quality(folder, gold_dir) if gold_dir is not None else None
    written: list[Path] = []
    if not version:
        written.append(write_card(folder, manifest, quality=quality, changes=changes))
        written += [folder / CROISSANT_NAME, folder / DATAPACKAGE_NAME]
    if root is not None:
        written.append(write_root_card(folder, manifest, root, quality=quality))
        written.append(Path(root) / HF_YAML_NAME)
    return CardResult(written=tuple(written))
