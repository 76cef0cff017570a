"""Helpers of the mirroring tests: payloads, copies on disk, the targets' mountpaths, job waits."""

import hashlib
import random
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from aistore.sdk import Client

from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import hrw
from pyaistore.wire.bucket_id import BucketId

TIMEOUT = 30.0


def payload(name: str, size: int = 4 * 1024) -> bytes:
    """Deterministic bytes of an object, different for every name."""
    seed = hashlib.sha256(name.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def mountpaths(cluster: LocalCluster) -> dict[str, dict[str, list[str]]]:
    """Every target's mountpaths (GET /v1/cluster?what=mountpaths), by target ID."""
    reply = requests.get(f"{cluster.endpoint}/v1/cluster", params={"what": "mountpaths"}, timeout=TIMEOUT)
    reply.raise_for_status()
    found: dict[str, dict[str, list[str]]] = reply.json()["targets"]
    return found


def copies(roots: list[str], bucket: str, name: str, expected: bytes | None = None) -> list[str]:
    """The roots whose object tree holds the object with the expected bytes (default: its payload)."""
    content = payload(name) if expected is None else expected
    found = []
    for root in roots:
        path = Path(root) / "ais" / "@#" / bucket / "obj" / name
        if path.is_file() and path.read_bytes() == content:
            found.append(root)
    return sorted(found)


def ranked(roots: list[str], bucket: str, name: str) -> list[str]:
    """`roots` by descending HRW weight for the object (as a target ranks its mountpaths)."""
    name_digest = hrw.digest(BucketId(bucket).object_uname(name))
    return sorted(roots, key=lambda root: hrw.mix(hrw.digest(root) ^ name_digest), reverse=True)


def wrong_copies(
    cluster: LocalCluster,
    bucket: str,
    names: Iterable[str],
    count: int,
    contents: Mapping[str, bytes] | None = None,
) -> list[str]:
    """Names whose copies (with their payload, or `contents[name]`) on available mountpaths are not
    exactly on the first `count` HRW mountpaths of their target (disabled ones keep what they had)."""
    available = {node_id: lists["available"] for node_id, lists in mountpaths(cluster).items()}
    everywhere = sorted(root for roots in available.values() for root in roots)
    wrong = []
    for name in names:
        found = copies(everywhere, bucket, name, (contents or {}).get(name))
        owners = [roots for roots in available.values() if set(found) & set(roots)]
        if len(owners) != 1:
            wrong.append(f"{name}: on {found}")
            continue
        expected = sorted(ranked(owners[0], bucket, name)[:count])
        if found != expected:
            wrong.append(f"{name}: on {found}, expected {expected}")
    return wrong


def wait_job(cluster: LocalCluster, job_id: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    """Wait until the job has finished everywhere; its status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = requests.get(
            f"{cluster.endpoint}/v1/cluster", params={"what": "status"}, json={"ID": job_id}, timeout=TIMEOUT
        )
        reply.raise_for_status()
        status: dict[str, Any] = reply.json()
        if status["end_time"]:
            return status
        time.sleep(0.05)
    raise TimeoutError(f"job {job_id} did not finish in {timeout}s")


def make_n_copies(cluster: LocalCluster, bucket: str, value: Any) -> requests.Response:
    """POST /v1/buckets/<bucket> make-n-copies."""
    return requests.post(
        f"{cluster.endpoint}/v1/buckets/{bucket}",
        json={"action": "make-n-copies", "name": "", "value": value},
        timeout=TIMEOUT,
    )


def set_props(cluster: LocalCluster, bucket: str, props: dict[str, Any]) -> requests.Response:
    """PATCH /v1/buckets/<bucket> set-bprops."""
    return requests.patch(
        f"{cluster.endpoint}/v1/buckets/{bucket}",
        json={"action": "set-bprops", "name": "", "value": props},
        timeout=TIMEOUT,
    )


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
