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
