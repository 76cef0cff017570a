"""A target dropped from the map, for whatever reason, notices within one keepalive and joins again."""

import os
import signal
import time
from pathlib import Path

import requests

from pyaistore.server.local_cluster import LocalCluster

INTERVAL = 1.0  # keepalive_interval
TIMEOUT = 6.0  # keepalive_timeout
# One keepalive (it answers 404), the join, and scheduling slack on two shared cores.
BACK_WITHIN = INTERVAL + 2.0


def target_ids(endpoint: str) -> set[str]:
    return set(requests.get(f"{endpoint}/v1/daemon?what=smap", timeout=10).json()["tmap"])


def test_a_dropped_target_is_back_one_keepalive_later(tmp_path: Path) -> None:
    cluster = LocalCluster(tmp_path / "data", port=0, targets=2)
    try:
        cluster.start()
        victim = (cluster.data_dir / "target-1" / "node_id").read_text().strip()
        proc = cluster.targets[1]
        assert proc is not None
        # Frozen past the keepalive timeout (its keepalive thread too): the primary drops it.
        os.kill(proc.pid, signal.SIGSTOP)
        try:
            deadline = time.monotonic() + TIMEOUT + 6
            while victim in target_ids(cluster.endpoint):
                assert time.monotonic() < deadline, "the frozen target was never dropped"
                time.sleep(0.1)
        finally:
            os.kill(proc.pid, signal.SIGCONT)
        resumed = time.monotonic()
        while victim not in target_ids(cluster.endpoint):
            assert time.monotonic() - resumed < BACK_WITHIN, "the target did not join again in time"
            time.sleep(0.05)
        print(f"back in the map {time.monotonic() - resumed:.2f}s after it resumed")
    finally:
        cluster.stop()
