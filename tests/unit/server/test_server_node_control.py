"""Control of a cluster's nodes over real (tiny) processes: names, kill a target, forget, stop all."""

import signal
import subprocess
import sys
from pathlib import Path

from pyaistore.server.listen_ports import free_port
from pyaistore.server.local_cluster import LocalCluster


def _sleeper() -> "subprocess.Popen[bytes]":
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def _cluster(tmp_path: Path) -> LocalCluster:
    cluster = LocalCluster(tmp_path, port=free_port(), targets=2)
    cluster.proxy = _sleeper()
    cluster.targets = [_sleeper(), _sleeper()]
    return cluster


def test_every_node_is_reached_by_its_name(tmp_path: Path) -> None:
    cluster = _cluster(tmp_path)
    try:
        assert cluster.node_names() == ["proxy", "target-0", "target-1"]
        assert [cluster.process(name) for name in cluster.node_names()] == [cluster.proxy, *cluster.targets]
        cluster.forget("target-1")
        assert cluster.process("target-1") is None and cluster.targets[0] is not None
    finally:
        cluster.stop()


def test_kill_target_reaps_it_with_the_signal(tmp_path: Path) -> None:
    cluster = _cluster(tmp_path)
    try:
        proc = cluster.targets[0]
        assert proc is not None
        cluster.kill_target(0, signal.SIGTERM)
        assert proc.returncode == -signal.SIGTERM and cluster.targets[0] is None
    finally:
        cluster.stop()


def test_stop_ends_every_process(tmp_path: Path) -> None:
    cluster = _cluster(tmp_path)
    procs = [cluster.proxy, *cluster.targets]
    cluster.stop()
    assert all(proc is not None and proc.returncode is not None for proc in procs)
    assert cluster.proxy is None and cluster.targets == [None, None]
