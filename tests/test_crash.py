"""Crash safety (issue 6 item 3): SIGKILL ``builder build`` and ``builder release`` at varied points.

After every kill, each earlier release (and the earlier build) still passes verify, the new
version is absent or complete and verifiable, and the next run cleans what the killed one left.
Kill points are both timed (during imports, reading, writing) and triggered by what appears on
disk (the hidden staging folder, its manifest, the renamed release).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from builder.pipeline import build
from builder.release.verify import verify_folder

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
#: the articles the first build and release are made of; later runs add one more each
FIRST = sorted(RAW.glob("*.md"))[:4]
LATER = sorted(RAW.glob("*.md"))[4:]


def _builder(*args: str | Path, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1735689600"}
    return subprocess.Popen(
        [sys.executable, "-m", "builder", *map(str, args)],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def run_and_kill(process: subprocess.Popen, trigger: float | Callable[[], bool], limit: float = 120) -> bool:
    """SIGKILL ``process`` after ``trigger`` seconds or once ``trigger()`` holds; False if it ended first."""
    started = time.monotonic()
    while process.poll() is None:
        due = time.monotonic() - started >= trigger if isinstance(trigger, float) else trigger()
        if due:
            process.send_signal(signal.SIGKILL)
            process.communicate()
            return True
        assert time.monotonic() - started < limit, "builder did not finish"
        time.sleep(0.002)
    process.communicate()
    return False


def assert_verifies(folder: Path) -> None:
    checked, problems = verify_folder(folder)
    assert checked > 0 and not problems, [problem.line() for problem in problems]


def hidden_leftovers(parent: Path) -> list[str]:
    return sorted(path.name for path in parent.iterdir() if ".tmp-" in path.name or ".old-" in path.name)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "raw").mkdir()
    (tmp_path / "root").mkdir()
    for path in FIRST:
        shutil.copy(path, tmp_path / "raw" / path.name)
    build(tmp_path / "raw", tmp_path / "build")
    return tmp_path


def _staging_exists(parent: Path, name: str) -> Callable[[], bool]:
    return lambda: any(path.name.startswith(f".{name}.tmp-") for path in parent.iterdir())


def _staged_manifest_exists(parent: Path, name: str) -> Callable[[], bool]:
    def staged() -> bool:
        folders = [path for path in parent.iterdir() if path.name.startswith(f".{name}.tmp-")]
        return any((path / "manifest.json").exists() for path in folders)

    return staged


#: where builds are killed: seconds after start (imports, reading, extraction) or what appeared on disk
BUILD_KILL_POINTS = [0.3, "staging", "staged manifest", 1.2, 2.0, 2.8]
#: the default run kills at two points; ``pytest -m slow`` sweeps them all
QUICK, SWEEP = 2, len(BUILD_KILL_POINTS)


@pytest.mark.parametrize(
    "points", [QUICK, pytest.param(SWEEP, marks=pytest.mark.slow)], ids=["quick", "sweep"]
)
def test_build_sigkill_keeps_previous_build_and_next_run_cleans(workspace: Path, points: int) -> None:
    build_dir = workspace / "build"
    before = (build_dir / "manifest.json").read_bytes()
    killed = []
    for point, extra in zip(BUILD_KILL_POINTS[:points], LATER, strict=False):
        shutil.copy(extra, workspace / "raw" / extra.name)
        trigger = {
            "staging": _staging_exists(workspace, "build"),
            "staged manifest": _staged_manifest_exists(workspace, "build"),
        }.get(point, point)
        process = _builder("build", "--raw", "raw", "--out", "build", "--quiet", cwd=workspace)
        killed.append(run_and_kill(process, trigger))
        # the folder is the previous build or the new one, complete either way
        assert_verifies(build_dir)
        report = build(workspace / "raw", build_dir)
        assert report.articles == len(list((workspace / "raw").glob("*.md")))
        assert_verifies(build_dir)
        assert hidden_leftovers(workspace) == []
    assert (build_dir / "manifest.json").read_bytes() != before
    assert sum(killed) >= points // 2, killed


def _release(workspace: Path) -> subprocess.Popen:
    return _builder(
        "release", "--build", "build", "--releases", "releases", "--raw", "raw", "--root", "root",
        "--notes", "crash test", cwd=workspace,
    )


def _versions(releases: Path) -> list[str]:
    names = (path.name for path in releases.iterdir() if path.is_dir() and not path.name.startswith("."))
    return sorted(names, key=lambda version: tuple(map(int, version.split("."))))


def _more_versions_than(releases: Path, count: int) -> Callable[[], bool]:
    return lambda: len(_versions(releases)) > count


#: where releases are killed; the default run takes the first, ``pytest -m slow`` all six
RELEASE_KILL_POINTS = ["staging", "renamed", 0.4, "staged manifest", 1.5, 2.5]


@pytest.mark.parametrize(
    "points", [1, pytest.param(len(RELEASE_KILL_POINTS), marks=pytest.mark.slow)], ids=["quick", "sweep"]
)
def test_release_sigkill_keeps_earlier_releases_and_next_run_cleans(workspace: Path, points: int) -> None:
    releases = workspace / "releases"
    first = _release(workspace)
    out, err = first.communicate()
    assert first.returncode == 0, err
    killed = []
    for point, extra in zip(RELEASE_KILL_POINTS[:points], LATER, strict=False):
        earlier = _versions(releases)
        shutil.copy(extra, workspace / "raw" / extra.name)
        build(workspace / "raw", workspace / "build")
        trigger = {
            "staging": lambda: any(".tmp-" in path.name for path in releases.iterdir()),
            "staged manifest": lambda: any(
                (path / "manifest.json").exists() for path in releases.iterdir() if ".tmp-" in path.name
            ),
            "renamed": _more_versions_than(releases, len(earlier)),
        }.get(point, point)
        killed.append(run_and_kill(_release(workspace), trigger))
        now = _versions(releases)
        assert now[: len(earlier)] == earlier and len(now) <= len(earlier) + 1
        for version in now:  # earlier releases intact; a new one only if complete
            assert_verifies(releases / version)
        again = _release(workspace)
        out, err = again.communicate()
        if len(now) == len(earlier):
            assert again.returncode == 0, err
        else:  # the killed run had already put the new release in place
            assert again.returncode == 1 and err.startswith("Error: ") and err.count("\n") == 1, err
        final = _versions(releases)
        assert len(final) == len(earlier) + 1
        for version in final:
            assert_verifies(releases / version)
        assert (releases / "LATEST").read_text().strip() == final[-1]
        assert hidden_leftovers(releases) == []
    # on-disk triggers can miss a short window on a loaded machine; the sweep's timed points cannot
    assert sum(killed) >= points // 2, killed
    verify = _builder("verify", "--all", "--releases", "releases", cwd=workspace)
    out, err = verify.communicate()
    assert verify.returncode == 0, out + err
    assert out.splitlines()[-1].endswith("OK") and f"in {len(_versions(releases))} folders" in out


def test_release_two_at_once_one_waits_or_fails_clearly(workspace: Path) -> None:
    releases = workspace / "releases"
    processes = [_release(workspace), _release(workspace)]
    results = [(process.wait(), *process.communicate()) for process in processes]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    _, _, err = next(result for result in results if result[0] == 1)
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert _versions(releases) == ["1.0.0"]
    assert_verifies(releases / "1.0.0")
    assert hidden_leftovers(releases) == []
