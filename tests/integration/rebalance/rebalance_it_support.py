"""Helpers of the rebalance tests: payloads, where objects sit on disk, readers under load."""

import hashlib
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from aistore.sdk import Client

from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import hrw
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Smap


def payload(name: str, size: int = 16 * 1024) -> bytes:
    """Deterministic bytes of an object, different for every name."""
    seed = hashlib.sha256(name.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def smap(cluster: LocalCluster) -> Smap:
    """The primary's current map."""
    reply = requests.get(f"{cluster.endpoint}/v1/daemon?what=smap", timeout=10)
    reply.raise_for_status()
    return Smap.from_json(reply.json())


def holders(cluster: LocalCluster, bucket: str, name: str) -> set[int]:
    """Indexes of the targets whose disks hold the object."""
    found = set()
    for index in range(cluster.num_targets):
        target_dir = cluster.data_dir / f"target-{index}"
        for mountpath in target_dir.glob("mp*"):
            if (mountpath / "ais" / "@#" / bucket / "obj" / name).is_file():
                found.add(index)
    return found


def hrw_owner(cluster: LocalCluster, bucket: str, name: str) -> int:
    """Index of the object's HRW owner under the primary's current map."""
    node = hrw.choose(smap(cluster).targets.values(), BucketId(bucket).object_uname(name))
    assert node is not None
    return cluster.target_ids()[node.daemon_id]


def generations(client: Client) -> dict[int, bool]:
    """Rebalance generation N (job g<N>) -> whether it has finished, for every one the cluster knows."""
    found = client.cluster().list_jobs_status(job_kind="rebalance") or []
    return {int(job.uuid[1:]): bool(job.end_time) for job in found}


def wait_rebalance(client: Client, after: int = 0, timeout: float = 120) -> int:
    """Wait until a rebalance newer than generation `after` has started and every one has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        known = generations(client)
        if known and max(known) > after and all(known.values()):
            return max(known)
        time.sleep(0.1)
    raise TimeoutError(f"no rebalance after g{after} finished in {timeout}s: {generations(client)}")


@contextmanager
def readers(client: Client, bucket: str, names: list[str], threads: int = 4) -> Iterator[list[str]]:
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


def only_on_owner(cluster: LocalCluster, bucket: str, names: list[str]) -> list[str]:
    """The names not stored exactly once, on their HRW owner."""
    wrong = []
    for name in names:
        owner = hrw_owner(cluster, bucket, name)
        if holders(cluster, bucket, name) != {owner}:
            wrong.append(f"{name}: on {sorted(holders(cluster, bucket, name))}, owner {owner}")
    return wrong


def data_dir_of(cluster: LocalCluster, index: int) -> Path:
    """A target's data dir."""
    return cluster.data_dir / f"target-{index}"
