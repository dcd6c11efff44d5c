"""builder.allocator: a builder process asks Arrow for jemalloc before pyarrow loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.allocator import ARROW_CONFIG_HEADER, ARROW_POOL_VARIABLE, arrow_has_jemalloc, prefer_jemalloc

ROOT = Path(__file__).resolve().parents[1]


def test_jemalloc_is_asked_for_before_pyarrow_loads() -> None:
    environ: dict[str, str] = {}
    assert prefer_jemalloc(environ, loaded=set(), has_jemalloc=lambda: True)
    assert environ == {ARROW_POOL_VARIABLE: "jemalloc"}
    # an empty variable is no choice
    environ = {ARROW_POOL_VARIABLE: ""}
    assert prefer_jemalloc(environ, loaded=set(), has_jemalloc=lambda: True)
    assert environ == {ARROW_POOL_VARIABLE: "jemalloc"}


@pytest.mark.parametrize(
    ("environ", "loaded", "has_jemalloc"),
    [
        ({ARROW_POOL_VARIABLE: "system"}, set(), True),
        ({}, {"pyarrow"}, True),
        ({}, set(), False),
    ],
    ids=["the user chose", "pyarrow already loaded", "pyarrow without jemalloc"],
)
def test_nothing_is_asked_when_the_choice_is_made_too_late_or_not_ours(environ, loaded, has_jemalloc) -> None:
    before = dict(environ)
    assert not prefer_jemalloc(environ, loaded=loaded, has_jemalloc=lambda: has_jemalloc)
    assert environ == before


def test_jemalloc_is_read_off_the_build_configuration_pyarrow_ships() -> None:
    import pyarrow as pa

    header = Path(pa.__file__).parent / ARROW_CONFIG_HEADER
    if not header.is_file():
        assert not arrow_has_jemalloc()
        return
    try:
        pa.jemalloc_memory_pool()
        built_with_jemalloc = True
    except NotImplementedError:
        built_with_jemalloc = False
    assert arrow_has_jemalloc() == built_with_jemalloc


def _pool_of_a_builder_process(environment: dict[str, str]) -> str:
    code = "import builder.cli, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Unsupported backend" not in done.stderr
    return done.stdout.strip()


def test_a_builder_process_allocates_from_jemalloc_unless_the_environment_chooses() -> None:
    if not arrow_has_jemalloc():
        pytest.skip("this pyarrow is built without jemalloc")
    environment = {name: value for name, value in os.environ.items() if name != ARROW_POOL_VARIABLE}
    assert _pool_of_a_builder_process(environment) == "jemalloc"
    assert _pool_of_a_builder_process({**environment, ARROW_POOL_VARIABLE: "system"}) == "system"
