"""Helpers of the rebalance tests: payloads, where objects sit on disk, readers under load."""

import hashlib
import random
import threading
import time
from collections.abc import Callable, Iterator
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


class Load:
    """A 16-way PUT+GET load with the official SDK: writers PUT new objects, readers GET
    acknowledged ones; every failure is recorded. PUT failures are allowed (not acknowledged),
    GET failures of acknowledged objects are what the tests look for."""

    def __init__(
        self, client: Client, bucket: str, acknowledged: list[str], writers: int = 4, readers: int = 12
    ):
        self._client = client
        self._bucket = bucket
        self.acknowledged = acknowledged
        self.get_failures: list[str] = []
        self.put_failures: list[str] = []
        self.gets = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._write, args=(i,), daemon=True) for i in range(writers)]
        self._threads += [threading.Thread(target=self._read, daemon=True) for _ in range(readers)]

    def __enter__(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _write(self, index: int) -> None:
        handle = self._client.bucket(self._bucket)
        count = 0
        while not self._stop.is_set():
            name = f"load/w{index}-{count:05d}"
            count += 1
            try:
                handle.object(name).get_writer().put_content(payload(name, 4096))
            except Exception as exc:
                self.put_failures.append(f"{name}: {exc!r}")
                continue
            with self._lock:
                self.acknowledged.append(name)

    def _read(self) -> None:
        handle = self._client.bucket(self._bucket)
        rng = random.Random()
        while not self._stop.is_set():
            with self._lock:
                name = rng.choice(self.acknowledged)
            size = 4096 if name.startswith("load/") else 16 * 1024
            try:
                data = handle.object(name).get_reader().read_all()
            except Exception as exc:
                self.get_failures.append(f"{name}: {exc!r}")
                continue
            self.gets += 1
            if data != payload(name, size):
                self.get_failures.append(f"{name}: wrong bytes ({len(data)})")


def wait_for(condition: Callable[[], bool], timeout: float = 60, what: str = "condition") -> None:
    """Poll `condition` until it holds; TimeoutError naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not happen in {timeout}s")
