"""``builder.wakeups``: a change below the raw folder ends a watch's wait at once (Linux inotify)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from builder.wakeups import FolderWakeups

#: long enough never to end by itself while the test runs: a wait that returns True was woken
LONG = 30.0


@pytest.fixture()
def wakeups(tmp_path: Path):
    (tmp_path / "raw" / "part-1").mkdir(parents=True)
    with FolderWakeups(tmp_path / "raw") as watcher:
        if not watcher.active:
            pytest.skip("no inotify here: FolderWakeups only sleeps")
        yield watcher


def _soon(action: Callable[[], object]) -> None:
    """Run ``action`` on a thread shortly, while the test waits."""
    threading.Timer(0.2, action).start()


def test_a_wait_without_a_change_runs_out(wakeups: FolderWakeups) -> None:
    assert wakeups.wait(0.2) is False


@pytest.mark.parametrize("change", ["write", "append", "delete", "rename", "move in", "touch"])
def test_a_change_in_a_sub_folder_ends_the_wait(wakeups: FolderWakeups, tmp_path: Path, change: str) -> None:
    article = wakeups.folder / "part-1" / "a.md"
    article.write_text("x", encoding="utf-8")
    outside = tmp_path / "b.md"
    outside.write_text("y", encoding="utf-8")
    wakeups.drain()
    actions = {
        "write": lambda: (wakeups.folder / "part-1" / "new.md").write_text("z", encoding="utf-8"),
        "append": lambda: article.write_text("xx", encoding="utf-8"),
        "delete": article.unlink,
        "rename": lambda: article.rename(article.with_name("c.md")),
        "move in": lambda: outside.rename(wakeups.folder / "part-1" / "b.md"),
        "touch": lambda: os.utime(article, (1, 1)),
    }
    _soon(actions[change])
    assert wakeups.wait(LONG) is True


def test_a_folder_made_after_the_start_is_watched_too(wakeups: FolderWakeups) -> None:
    _soon(lambda: (wakeups.folder / "part-2" / "deeper").mkdir(parents=True))
    assert wakeups.wait(LONG) is True
    while wakeups.wait(0.2):  # the folder's own events
        pass
    _soon(lambda: (wakeups.folder / "part-2" / "deeper" / "a.md").write_text("x", encoding="utf-8"))
    assert wakeups.wait(LONG) is True


def test_files_a_look_ignores_do_not_end_the_wait(wakeups: FolderWakeups) -> None:
    _soon(lambda: (wakeups.folder / "part-1" / "notes.txt").write_text("x", encoding="utf-8"))
    _soon(lambda: (wakeups.folder / ".a.md.swp").write_text("x", encoding="utf-8"))
    assert wakeups.wait(0.6) is False


def test_drain_forgets_what_happened_before_it(wakeups: FolderWakeups) -> None:
    (wakeups.folder / "part-1" / "a.md").write_text("x", encoding="utf-8")
    assert wakeups.drain() is True
    assert wakeups.drain() is False
    assert wakeups.wait(0.2) is False


def test_a_linked_folder_is_not_entered(wakeups: FolderWakeups, tmp_path: Path) -> None:
    # builder never reads through a linked folder, so changes there are not the watch's business
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (wakeups.folder / "linked").symlink_to(elsewhere)
    with FolderWakeups(wakeups.folder) as fresh:
        (elsewhere / "a.md").write_text("x", encoding="utf-8")
        assert fresh.wait(0.3) is False


def test_without_inotify_a_wait_only_sleeps(tmp_path: Path) -> None:
    with FolderWakeups(tmp_path, enabled=False) as sleeper:
        assert not sleeper.active
        (tmp_path / "a.md").write_text("x", encoding="utf-8")
        assert sleeper.wait(0.05) is False and sleeper.drain() is False


def test_closing_stops_the_wakeups(wakeups: FolderWakeups) -> None:
    wakeups.close()
    assert not wakeups.active
    (wakeups.folder / "part-1" / "a.md").write_text("x", encoding="utf-8")
    assert wakeups.wait(0.05) is False


def test_a_descriptor_numbered_past_1024_still_wakes(tmp_path: Path) -> None:
    # a long-running process may hold many files; select() cannot wait on such a descriptor
    import resource

    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 1200:
        pytest.skip("this process may not open 1,200 files")
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        with FolderWakeups(tmp_path) as late:
            if not late.active:
                pytest.skip("no inotify here")
            _soon(lambda: (tmp_path / "a.md").write_text("x", encoding="utf-8"))
            assert late.wait(LONG) is True
    finally:
        for descriptor in held:
            os.close(descriptor)
