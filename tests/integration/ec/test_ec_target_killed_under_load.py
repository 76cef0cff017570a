"""kill -9 one of 3 targets during a 16-way PUT+GET load with EC 1+1: every acknowledged object
reads back intact while the target is down, and again after it returns."""

import threading
import time
from pathlib import Path

from aistore.sdk import Client
from ec_it_support import ec_bucket, payload, rebalances, smap, wait_rebalance_done, wait_targets

from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import hrw
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Smap

THREADS = 16
# Below the 256 KiB limit: a replica; above it: two slices (D = 1, P = 1).
SIZES = (16 * 1024, 300 * 1024)


def _load(client: Client, stop: threading.Event, acked: list[str], index: int) -> None:
    bucket = client.bucket("load")
    count = 0
    while not stop.is_set():
        name = f"t{index:02d}/o{count:05d}"
        data = payload(name, SIZES[count % 2])
        count += 1
        try:
            bucket.object(name).get_writer().put_content(data)
        except Exception:
            continue  # not acknowledged: nothing promised
        acked.append(name)
        try:
            bucket.object(name).get_reader().read_all()
        except Exception:
            pass  # reads during the kill may fail; the checks below must not


def _owner_id(cluster_map: Smap, name: str) -> str:
    node = hrw.choose(cluster_map.targets.values(), BucketId("load").object_uname(name))
    assert node is not None
    return node.daemon_id


def _unreadable(client: Client, names: list[str]) -> list[str]:
    bucket = client.bucket("load")
    bad = []
    for name in names:
        try:
            data = bucket.object(name).get_reader().read_all()
        except Exception as exc:
            bad.append(f"{name}: {exc!r}")
            continue
        if data != payload(name, len(data)) or len(data) not in SIZES:
            bad.append(f"{name}: wrong bytes ({len(data)})")
    return bad


def test_every_acknowledged_object_survives_a_killed_target(tmp_path: Path) -> None:
    with LocalCluster(tmp_path, targets=3) as cluster:
        client = Client(cluster.endpoint, max_pool_size=THREADS)
        ec_bucket(client, cluster.endpoint, "load", 1, 1, 256 * 1024)
        stop, acked = threading.Event(), list[str]()
        workers = [threading.Thread(target=_load, args=(client, stop, acked, i)) for i in range(THREADS)]
        for worker in workers:
            worker.start()
        victim_id = next(node_id for node_id, index in cluster.target_ids().items() if index == 1)
        before_kill = smap(cluster)
        try:
            time.sleep(2.0)  # the load itself is what the kill interrupts
            cluster.kill_target(1)
            time.sleep(1.0)
        finally:
            stop.set()
            for worker in workers:
                worker.join(timeout=60)
        names = list(acked)
        assert len(names) > 50
        # Objects whose owner was killed must come back from their replica or slices.
        orphaned = [n for n in names if _owner_id(before_kill, n) == victim_id]
        assert len(orphaned) > 10
        wait_targets(cluster, 2)
        assert _unreadable(client, names) == []
        before = max(rebalances(client), default=0)
        cluster.start_target(1)
        cluster.wait_ready(3)
        wait_rebalance_done(client, before)
        assert _unreadable(client, names) == []
