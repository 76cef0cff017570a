"""Pieces land on the next targets of the HRW ranking; a GET with the owner killed restores byte-exact."""

from pathlib import Path

import pytest
from aistore.sdk import Client
from ec_it_support import ec_bucket, holds_object, payload, pieces, ranking, wait_targets

from pyaistore.server.local_cluster import LocalCluster


@pytest.mark.parametrize(("size", "limit"), [(100 * 1024, 256 * 1024), (1024 * 1024 + 7, 0)])
def test_pieces_on_distinct_targets_and_restore_with_the_owner_killed(
    tmp_path: Path, size: int, limit: int
) -> None:
    with LocalCluster(tmp_path, targets=4) as cluster:
        client = Client(cluster.endpoint)
        ec_bucket(client, cluster.endpoint, "ecb", 2, 1, limit)
        names = [f"obj-{i}" for i in range(4)]
        for name in names:
            client.bucket("ecb").object(name).get_writer().put_content(payload(name, size))
        replicated = size < limit
        for name in names:
            order = ranking(cluster, "ecb", name)
            found = pieces(cluster, "ecb", name)
            assert holds_object(cluster, order[0], "ecb", name)
            if replicated:
                assert {index: meta.slice_id for index, meta in found.items()} == {order[1]: 0}
            else:
                assert {index: meta.slice_id for index, meta in found.items()} == {
                    order[1]: 1,
                    order[2]: 2,
                    order[3]: 3,
                }
        victim = ranking(cluster, "ecb", names[0])[0]
        cluster.kill_target(victim)
        wait_targets(cluster, 3)
        lost = [
            name
            for name in names
            if ranking(cluster, "ecb", name)[0] != victim
            and not any(holds_object(cluster, index, "ecb", name) for index in range(4) if index != victim)
        ]
        assert names[0] in lost
        for name in names:
            assert client.bucket("ecb").object(name).get_reader().read_all() == payload(name, size), name
        for name in lost:
            new_owner = ranking(cluster, "ecb", name)[0]
            assert holds_object(cluster, new_owner, "ecb", name)
