"""Which cluster a node belongs to: the cluster's UUID (the smap's `uuid`), kept in the node's data dir.

A node records the UUID on its first successful join (the primary when it creates the map) and
from then on belongs to that cluster: a primary refuses the join of a node that carries another
UUID, and a node refuses a primary whose map carries another one. A data dir without the file
(a fresh node) may join any cluster. This is what stops a target started with the wrong
`--primary`, or a second `serve` on a busy port, from mixing one cluster's objects into another.
"""

import os
from pathlib import Path
from typing import Final

from pyaistore.cluster.errors import ClusterMismatch

__all__ = ["UUID_FILE", "check", "load", "save"]

UUID_FILE: Final = "cluster_uuid"


def load(data_dir: Path) -> str:
    """The UUID of the cluster this node belongs to, or "" when it never joined one."""
    try:
        return (data_dir / UUID_FILE).read_text().strip()
    except FileNotFoundError:
        return ""


def save(data_dir: Path, uuid: str) -> None:
    """Record the cluster's UUID atomically (temp file, fsync, rename)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / UUID_FILE
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as handle:
        handle.write(uuid)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def check(node_name: str, node_uuid: str, cluster_uuid: str) -> None:
    """ClusterMismatch unless the node has no UUID yet or carries the cluster's own."""
    if node_uuid and cluster_uuid and node_uuid != cluster_uuid:
        raise ClusterMismatch(
            f'cluster UUID mismatch: {node_name} belongs to cluster "{node_uuid}", not to cluster '
            f'"{cluster_uuid}"; it may not join it (a fresh data dir may join any cluster)'
        )
