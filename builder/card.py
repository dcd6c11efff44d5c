"""Stage 6: render the Hugging Face dataset card from the schema and a build's manifest."""

from __future__ import annotations

from pathlib import Path


def render_card(folder: Path, manifest: dict) -> str:
    """The card (README.md with YAML front matter) of the build or release in ``folder``."""
    raise NotImplementedError


def write_card(folder: Path, manifest: dict) -> Path:
    """Render the card of ``folder`` into ``folder/README.md`` and return its path."""
    path = folder / "README.md"
    path.write_text(render_card(folder, manifest), encoding="utf-8")
    return path
