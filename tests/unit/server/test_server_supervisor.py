"""serve's supervision loop over real (tiny) processes: restart a crash, leave exit 0, give up on 78."""

import subprocess
import sys
import time

import pytest

from pyaistore.server import supervisor


class ScriptedNodes:
    """Nodes whose processes exit with given codes; restarts run the next code of the node."""

    def __init__(self, codes: dict[str, list[int]]) -> None:
        self._codes = codes
        self.procs: dict[str, subprocess.Popen[bytes] | None] = {}
        self.started_at: dict[str, float] = {}
        self.restarts: list[str] = []
        for name in codes:
            self._start(name)

    def _start(self, name: str) -> None:
        code = self._codes[name].pop(0)
        self.procs[name] = subprocess.Popen([sys.executable, "-c", f"raise SystemExit({code})"])
        self.started_at[name] = time.monotonic() - supervisor.MIN_RESTART_INTERVAL

    def node_names(self) -> list[str]:
        return list(self._codes)

    def process(self, name: str) -> "subprocess.Popen[bytes] | None":
        return self.procs[name]

    def restart_node(self, name: str) -> None:
        self.restarts.append(name)
        self._start(name)

    def forget(self, name: str) -> None:
        self.procs[name] = None

    def log_tail(self, name: str, lines: int = 5) -> str:
        return f"{name}: the end of its log"


def test_a_crash_is_restarted_and_exit_0_everywhere_ends_supervision() -> None:
    nodes = ScriptedNodes({"proxy": [0], "target-0": [3, 0]})
    said: list[str] = []
    assert supervisor.supervise(nodes, lambda: False, said.append) == 0
    assert nodes.restarts == ["target-0"]
    assert "target-0 exited (3); restarting it" in said
    assert said[-1] == "every node has stopped"


def test_a_node_that_cannot_run_stops_supervision_with_its_log() -> None:
    nodes = ScriptedNodes({"proxy": [78]})
    with pytest.raises(supervisor.NodeCannotRun, match="proxy: the end of its log"):
        supervisor.supervise(nodes, lambda: False, lambda _: None)
    assert nodes.restarts == []


def test_stopping_ends_supervision_at_once() -> None:
    nodes = ScriptedNodes({"proxy": [5]})
    assert supervisor.supervise(nodes, lambda: True, lambda _: None) == 0
    assert nodes.restarts == []
