"""Helpers of the erasure-coding tests: EC buckets, where pieces sit on disk, map changes."""

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import requests
from aistore.sdk import Client

from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import hrw
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta
from pyaistore.wire.messages import Smap


def payload(name: str, size: int) -> bytes:
    """Deterministic bytes of an object, different for every name."""
    seed = hashlib.sha256(name.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def set_props(endpoint: str, bucket: str, props: dict[str, Any]) -> requests.Response:
    """PATCH set-bprops, as the ais CLI and Go API send it (the Python SDK has no such call)."""
    body = {"action": "set-bprops", "value": props}
    return requests.patch(f"{endpoint}/v1/buckets/{bucket}?provider=ais", json=body, timeout=30)


def ec_bucket(client: Client, endpoint: str, name: str, data: int, parity: int, limit: int) -> None:
    """Create an ais bucket with erasure coding on."""
    client.bucket(name).create()
    ec = {"enabled": True, "data_slices": data, "parity_slices": parity, "objsize_limit": limit}
    reply = set_props(endpoint, name, {"ec": ec})
    assert reply.status_code == 200, reply.text


def smap(cluster: LocalCluster) -> Smap:
    """The primary's current map."""
    reply = requests.get(f"{cluster.endpoint}/v1/daemon?what=smap", timeout=10)
    reply.raise_for_status()
    return Smap.from_json(reply.json())


def ranking(cluster: LocalCluster, bucket: str, name: str) -> list[int]:
    """Target indexes by HRW weight for the object under the primary's map (owner first)."""
    ids = cluster.target_ids()
    nodes = hrw.ranked(smap(cluster).targets.values(), BucketId(bucket).object_uname(name))
    return [ids[node.daemon_id] for node in nodes]


def pieces(cluster: LocalCluster, bucket: str, name: str) -> dict[int, SliceMeta]:
    """Target index -> the EC metadata of the replica or slice its disks hold of the object."""
    found = {}
    for index in range(cluster.num_targets):
        for mountpath in (cluster.data_dir / f"target-{index}").glob("mp*"):
            path = mountpath / "ais" / "@#" / bucket / "ec" / name
            if path.is_file():
                found[index] = SliceMeta.from_json(json.loads(_xattr(path)))
    return found


def holds_object(cluster: LocalCluster, index: int, bucket: str, name: str) -> bool:
    """Whether target `index` has the whole object on disk."""
    target_dir = cluster.data_dir / f"target-{index}"
    return any((mp / "ais" / "@#" / bucket / "obj" / name).is_file() for mp in target_dir.glob("mp*"))


def _xattr(path: Path) -> bytes:
    return os.getxattr(path, "user.pyaistore.ec")


def wait_targets(cluster: LocalCluster, count: int, timeout: float = 30) -> None:
    """Wait until the primary's map has exactly `count` targets."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(smap(cluster).targets) == count:
            return
        time.sleep(0.1)
    raise TimeoutError(f"the map did not reach {count} targets in {timeout}s")


def rebalances(client: Client) -> dict[int, bool]:
    """Rebalance generation N (job g<N>) -> whether it has finished."""
    found = client.cluster().list_jobs_status(job_kind="rebalance") or []
    return {int(job.uuid[1:]): bool(job.end_time) for job in found}


def wait_rebalance_done(client: Client, after: int = 0, timeout: float = 120) -> int:
    """Wait until a rebalance newer than generation `after` has started and every one has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        known = rebalances(client)
        if known and max(known) > after and all(known.values()):
            return max(known)
        time.sleep(0.1)
    raise TimeoutError(f"no rebalance after g{after} finished in {timeout}s")
