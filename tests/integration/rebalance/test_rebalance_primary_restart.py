"""The primary is killed while a rebalance runs: after its restart the interrupted generation reports
aborted with the reason, and a new one moves every object to its owner."""

import concurrent.futures
import json
import time
from pathlib import Path

from aistore.sdk import Client
from rebalance_it_support import generations, only_on_owner, payload, wait_rebalance

from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 3000
SIZE = 4096


def _running_generation(client: Client, after: int, timeout: float = 60) -> int:
    """Wait until a generation newer than `after` runs (none of them may have finished yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        newer = {n: done for n, done in generations(client).items() if n > after}
        assert not any(newer.values()), f"the rebalance ended before the primary could be killed: {newer}"
        if newer:
            return int(max(newer))
        time.sleep(0.02)
    raise TimeoutError(f"no rebalance after g{after} started in {timeout}s")


def _wait_recorded(record_file: Path, timeout: float = 30) -> None:
    """Wait for the job's record on disk: the job is listed the moment it starts, and its record is
    written (fsynced) just after, before any target is asked to run it."""
    deadline = time.monotonic() + timeout
    while not record_file.exists():
        assert time.monotonic() < deadline, f"{record_file.name} was never written"
        time.sleep(0.005)


def _kill_primary(cluster: LocalCluster) -> None:
    assert cluster.proxy is not None
    cluster.proxy.kill()
    cluster.proxy.wait(timeout=30)
    cluster.forget("proxy")


def _wrong_bytes(client: Client, bucket: str, names: list[str]) -> list[str]:
    handle = client.bucket(bucket)

    def wrong(name: str) -> bool:
        return bool(handle.object(name).get_reader().read_all() != payload(name, SIZE))

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return [name for name, bad in zip(names, pool.map(wrong, names), strict=True) if bad]


def test_a_rebalance_interrupted_by_the_primary_is_redone(tmp_path: Path) -> None:
    with LocalCluster(tmp_path, targets=2) as cluster:
        client = Client(cluster.endpoint)
        bucket = client.bucket("reb").create()
        names = [f"o-{i:05}" for i in range(OBJECTS)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda n: bucket.object(n).get_writer().put_content(payload(n, SIZE)), names))
        before = max(generations(client), default=0)
        cluster.add_target()
        interrupted = _running_generation(client, before)
        record_file = tmp_path / "proxy" / "jobs" / f"g{interrupted}.json"
        _wait_recorded(record_file)
        _kill_primary(cluster)
        record = json.loads(record_file.read_text())
        assert record["state"] == "running"
        cluster.restart_node("proxy")
        cluster.wait_ready(3)
        assert wait_rebalance(client, interrupted) > interrupted
        old = client.job(job_id=f"g{interrupted}").status()
        assert old.aborted and old.end_time and "primary restarted" in old.err
        assert only_on_owner(cluster, "reb", names) == []
        assert _wrong_bytes(client, "reb", names) == []
