"""A target restarted with an empty mountpath gets its pieces and objects back after it rejoins."""

import shutil
import time
from pathlib import Path

from aistore.sdk import Client
from ec_it_support import ec_bucket, holds_object, payload, pieces, ranking, rebalances, wait_rebalance_done

from pyaistore.server.local_cluster import LocalCluster

SIZE = 200 * 1024
OBJECTS = 24


def _misplaced(cluster: LocalCluster, names: list[str]) -> list[str]:
    """Objects whose owner lacks them or whose slice holders (HRW ranks 1..3) lack their slice."""
    wrong = []
    for name in names:
        order = ranking(cluster, "disk", name)
        found = {index: meta.slice_id for index, meta in pieces(cluster, "disk", name).items()}
        if not holds_object(cluster, order[0], "disk", name):
            wrong.append(f"{name}: not on its owner {order[0]}")
        for rank in (1, 2, 3):
            if found.get(order[rank]) != rank:
                wrong.append(f"{name}: slice {rank} not on target {order[rank]} ({found})")
    return wrong


def test_a_target_with_a_wiped_disk_gets_its_slices_back(tmp_path: Path) -> None:
    with LocalCluster(tmp_path, targets=4) as cluster:
        client = Client(cluster.endpoint)
        ec_bucket(client, cluster.endpoint, "disk", 2, 1, 0)
        names = [f"o{i:03d}" for i in range(OBJECTS)]
        for name in names:
            client.bucket("disk").object(name).get_writer().put_content(payload(name, SIZE))
        assert _misplaced(cluster, names) == []
        cluster.kill_target(2)
        disk = tmp_path / "target-2" / "mp0"
        shutil.rmtree(disk)
        disk.mkdir()
        before = max(rebalances(client), default=0)
        cluster.start_target(2)
        cluster.wait_ready(4)
        wait_rebalance_done(client, before)
        deadline = time.monotonic() + 30
        while _misplaced(cluster, names) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _misplaced(cluster, names) == []
        for name in names:
            assert client.bucket("disk").object(name).get_reader().read_all() == payload(name, SIZE)
