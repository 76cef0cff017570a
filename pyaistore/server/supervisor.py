"""`serve`'s supervision: restart a node that crashed, leave one that was asked to stop.

The rule, by exit status, is server/exit_status.py's: 0 means asked to stop (not restarted;
when every node has exited 0, `serve` exits 0), 78 means the node cannot run as configured
(`serve` gives up with its error), anything else is a crash (restarted on the same data, the
proxy on the same port, at most once a second per node).
"""

import subprocess
import time
from collections.abc import Callable
from typing import Final, Protocol

from pyaistore.server import exit_status
from pyaistore.server.exit_status import Verdict

__all__ = ["MIN_RESTART_INTERVAL", "NodeCannotRun", "Nodes", "supervise"]

MIN_RESTART_INTERVAL: Final = 1.0
POLL_INTERVAL: Final = 0.2


class NodeCannotRun(RuntimeError):
    """A node exited with the status that says restarting it would fail the same way."""


class Nodes(Protocol):
    """What the supervisor needs of a cluster launcher (LocalCluster)."""

    started_at: dict[str, float]

    def node_names(self) -> list[str]:
        """Every node's name (proxy, target-0, ...)."""

    def process(self, name: str) -> "subprocess.Popen[bytes] | None":
        """The node's current process, None once it is left stopped."""

    def restart_node(self, name: str) -> None:
        """Start the node again on its data (and the proxy on its port)."""

    def forget(self, name: str) -> None:
        """Stop watching a node that exited for good."""

    def log_tail(self, name: str, lines: int = ...) -> str:
        """The end of the node's log."""


def supervise(nodes: Nodes, stopping: Callable[[], bool], say: Callable[[str], None] = print) -> int:
    """Watch the nodes until `stopping()` or until every node has exited 0; return 0.

    Raises NodeCannotRun (see the module docstring), and whatever restarting the proxy raises.
    """
    left_stopped: set[str] = set()
    while not stopping():
        for name in nodes.node_names():
            proc = nodes.process(name)
            if proc is None or proc.poll() is None:
                continue
            code = proc.returncode
            decision = exit_status.verdict(code)
            if decision is Verdict.LEAVE_STOPPED:
                say(f"{name} stopped (exit status 0: it was asked to); not restarting it")
                nodes.forget(name)
                left_stopped.add(name)
            elif decision is Verdict.GIVE_UP:
                raise NodeCannotRun(f"{name} cannot run (exit status {code}):\n{nodes.log_tail(name)}")
            elif time.monotonic() - nodes.started_at.get(name, 0.0) >= MIN_RESTART_INTERVAL:
                say(f"{name} exited ({code}); restarting it")
                nodes.restart_node(name)
        if left_stopped == set(nodes.node_names()):
            say("every node has stopped")
            return 0
        time.sleep(POLL_INTERVAL)
    return 0
