"""One real cluster for the hostile-input tests of a module, with a bucket, objects and a shard."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="module")
def hostile_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A proxy and two targets of the module's own (hostile requests may change what it holds)."""
    running = LocalCluster(tmp_path_factory.mktemp("hostile"), port=0, targets=2)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def member_headers(cluster: LocalCluster) -> dict[str, str]:
    """What a member sends: the cluster secret (from the primary's data dir) and the primary's ID."""
    secret = (Path(cluster.data_dir) / "proxy" / "cluster_secret").read_text().strip()
    return {"Pyaistore-Cluster-Secret": secret, "Ais-Caller-Id": cluster.own_proxy_id()}


def target_urls(cluster: LocalCluster) -> dict[str, str]:
    """Node ID -> public URL of every target in the map."""
    smap = requests.get(f"{cluster.endpoint}/v1/daemon?what=smap", timeout=10).json()
    return {node_id: node["public_net"]["direct_url"] for node_id, node in smap["tmap"].items()}
