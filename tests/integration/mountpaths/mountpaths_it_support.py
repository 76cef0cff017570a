"""Helpers of the mountpath tests: the routes as raw requests, resilver waits, objects on disk, HRW."""

import hashlib
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from aistore.sdk import Client

from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import hrw
from pyaistore.wire.bucket_id import BucketId

TIMEOUT = 30.0


def payload(name: str, size: int = 8 * 1024) -> bytes:
    """Deterministic bytes of an object, different for every name."""
    seed = hashlib.sha256(name.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def target_ids(cluster: LocalCluster) -> list[str]:
    """The targets' node IDs, by target index."""
    by_index = {index: node_id for node_id, index in cluster.target_ids().items()}
    return [by_index[index] for index in sorted(by_index)]


def change(
    cluster: LocalCluster, method: str, action: str, node_id: str, path: Any, dntres: bool = False
) -> requests.Response:
    """A mountpath action through the proxy's reverse route, as AIS's Go API sends it."""
    return requests.request(
        method,
        f"{cluster.endpoint}/v1/reverse/daemon/mountpaths",
        params={"dntres": "true"} if dntres else None,
        headers={"Ais-Node-Id": node_id},
        json={"action": action, "name": "", "value": path},
        timeout=TIMEOUT,
    )


def listing(cluster: LocalCluster, node_id: str) -> dict[str, list[str]]:
    """The target's mountpaths (GET /v1/reverse/daemon?what=mountpaths)."""
    reply = requests.get(
        f"{cluster.endpoint}/v1/reverse/daemon",
        params={"what": "mountpaths"},
        headers={"Ais-Node-Id": node_id},
        timeout=TIMEOUT,
    )
    reply.raise_for_status()
    found: dict[str, list[str]] = reply.json()
    return found


def resilvers(cluster: LocalCluster, node_id: str) -> list[dict[str, Any]]:
    """The target's resilver snapshots (every one it remembers)."""
    reply = requests.get(
        f"{cluster.endpoint}/v1/cluster",
        params={"what": "qryxstats"},
        json={"kind": "resilver", "node": node_id},
        timeout=TIMEOUT,
    )
    if reply.status_code == 404:
        return []
    reply.raise_for_status()
    snaps: list[dict[str, Any]] = reply.json().get(node_id, [])
    return snaps


def wait_resilvered(
    cluster: LocalCluster, node_id: str, count: int, timeout: float = TIMEOUT
) -> list[dict[str, Any]]:
    """Wait until the target has run at least `count` resilvers and none is running; their snapshots."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snaps = resilvers(cluster, node_id)
        if len(snaps) >= count and all(snap["end-time"] != "0001-01-01T00:00:00Z" for snap in snaps):
            return snaps
        time.sleep(0.05)
    raise TimeoutError(
        f"{node_id}: no {count} finished resilvers in {timeout}s: {resilvers(cluster, node_id)}"
    )


def holders(roots: list[str], bucket: str, name: str) -> list[str]:
    """The mountpath roots (of those given) whose object tree holds the object, sorted."""
    return sorted(root for root in roots if (Path(root) / "ais" / "@#" / bucket / "obj" / name).is_file())


def hrw_root(roots: list[str], bucket: str, name: str) -> str:
    """The object's HRW mountpath among `roots`."""
    chosen = hrw.choose_key(roots, BucketId(bucket).object_uname(name))
    assert chosen is not None
    return chosen


def misplaced(roots: list[str], bucket: str, names: list[str]) -> list[str]:
    """The names not stored exactly once, on their HRW mountpath among `roots`."""
    wrong = []
    for name in names:
        found = holders(roots, bucket, name)
        if found != [hrw_root(roots, bucket, name)]:
            wrong.append(f"{name}: on {found}, HRW {hrw_root(roots, bucket, name)}")
    return wrong


@contextmanager
def readers(client: Client, bucket: str, names: list[str], threads: int = 3) -> Iterator[list[str]]:
    """GET random objects in background threads while the block runs; yields the failures seen."""
    failures: list[str] = []
    stop = threading.Event()

    def read() -> None:
        rng = random.Random()
        handle = client.bucket(bucket)
        while not stop.is_set():
            name = rng.choice(names)
            try:
                data = handle.object(name).get_reader().read_all()
            except Exception as exc:
                failures.append(f"{name}: {exc!r}")
                continue
            if data != payload(name):
                failures.append(f"{name}: wrong bytes ({len(data)})")

    workers = [threading.Thread(target=read, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        yield failures
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
