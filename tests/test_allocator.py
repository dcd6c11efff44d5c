"""builder.allocator: a builder process asks Arrow for jemalloc before pyarrow loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.allocator import ARROW_POOL_VARIABLE, prefer_jemalloc

ROOT = Path(__file__).resolve().parents[1]


def test_jemalloc_is_asked_for_on_linux_before_pyarrow_loads() -> None:
    environ: dict[str, str] = {}
    assert prefer_jemalloc(environ, loaded=set(), platform="linux")
    assert environ == {ARROW_POOL_VARIABLE: "jemalloc"}
    # an empty variable is no choice
    environ = {ARROW_POOL_VARIABLE: ""}
    assert prefer_jemalloc(environ, loaded=set(), platform="linux")
    assert environ == {ARROW_POOL_VARIABLE: "jemalloc"}


@pytest.mark.parametrize(
    ("environ", "loaded", "platform"),
    [
        ({ARROW_POOL_VARIABLE: "system"}, set(), "linux"),
        ({}, {"pyarrow"}, "linux"),
        ({}, set(), "win32"),
        ({}, set(), "darwin"),
    ],
    ids=["the user chose", "pyarrow already loaded", "windows", "macos"],
)
def test_nothing_is_asked_when_the_choice_is_made_too_late_or_not_ours(environ, loaded, platform) -> None:
    before = dict(environ)
    assert not prefer_jemalloc(environ, loaded=loaded, platform=platform)
    assert environ == before


def _pool_of_a_builder_process(environment: dict[str, str]) -> str:
    code = "import builder.cli, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Unsupported backend" not in done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="jemalloc is asked for on Linux only")
def test_a_builder_process_allocates_from_jemalloc_unless_the_environment_chooses() -> None:
    import pyarrow as pa

    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this pyarrow is built without jemalloc")
    environment = {name: value for name, value in os.environ.items() if name != ARROW_POOL_VARIABLE}
    assert _pool_of_a_builder_process(environment) == "jemalloc"
    assert _pool_of_a_builder_process({**environment, ARROW_POOL_VARIABLE: "system"}) == "system"
