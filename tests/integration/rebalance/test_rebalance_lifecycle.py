"""Nodes join and leave under a 16-way PUT+GET load: no GET of an acknowledged object fails, and
afterwards every object sits on its HRW owner only."""

from pathlib import Path

import requests
from aistore.sdk import Client
from rebalance_it_support import (
    Load,
    generations,
    only_on_owner,
    payload,
    smap,
    wait_for,
    wait_rebalance,
)

from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 200


def _membership(cluster: LocalCluster, action: str, node_id: str, **options: bool) -> requests.Response:
    body = {"action": action, "name": "", "value": {"sid": node_id, **options}}
    return requests.put(f"{cluster.endpoint}/v1/cluster", json=body, timeout=30)


def _fill(client: Client, bucket: str) -> list[str]:
    handle = client.bucket(bucket).create()
    names = [f"base/o-{i:04d}" for i in range(OBJECTS)]
    for name in names:
        handle.object(name).get_writer().put_content(payload(name))
    return names


def test_add_one_target_and_decommission_another_under_load(tmp_path: Path) -> None:
    with LocalCluster(tmp_path, targets=2) as cluster:
        client = Client(cluster.endpoint)
        names = _fill(client, "life")
        leaving = next(tid for tid, index in cluster.target_ids().items() if index == 0)
        with Load(client, "life", names) as load:
            before = max(generations(client), default=0)
            cluster.add_target()
            cluster.wait_ready(3)
            after_join = wait_rebalance(client, before)
            reply = _membership(cluster, "decommission-node", leaving)
            assert reply.status_code == 200, reply.text
            assert reply.text.startswith("g")
            wait_rebalance(client, after_join)
            wait_for(lambda: leaving not in smap(cluster).targets, what="removal from the map")
            process = cluster.targets[0]
            assert process is not None
            assert process.wait(timeout=30) == 0  # asked to leave: a clean exit, never restarted
        assert load.get_failures == []
        assert load.gets > 100
        acknowledged = list(load.acknowledged)
        cluster.targets[0] = None
        handle = client.bucket("life")
        for name in acknowledged:
            size = 4096 if name.startswith("load/") else 16 * 1024
            assert handle.object(name).get_reader().read_all() == payload(name, size), name
        assert only_on_owner(cluster, "life", acknowledged) == []


def test_maintenance_moves_objects_off_and_back(tmp_path: Path) -> None:
    with LocalCluster(tmp_path, targets=3) as cluster:
        client = Client(cluster.endpoint)
        names = _fill(client, "maint")
        node = next(tid for tid, index in cluster.target_ids().items() if index == 1)
        reply = _membership(cluster, "start-maintenance", node)
        assert reply.status_code == 200 and reply.text.startswith("g"), reply.text
        wait_rebalance(client, int(reply.text[1:]) - 1)
        wait_for(lambda: smap(cluster).targets[node].flags == 4 | 16, what="maintenance completed (flags 20)")
        assert only_on_owner(cluster, "maint", names) == []  # HRW skips the node: nothing left on it
        busy = _membership(cluster, "start-maintenance", node)
        assert busy.status_code == 200 and busy.text == ""  # already in maintenance: nothing to do
        back = _membership(cluster, "stop-maintenance", node)
        assert back.status_code == 200 and back.text.startswith("g"), back.text
        wait_rebalance(client, int(back.text[1:]) - 1)
        assert smap(cluster).targets[node].flags == 0
        assert only_on_owner(cluster, "maint", names) == []
        assert [
            n for n in names if client.bucket("maint").object(n).get_reader().read_all() != payload(n)
        ] == []


def test_membership_errors_as_ais_answers(tmp_path: Path) -> None:
    with LocalCluster(tmp_path, targets=2) as cluster:
        primary = smap(cluster).primary.daemon_id
        assert _membership(cluster, "start-maintenance", "nosuch").status_code == 404
        refused = _membership(cluster, "decommission-node", primary)
        assert refused.status_code == 400 and "primary" in refused.text
        empty = requests.put(
            f"{cluster.endpoint}/v1/cluster", json={"action": "start-maintenance", "value": {}}, timeout=10
        )
        assert empty.status_code == 400 and "invalid membership-change operation" in empty.text


def test_shutdown_node_and_cluster_exit_cleanly(tmp_path: Path) -> None:
    with LocalCluster(tmp_path, targets=3) as cluster:
        client = Client(cluster.endpoint)
        names = _fill(client, "down")
        node = next(tid for tid, index in cluster.target_ids().items() if index == 2)
        reply = _membership(cluster, "shutdown-node", node)
        assert reply.status_code == 200, reply.text
        process = cluster.targets[2]
        assert process is not None and process.wait(timeout=60) == 0
        cluster.targets[2] = None
        assert smap(cluster).targets[node].flags == 4 | 16  # listed, in maintenance, drained
        assert [
            n for n in names if client.bucket("down").object(n).get_reader().read_all() != payload(n)
        ] == []
        assert len(list(client.bucket("down").list_all_objects())) == OBJECTS
        requests.put(
            f"{cluster.endpoint}/v1/cluster", json={"action": "shutdown"}, timeout=30
        ).raise_for_status()
        for proc in [cluster.proxy, *cluster.targets]:
            if proc is not None:
                assert proc.wait(timeout=30) == 0
