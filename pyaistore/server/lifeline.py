"""A launcher's lifeline: daemons stop when the process that started them dies, however it dies.

The launcher (`serve`, `LocalCluster`, a test) opens a pipe and keeps both ends; each daemon it
starts inherits only the read end and is told its number with `--lifeline-fd`. Nobody ever
writes to the pipe. When the launcher exits, even by `kill -9`, the kernel closes its write end,
the daemon's read end becomes readable at end-of-file, and the daemon stops.

Why a pipe rather than `prctl(PR_SET_PDEATHSIG)`: that signal fires when the *thread* that
started the child ends, so nodes started from a worker thread (a test helper, a pool) would be
killed early; and it needs a separate check for a launcher that died before the call. The pipe
has neither problem. The write end is never inherited (Python's fds are close-on-exec), so a
daemon's own children cannot keep it open; each daemon's children watch the daemon in turn
(HTTP workers by their pipe, transform servers by their parent PID).
"""

import asyncio
import os
from collections.abc import Callable
from typing import Final

__all__ = ["FLAG", "Lifeline", "watch"]

FLAG: Final = "--lifeline-fd"


class Lifeline:
    """The launcher's side: the pipe whose read end its daemons inherit."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()

    @property
    def fd(self) -> int:
        """The read end, to pass to a child (`pass_fds`)."""
        return self._read

    def args(self) -> list[str]:
        """The daemon's command-line flags naming the read end."""
        return [FLAG, str(self._read)]

    def close(self) -> None:
        """Close both ends: every daemon still watching stops."""
        for fd in (self._read, self._write):
            try:
                os.close(fd)
            except OSError:
                pass


def watch(fd: int, on_lost: Callable[[], None]) -> None:
    """The daemon's side: call `on_lost` in the running loop once the launcher is gone."""
    loop = asyncio.get_running_loop()

    def readable() -> None:
        try:
            data = os.read(fd, 1)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # end of file: the launcher's end is closed
            loop.remove_reader(fd)
            on_lost()

    os.set_blocking(fd, False)
    loop.add_reader(fd, readable)
