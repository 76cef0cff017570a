"""Control of a running cluster's nodes, as the supervisor (server/supervisor.py) and the tests
use it: list them, find a node's process, kill a target, forget a node that exited for good, and
stop them all.
"""

import signal
import subprocess
from typing import Final

from pyaistore.process_termination import terminate
from pyaistore.server.local_nodes import PROXY, LocalNodes, target_index

__all__ = ["STOP_TIMEOUT", "NodeControl"]

# Seconds the nodes have to exit on SIGTERM before `stop` kills them.
STOP_TIMEOUT: Final = 10.0


class NodeControl(LocalNodes):
    """The nodes' processes by name, and stopping them."""

    def node_names(self) -> list[str]:
        """Every node's name: proxy, target-0, target-1, ..."""
        return [PROXY, *(f"target-{index}" for index in range(self.num_targets))]

    def process(self, name: str) -> "subprocess.Popen[bytes] | None":
        """The current process of the node called `name`."""
        return self.proxy if name == PROXY else self.targets[target_index(name)]

    def forget(self, name: str) -> None:
        """Drop a node that exited for good from the processes watched."""
        if name == PROXY:
            self.proxy = None
        else:
            self.targets[target_index(name)] = None

    def kill_target(self, index: int, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to target `index` and reap it."""
        proc = self.targets[index]
        if proc is not None and proc.poll() is None:
            proc.send_signal(sig)
            proc.wait(timeout=30)
        self.targets[index] = None

    def stop(self) -> None:
        """Stop every node: SIGTERM, then SIGKILL whatever lingers."""
        procs = [p for p in (*self.targets, self.proxy) if p is not None]
        terminate(procs, STOP_TIMEOUT)
        self.proxy = None
        self.targets = [None] * self.num_targets
        self.security.stop()
        if self._lifeline is not None:
            self._lifeline.close()
            self._lifeline = None
