"""A dead target leaves the map within about two keepalive intervals; a stalled one never does
before the keepalive timeout (reference §1.3; cluster/liveness.py)."""

import os
import signal
import time

from raw_protocol import poll, smap_json

from pyaistore.server.local_cluster import LocalCluster

INTERVAL = 1.0  # keepalive_interval
TIMEOUT = 6.0  # keepalive_timeout
DEAD_WITHIN = 2 * INTERVAL + 2.0  # two missed keepalives, a probe, and scheduling slack; well under TIMEOUT
STALL = 2 * INTERVAL + 1.5  # longer than two intervals, shorter than the timeout


def target_pid(cluster: LocalCluster, index: int) -> int:
    """The PID of target `index`'s main process."""
    proc = cluster.targets[index]
    assert proc is not None
    return proc.pid


def test_a_killed_target_is_dropped_after_two_missed_keepalives(private_cluster: LocalCluster) -> None:
    endpoint = private_cluster.endpoint
    victim = (private_cluster.data_dir / "target-1" / "node_id").read_text().strip()
    assert victim in smap_json(endpoint)["tmap"]
    killed = time.monotonic()
    private_cluster.kill_target(1, signal.SIGKILL)
    poll(lambda: victim not in smap_json(endpoint)["tmap"], TIMEOUT + 4, "the dead target to leave", 0.05)
    elapsed = time.monotonic() - killed
    assert elapsed < DEAD_WITHIN, f"removed after {elapsed:.1f}s: the keepalive timeout, not the probe"
    private_cluster.start_target(1)
    private_cluster.wait_ready(2)


def test_a_stalled_target_is_kept(private_cluster: LocalCluster) -> None:
    endpoint = private_cluster.endpoint
    before = smap_json(endpoint)
    pid = target_pid(private_cluster, 1)
    os.kill(pid, signal.SIGSTOP)
    try:
        resumed = time.monotonic() + STALL
        while time.monotonic() < resumed:
            smap = smap_json(endpoint)
            assert smap["tmap"] == before["tmap"] and smap["version"] == before["version"]
            time.sleep(0.05)
    finally:
        os.kill(pid, signal.SIGCONT)
    # Past the stall, the target answers again; it must still not be dropped meanwhile.
    settled = time.monotonic() + 2 * INTERVAL
    while time.monotonic() < settled:
        smap = smap_json(endpoint)
        assert smap["tmap"] == before["tmap"] and smap["version"] == before["version"]
        time.sleep(0.05)
    private_cluster.wait_ready(2)
