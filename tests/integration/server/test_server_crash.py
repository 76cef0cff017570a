"""kill -9 of a target in the middle of concurrent PUTs: no acknowledged write is lost, no partial
object is ever visible, and no work file or journal segment survives the restart.

The cluster runs with fsync on, so the concurrent PUTs go through the group commit
(storage/commit_queue.py): an acknowledgement comes only after a shared flush covered the write.
Half the writers send objects of at most 64 KiB, written on the target's event loop
(storage/staged_write.py) and, being creates, acknowledged after the write journal's flush
(storage/write_journal.py); the others larger ones, written by threads. The kernel lives on, so
the restarted target retires the killed processes' journal segments without replaying them.
"""

import contextlib
import random
import signal
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

import requests
import xxhash
from official_sdk import no_retry_client, unique_bucket_name
from raw_protocol import checksum_headers, object_url, owner_url, poll, smap_json

from pyaistore.server.local_cluster import LocalCluster

WRITERS = 8
STALLED = 2  # PUTs left half-sent to the victim, so the kill surely lands in the middle of a write
PUTS_AFTER_KILL = 4  # per writer
MIN_SIZE, MAX_SIZE = 64 * 1024, 4 * 1024 * 1024
# Half the writers PUT small objects, which the target's lean front writes on its event loop.
SMALL_MIN, SMALL_MAX = 1, 64 * 1024


@dataclass
class Ledger:
    """What the writers attempted and what the cluster acknowledged (name -> xxhash2 of the payload)."""

    attempted: dict[str, str] = field(default_factory=dict)
    acked: dict[str, str] = field(default_factory=dict)
    killed: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


def writer(endpoint: str, bucket: str, index: int, ledger: Ledger) -> None:
    """PUT random objects under unique names until PUTS_AFTER_KILL more were tried after the kill."""
    rng = random.Random(index)
    low, high = (SMALL_MIN, SMALL_MAX) if index % 2 else (MIN_SIZE, MAX_SIZE)
    after_kill = 0
    with requests.Session() as session:
        for seq in range(10_000):
            if ledger.killed.is_set():
                after_kill += 1
                if after_kill > PUTS_AFTER_KILL:
                    return
            payload = rng.randbytes(rng.randint(low, high))
            name = f"w{index}/{seq:05d}"
            with ledger.lock:
                ledger.attempted[name] = xxhash.xxh64(payload).hexdigest()
            try:
                reply = session.put(
                    object_url(endpoint, bucket, name),
                    data=payload,
                    headers=checksum_headers(payload),
                    timeout=30,
                )
            except requests.RequestException:
                continue
            if reply.status_code == 200:
                with ledger.lock:
                    ledger.acked[name] = ledger.attempted[name]


def target_url(cluster: LocalCluster, index: int) -> str:
    """The URL of target `index` (its ID is in target-<index>/node_id)."""
    node_id = (cluster.data_dir / f"target-{index}" / "node_id").read_text().strip()
    return str(smap_json(cluster.endpoint)["tmap"][node_id]["public_net"]["direct_url"])


def start_stalled_put(cluster: LocalCluster, bucket: str, index: int) -> tuple[str, socket.socket]:
    """Announce 3 MiB for an object the victim (target 0) owns, send 2 MiB of it, and stop there."""
    victim = target_url(cluster, 0)
    name = next(
        f"stalled{index}/{i}"
        for i in range(500)
        if owner_url(cluster.endpoint, bucket, f"stalled{index}/{i}") == victim
    )
    host, port = victim.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    path = f"/v1/objects/{bucket}/{name}?provider=ais"
    head = f"PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {3 << 20}\r\n\r\n"
    sock.sendall(head.encode() + bytes(2 << 20))
    return name, sock


def staged_files(work_dir: Path) -> int:
    """How many work files hold at least 1 MiB (a stalled PUT's data); other writers' come and go."""
    count = 0
    for path in work_dir.iterdir():
        with contextlib.suppress(FileNotFoundError):
            count += path.stat().st_size >= 1 << 20
    return count


def object_files(cluster: LocalCluster, bucket: str) -> dict[str, Path]:
    """Every object data file of `bucket` on every target's mountpaths, by object name."""
    found: dict[str, Path] = {}
    for objects_dir in cluster.data_dir.glob(f"target-*/mp*/ais/@#/{bucket}/obj"):
        for path in objects_dir.rglob("*"):
            if path.is_file():
                name = path.relative_to(objects_dir).as_posix()
                assert name not in found, f"{name} stored twice"
                found[name] = path
    return found


def leftovers(cluster: LocalCluster) -> list[Path]:
    """Anything under the mountpaths' work, trash and journal directories."""
    return [
        p
        for d in ("*/mp*/.work", "*/mp*/.trash", "*/mp*/.journal")
        for root in cluster.data_dir.glob(d)
        for p in root.iterdir()
    ]


def test_kill_target_during_concurrent_puts(private_cluster: LocalCluster) -> None:
    endpoint = private_cluster.endpoint
    bucket = no_retry_client(endpoint).bucket(unique_bucket_name("crash"))
    bucket.create()
    ledger = Ledger()
    threads = [
        threading.Thread(target=writer, args=(endpoint, bucket.name, i, ledger)) for i in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    work_dir = next(private_cluster.data_dir.glob("target-0/mp0/.work"))
    stalled = [start_stalled_put(private_cluster, bucket.name, i) for i in range(STALLED)]
    try:
        poll(lambda: len(ledger.acked) >= 24, 60, "24 acknowledged PUTs")
        poll(lambda: staged_files(work_dir) >= STALLED, 10, "the stalled PUTs' data in work files")
        private_cluster.kill_target(0, signal.SIGKILL)
        killed_segments = list(private_cluster.data_dir.glob("target-0/mp0/.journal/*.log"))
    finally:
        ledger.killed.set()
        for thread in threads:
            thread.join(120)
        for _, sock in stalled:
            sock.close()
    assert not any(t.is_alive() for t in threads)
    private_cluster.start_target(0)
    private_cluster.wait_ready(2)
    assert len(ledger.attempted) > len(ledger.acked), "some PUTs must have been cut off by the kill"

    client = no_retry_client(endpoint)
    bucket = client.bucket(bucket.name)
    for name, digest in ledger.acked.items():
        reader = bucket.object(name).get_reader()
        assert xxhash.xxh64(reader.read_all()).hexdigest() == digest, name
        assert reader.attributes.checksum_value == digest

    listed = {e.name for e in bucket.list_all_objects()}
    on_disk = object_files(private_cluster, bucket.name)
    assert set(ledger.acked) <= listed == set(on_disk)
    assert listed <= set(ledger.attempted)
    for name, path in on_disk.items():
        assert xxhash.xxh64(path.read_bytes()).hexdigest() == ledger.attempted[name], f"partial object {name}"
    assert not {name for name, _ in stalled} & listed, "a half-sent object became visible"
    poll(lambda: not leftovers(private_cluster), 10, "work, trash and journal directories to be empty")
    assert not any(segment.exists() for segment in killed_segments)
