"""Resilver after mountpath changes: every object ends on its HRW mountpath, GETs keep succeeding,
and the target's HTTP worker processes follow every change."""

from pathlib import Path

import requests
from aistore.sdk import Client
from mountpaths_it_support import (
    change,
    hrw_root,
    listing,
    misplaced,
    payload,
    readers,
    target_ids,
    wait_resilvered,
)

from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 300


def test_attach_moves_objects_home_while_gets_succeed_on_every_process(tmp_path: Path) -> None:
    with LocalCluster(tmp_path / "data", targets=1, mountpaths=2, http_workers=2) as cluster:
        client = Client(cluster.endpoint)
        client.bucket("res").create()
        names = [f"dir/obj-{i:04d}" for i in range(OBJECTS)]
        for name in names:
            client.bucket("res").object(name).get_writer().put_content(payload(name))
        node_id = target_ids(cluster)[0]
        assert misplaced(listing(cluster, node_id)["available"], "res", names) == []
        extra = (tmp_path / "extra").resolve()
        extra.mkdir()

        with readers(client, "res", names) as failures:
            assert change(cluster, "PUT", "attach-mp", node_id, str(extra)).status_code == 200
            (snap,) = wait_resilvered(cluster, node_id, 1)
        assert failures == []

        roots = listing(cluster, node_id)["available"]
        assert str(extra) in roots and len(roots) == 3
        assert misplaced(roots, "res", names) == []
        moved = [name for name in names if hrw_root(roots, "res", name) == str(extra)]
        assert moved and int(snap["stats"]["loc-objs"]) == len(moved)
        assert int(snap["stats"]["loc-bytes"]) == sum(len(payload(name)) for name in moved)
        assert snap["ctlmsg"] == f"attach-mp {extra}" and not snap["err"]

        # Every process of the target (main and HTTP worker) places new objects on the three
        # mountpaths: new connections spread over both, and each reports the new state.
        new = [f"new/obj-{i:03d}" for i in range(60)]
        for name in new:
            reply = requests.put(f"{cluster.endpoint}/v1/objects/res/{name}", data=payload(name), timeout=30)
            assert reply.status_code == 200, reply.text
        assert misplaced(roots, "res", new) == []
        target_url = _public_url(cluster, node_id)
        seen = {
            tuple(
                requests.get(f"{target_url}/v1/daemon", params={"what": "mountpaths"}, timeout=10).json()[
                    "available"
                ]
            )
            for _ in range(20)
        }
        assert seen == {tuple(roots)}


def test_enable_brings_objects_back_and_moves_new_ones_home(tmp_path: Path) -> None:
    with LocalCluster(tmp_path / "data", targets=1, mountpaths=2) as cluster:
        client = Client(cluster.endpoint)
        bucket = client.bucket("back").create()
        names = [f"obj-{i:03d}" for i in range(100)]
        for name in names:
            bucket.object(name).get_writer().put_content(payload(name))
        node_id = target_ids(cluster)[0]
        roots = listing(cluster, node_id)["available"]
        second = roots[1]
        on_second = [name for name in names if hrw_root(roots, "back", name) == second]

        assert change(cluster, "POST", "disable-mp", node_id, second, dntres=True).status_code == 200
        # Without mirroring, the disabled disk's objects are out of reach until it is enabled.
        gone = requests.get(f"{cluster.endpoint}/v1/objects/back/{on_second[0]}", timeout=10)
        assert gone.status_code == 404
        later = [f"later-{i:03d}" for i in range(40)]
        for name in later:
            bucket.object(name).get_writer().put_content(payload(name))
        assert misplaced([roots[0]], "back", later) == []

        assert change(cluster, "POST", "enable-mp", node_id, second).status_code == 200
        wait_resilvered(cluster, node_id, 1)
        assert misplaced(roots, "back", names + later) == []
        for name in names + later:
            assert bucket.object(name).get_reader().read_all() == payload(name)


def _public_url(cluster: LocalCluster, node_id: str) -> str:
    smap = requests.get(f"{cluster.endpoint}/v1/daemon", params={"what": "smap"}, timeout=10).json()
    url: str = smap["tmap"][node_id]["public_net"]["direct_url"]
    return url
