"""Faults the nodes survive still show in their metrics: a disk that vanishes counts in the
target's `err_fshc_count`, a target that dies in the primary's `err_kalive_count`."""

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from monitoring_it_support import counter, samples_of, scrape_cluster

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster

TIMEOUT = 30.0


@pytest.fixture(autouse=True)
def quick_disk_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Targets started here probe their disks every 0.3 s (default 2 s)."""
    monkeypatch.setenv("PYAISTORE_DISK_CHECK_INTERVAL", "0.3")


def _wait_for(what: str, check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} within {TIMEOUT}s")


def _proxy_count(cluster: LocalCluster, name: str) -> float:
    reply = requests.get(f"{cluster.endpoint}/metrics", timeout=10)
    reply.raise_for_status()
    return float(counter(samples_of(reply.text), f"ais_proxy_{name}"))


def test_a_vanished_disk_and_a_dead_target_are_counted(tmp_path: Path) -> None:
    with LocalCluster(tmp_path / "data", targets=2, mountpaths=2) as cluster:
        client = Client(cluster.endpoint)
        failing_id, failing_index = next(iter(cluster.target_ids().items()))
        healthy_index = 1 - failing_index
        before = scrape_cluster(cluster.endpoint)
        assert all(counter(before[tid], "ais_target_err_fshc_count") == 0 for tid in cluster.target_ids())
        assert _proxy_count(cluster, "err_kalive_count") == 0

        lists = client.cluster().list_mountpaths(failing_id)
        shutil.rmtree(lists.available[0])
        _wait_for(
            "FSHC to disable the deleted mountpath",
            lambda: bool(client.cluster().list_mountpaths(failing_id).disabled),
        )
        after = scrape_cluster(cluster.endpoint)
        assert counter(after[failing_id], "ais_target_err_fshc_count") >= 1
        healthy_id = next(tid for tid, i in cluster.target_ids().items() if i == healthy_index)
        assert counter(after[healthy_id], "ais_target_err_fshc_count") == 0

        cluster.kill_target(healthy_index)
        _wait_for(
            "the primary to count the dead target's missed keepalives",
            lambda: _proxy_count(cluster, "err_kalive_count") >= 1,
        )
