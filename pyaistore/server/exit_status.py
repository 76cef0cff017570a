"""What a daemon's exit status tells its launcher, and what `serve` does about it.

- 0: the node was asked to stop (SIGTERM/SIGINT, or shutdown/decommission through the API).
  `serve` leaves it stopped, and exits 0 once every node has exited 0.
- 78 (`EX_CONFIG`): the node cannot run as configured: its port is taken, or its data dir
  belongs to another cluster. A restart would fail the same way, so `serve` stops the whole
  cluster and exits 1 with the node's error.
- anything else, or death by a signal: a crash. `serve` restarts the node on the same data
  (the proxy on the same port), at most once a second per node."""

from enum import Enum
from typing import Final

__all__ = ["ASKED_TO_STOP", "CANNOT_RUN", "Verdict", "verdict"]

ASKED_TO_STOP: Final = 0
CANNOT_RUN: Final = 78  # sysexits.h EX_CONFIG


class Verdict(Enum):
    """What the launcher does with a node that exited."""

    LEAVE_STOPPED = "leave stopped"
    GIVE_UP = "give up"
    RESTART = "restart"


def verdict(returncode: int) -> Verdict:
    """The supervision rule (see the module table); a negative code is death by a signal."""
    if returncode == ASKED_TO_STOP:
        return Verdict.LEAVE_STOPPED
    if returncode == CANNOT_RUN:
        return Verdict.GIVE_UP
    return Verdict.RESTART
