"""Wake a waiting ``builder watch`` as soon as something below the raw folder changes.

On Linux the kernel reports changes (inotify, through ``ctypes``: the standard library has no
binding); elsewhere, or when the kernel refuses (no more watches allowed), ``FolderWakeups.wait``
simply sleeps. A wake-up only says "look now": the watch's look at the inputs still decides
what changed, so a lost or spurious event costs at most one look, never a wrong build.
"""

from __future__ import annotations

import ctypes
import errno
import os
import select
import struct
import sys
import time
from pathlib import Path
from types import TracebackType

# from <sys/inotify.h>
_IN_MODIFY, _IN_ATTRIB, _IN_CLOSE_WRITE = 0x2, 0x4, 0x8
_IN_MOVED_FROM, _IN_MOVED_TO, _IN_CREATE, _IN_DELETE = 0x40, 0x80, 0x100, 0x200
_IN_DELETE_SELF, _IN_MOVE_SELF, _IN_Q_OVERFLOW = 0x400, 0x800, 0x4000
_IN_ONLYDIR, _IN_DONT_FOLLOW, _IN_EXCL_UNLINK, _IN_ISDIR = 0x01000000, 0x02000000, 0x04000000, 0x40000000
#: what is watched in every folder: any entry written, created, deleted, moved or re-stamped
_MASK = (
    _IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE
    | _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_ONLYDIR | _IN_DONT_FOLLOW | _IN_EXCL_UNLINK
)
#: events that call for a look whatever the entry's name: a folder, the watched folder itself, lost events
_ALWAYS_LOOK = _IN_ISDIR | _IN_Q_OVERFLOW | _IN_DELETE_SELF | _IN_MOVE_SELF
#: struct inotify_event without its name: wd, mask, cookie, length of the name
_EVENT = struct.Struct("iIII")


def _inotify() -> ctypes.CDLL | None:
    """The C library when it has inotify (Linux), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        # the running interpreter's own symbols include the C library's (no ldconfig lookup)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    except (OSError, AttributeError):
        return None
    return libc


class FolderWakeups:
    """Changes below ``folder`` (its sub-folders included, linked folders not) end a ``wait`` early.

    Example::

        with FolderWakeups(raw_dir) as wakeups:
            wakeups.drain()          # then look at the inputs
            wakeups.wait(5.0)        # True as soon as a file below raw_dir changes
    """

    def __init__(self, folder: Path, *, enabled: bool = True) -> None:
        self.folder = Path(folder)
        self._libc = _inotify() if enabled else None
        self._descriptor: int | None = None
        if self._libc is not None:
            descriptor = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
            if descriptor >= 0:
                self._descriptor = descriptor
                if not self._watch_folders():
                    self.close()

    @property
    def active(self) -> bool:
        """Whether the kernel reports changes (else ``wait`` only sleeps)."""
        return self._descriptor is not None

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True as soon as an input below the folder changed.

        Only changes a look can see end the wait: an entry named ``*.md``, a folder, or the
        folder itself; a log or an editor's swap file written below ``--raw`` does not.
        """
        if self._descriptor is None:
            time.sleep(seconds)
            return False
        # poll, not select: select refuses descriptors numbered 1024 and above
        waiting = select.poll()
        waiting.register(self._descriptor, select.POLLIN)
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            if not waiting.poll(remaining * 1000):
                return False
            if self.drain():
                return True
        return False

    def drain(self) -> bool:
        """Forget the changes reported so far (call it just before looking); True if an input changed.

        A folder created or moved in since is watched from now on.
        """
        if self._descriptor is None:
            return False
        new_folders, relevant = False, False
        while True:
            try:
                data = os.read(self._descriptor, 1 << 16)
            except BlockingIOError:
                break
            except OSError:
                self.close()
                return True
            offset = 0
            while offset + _EVENT.size <= len(data):
                _, mask, _, length = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
                offset += _EVENT.size + length
                if mask & _IN_Q_OVERFLOW or (mask & _IN_ISDIR and mask & (_IN_CREATE | _IN_MOVED_TO)):
                    new_folders = True
                if mask & _ALWAYS_LOOK or name.endswith(b".md"):
                    relevant = True
        if new_folders and not self._watch_folders():
            self.close()
        return relevant

    def close(self) -> None:
        """Stop watching (``wait`` only sleeps from now on)."""
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None

    def __enter__(self) -> FolderWakeups:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _watch_folders(self) -> bool:
        """Watch the folder and every folder below it (linked folders are not entered); False on refusal."""
        assert self._libc is not None and self._descriptor is not None
        root = os.fsencode(self.folder)
        below = [root]
        while below:
            folder = below.pop()
            if self._libc.inotify_add_watch(self._descriptor, folder, _MASK) < 0:
                if ctypes.get_errno() in (errno.ENOENT, errno.ENOTDIR) and folder != root:
                    continue  # gone since it was listed: no loss
                return False  # refused, e.g. no more watches allowed (fs.inotify.max_user_watches)
            try:
                with os.scandir(folder) as entries:
                    below += [entry.path for entry in entries if entry.is_dir(follow_symlinks=False)]
            except OSError:
                continue
        return True
