"""A rebalance stopped by hand ends aborted and incomplete: nothing is lost, every GET still
succeeds (objects not yet moved are found on their neighbours), and the next one completes."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from aistore.sdk import Client
from aistore.sdk.bucket import Bucket
from rebalance_it_support import generations, only_on_owner, payload, wait_for, wait_rebalance

from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 4000


def test_abort_then_rebalance_again(tmp_path: Path) -> None:
    with LocalCluster(tmp_path, targets=2) as cluster:
        client = Client(cluster.endpoint)
        bucket = client.bucket("abort").create()
        names = [f"o-{i:05d}" for i in range(OBJECTS)]
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda n: bucket.object(n).get_writer().put_content(payload(n, 4096)), names))
        before = max(generations(client), default=0)
        cluster.add_target()
        cluster.wait_ready(3)
        wait_for(lambda: max(generations(client), default=0) > before, what="the rebalance to start")
        job_id = f"g{max(generations(client))}"
        stop = {"action": "stop", "name": "", "value": {"ID": job_id, "Kind": "rebalance"}}
        requests.put(f"{cluster.endpoint}/v1/cluster", json=stop, timeout=30).raise_for_status()
        wait_for(lambda: all(generations(client).values()), what="the aborted rebalance to end")
        status = client.job(job_id).status()
        assert status.end_time and status.aborted
        with ThreadPoolExecutor(16) as pool:
            wrong = [
                n
                for n, data in zip(names, pool.map(_read(bucket), names), strict=True)
                if data != payload(n, 4096)
            ]
        assert wrong == []
        started = client.job(job_kind="rebalance").start()
        wait_rebalance(client, int(job_id[1:]))
        finished = client.job(started).status()
        assert finished.end_time and not finished.aborted and not finished.err
        assert only_on_owner(cluster, "abort", names) == []


def _read(bucket: Bucket) -> Callable[[str], bytes]:
    return lambda name: bucket.object(name).get_reader().read_all()
