"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def card_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real build of ``data/raw`` (gold-replay extractions) at ``<tmp>/build``, with its card.

    Read-only for tests: copy it before changing anything.
    """
    from tests.card_build import write_test_build

    folder = tmp_path_factory.mktemp("card") / "build"
    write_test_build(folder)
    return folder


@pytest.fixture(scope="session")
def eventless_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real ``builder build`` of two articles that report no event (gold negatives): empty event tables."""
    import shutil

    from builder.pipeline import build
    from tests.card_build import RAW_DIR

    base = tmp_path_factory.mktemp("eventless")
    raw = base / "raw"
    raw.mkdir()
    for name in ("4hou-2022-11-12-ce74a395.md", "anquanke-2025-08-05-6bcb62c6.md"):
        shutil.copy(RAW_DIR / name, raw / name)
    build(raw, base / "build")
    return base / "build"
