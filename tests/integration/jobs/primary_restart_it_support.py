"""Helpers of the primary-restart tests: kill the primary while a job runs, start it (and targets) again."""

import json
import time
from typing import Any

from jobs_it_support import job_query

from pyaistore.server.local_cluster import LocalCluster


def record(cluster: LocalCluster, job_id: str) -> dict[str, Any]:
    """The primary's persisted record of a job (read from its data dir)."""
    data = json.loads((cluster.data_dir / "proxy" / "jobs" / f"{job_id}.json").read_text())
    assert isinstance(data, dict)
    return data


def wait_under_way(cluster: LocalCluster, job_id: str, timeout: float = 30) -> None:
    """Wait until some target has processed objects of the job and the job has not finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = job_query(cluster.endpoint, "status", {"ID": job_id}).json()
        assert status["end_time"] == 0, f"job {job_id} finished before the primary could be killed"
        details = job_query(cluster.endpoint, "qryxstats", {"ID": job_id}).json()
        if any(int(s["stats"]["loc-objs"]) > 0 for snaps in details.values() for s in snaps):
            return
        time.sleep(0.02)
    raise TimeoutError(f"job {job_id} made no progress in {timeout}s")


def kill_primary(cluster: LocalCluster) -> None:
    """SIGKILL the primary and reap it."""
    proc = cluster.proxy
    assert proc is not None
    proc.kill()
    proc.wait(timeout=30)
    cluster.forget("proxy")


def kill_primary_mid_job(cluster: LocalCluster, job_id: str) -> None:
    """Kill the primary while the job runs; its persisted record must then say running."""
    wait_under_way(cluster, job_id)
    kill_primary(cluster)
    assert record(cluster, job_id)["state"] == "running"


def restart(cluster: LocalCluster, targets: bool = False) -> None:
    """Start the primary again (and, with `targets`, kill and start every target too), until ready."""
    if targets:
        for index in range(cluster.num_targets):
            cluster.kill_target(index)
    cluster.restart_node("proxy")
    if targets:
        for index in range(cluster.num_targets):
            cluster.restart_node(f"target-{index}")
    cluster.wait_ready(cluster.num_targets)
