"""A mountpath root renamed away under a live target, while GETs and PUTs run on a mirrored bucket,
stays gone: nothing in the target creates it again (an empty root would pass the health probe),
so FSHC disables the mountpath and every object stays readable from its other copy."""

import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from aistore.sdk import Client
from mountpaths_it_support import TIMEOUT, holders, listing, payload, target_ids, wait_resilvered

from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 120
GETTERS = 16
PUTTERS = 4


@pytest.fixture(autouse=True)
def quick_disk_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The target probes its disks every 0.3 s (default 2 s)."""
    monkeypatch.setenv("PYAISTORE_DISK_CHECK_INTERVAL", "0.3")


def _mirror(cluster: LocalCluster, bucket: str, copies: int) -> None:
    """Turn mirroring on and wait for the make-n-copies job it starts."""
    reply = requests.patch(
        f"{cluster.endpoint}/v1/buckets/{bucket}",
        json={"action": "set-bprops", "name": "", "value": {"mirror": {"enabled": True, "copies": copies}}},
        timeout=TIMEOUT,
    )
    assert reply.status_code == 200 and reply.text, reply.text
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        url = f"{cluster.endpoint}/v1/cluster"
        status = requests.get(url, params={"what": "status"}, json={"ID": reply.text}, timeout=TIMEOUT).json()
        if status["end_time"]:
            return
        time.sleep(0.05)
    raise TimeoutError(f"make-n-copies {reply.text} did not finish in {TIMEOUT}s")


@contextmanager
def _load(client: Client, bucket: str, names: list[str]) -> Iterator[threading.Event]:
    """GETs of the objects and PUTs into new directories (each PUT makes one) from threads while
    the block runs; yields an event set once the load is under way."""
    stop, running = threading.Event(), threading.Event()
    done = [0]

    def get() -> None:
        rng, handle = random.Random(), client.bucket(bucket)
        while not stop.is_set():
            try:
                handle.object(rng.choice(names)).get_reader().read_all()
            except Exception:
                pass  # the load only has to run; what is read is checked afterwards
            done[0] += 1
            if done[0] >= 50:
                running.set()

    def put(index: int) -> None:
        handle = client.bucket(bucket)
        for count in range(1_000_000):
            if stop.is_set():
                return
            name = f"fresh-{index}-{count}/object"
            try:
                handle.object(name).get_writer().put_content(payload(name))
            except Exception:
                pass  # a PUT in flight when the disk goes may fail

    threads = [threading.Thread(target=get, daemon=True) for _ in range(GETTERS)]
    threads += [threading.Thread(target=put, args=(index,), daemon=True) for index in range(PUTTERS)]
    for thread in threads:
        thread.start()
    try:
        yield running
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=TIMEOUT)


def test_a_root_renamed_away_under_load_is_not_recreated_and_gets_disabled(tmp_path: Path) -> None:
    with LocalCluster(tmp_path / "data", targets=1, mountpaths=3) as cluster:
        client = Client(cluster.endpoint)
        bucket = client.bucket("mirrored").create()
        names = [f"dir{i % 4}/obj-{i:03d}" for i in range(OBJECTS)]
        for name in names:
            bucket.object(name).get_writer().put_content(payload(name))
        # Mirrored after the PUTs: the job makes every second copy (an HTTP worker may still write
        # a PUT right after set-bprops with the bucket's old props).
        _mirror(cluster, "mirrored", 2)
        node_id = target_ids(cluster)[0]
        roots = listing(cluster, node_id)["available"]
        assert [name for name in names if len(holders(roots, "mirrored", name)) != 2] == []
        victim = roots[1]

        with _load(client, "mirrored", names) as running:
            assert running.wait(TIMEOUT)
            os.rename(victim, tmp_path / "away")
            deadline = time.monotonic() + TIMEOUT
            while victim not in listing(cluster, node_id)["disabled"]:
                assert not os.path.lexists(victim), "the vanished root was created again"
                assert time.monotonic() < deadline, "FSHC did not disable the vanished mountpath"
                time.sleep(0.02)
            wait_resilvered(cluster, node_id, 1)
            assert not os.path.lexists(victim), "the vanished root was created again"

        assert not os.path.lexists(victim)
        assert victim in listing(cluster, node_id)["disabled"]
        for name in names:  # two copies each: every object survives the loss of one disk
            assert bucket.object(name).get_reader().read_all() == payload(name)
