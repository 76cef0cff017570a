"""Stop `serve` when the `make` that runs it is interrupted (`make serve`, then SIGINT to make alone).

Ctrl-C in a terminal reaches the whole process group, `serve` included. A SIGINT sent to make's
PID alone does not: GNU make then stops catching SIGINT and waits for its children to exit,
which `serve` never does by itself, so both hang. Linux shows the change in
`/proc/<make>/status`: SIGINT leaves the caught-signals mask (`SigCgt`). `serve` reads it on
each supervision poll and stops as if it had been interrupted. Only a parent named make is
watched (another parent may change its handlers for its own reasons); elsewhere, and where
/proc is missing, nothing is watched.
"""

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Final

__all__ = ["make_interrupted"]

_MAKE_NAMES: Final = frozenset({"make", "gmake"})
_CAUGHT: Final = "SigCgt:"


def _catches_sigint(pid: int) -> bool | None:
    """Whether the process catches SIGINT (None when /proc cannot tell)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(_CAUGHT):
            return bool(int(line.split()[1], 16) >> (signal.SIGINT - 1) & 1)
    return None


def make_interrupted() -> Callable[[], bool]:
    """A check that answers True once the make that started this process has been interrupted."""
    parent = os.getppid()
    try:
        name = Path(f"/proc/{parent}/comm").read_text().strip()
    except OSError:
        return lambda: False
    if name not in _MAKE_NAMES or not _catches_sigint(parent):
        return lambda: False

    def interrupted() -> bool:
        return os.getppid() == parent and _catches_sigint(parent) is False

    return interrupted
