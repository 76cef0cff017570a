"""What the hostile-input tests share: a member's headers, and the targets' addresses."""

from pathlib import Path

import requests

from pyaistore.server.local_cluster import LocalCluster


def member_headers(cluster: LocalCluster) -> dict[str, str]:
    """What a member sends: the cluster secret (from the primary's data dir) and the primary's ID."""
    secret = (Path(cluster.data_dir) / "proxy" / "cluster_secret").read_text().strip()
    return {"Pyaistore-Cluster-Secret": secret, "Ais-Caller-Id": cluster.own_proxy_id()}


def target_urls(cluster: LocalCluster) -> dict[str, str]:
    """Node ID -> public URL of every target in the map."""
    smap = requests.get(f"{cluster.endpoint}/v1/daemon?what=smap", timeout=10).json()
    return {node_id: node["public_net"]["direct_url"] for node_id, node in smap["tmap"].items()}
