"""The floor under a durable small PUT: its file-system calls in a plain loop, no HTTP, no Python engine.

    .venv/bin/python benchmarks/bench_put_floor.py [--objects 4000] [--size 1024] [--rounds 2] [--dir DIR]

Each object gets the sequence a target's PUT makes (storage/atomic_write.py): create a work file,
write the body, set the metadata xattr (the bytes our encoding makes for such an object), look
for the object in place (its xattr), rename the work file onto the object's path, then flush.
The flush three ways: none (what nginx's PUT does), an fsync of the file and of its directory per
object, and one syncfs(2) per batch of 32 objects (what the group commit does under load). Then
the same objects through `ObjectStore` (the storage engine alone: names, hashing, metadata,
locks, the group commit) from 32 threads. CPU per object is the process's own, user and kernel
apart (getrusage), so the figures say how much of a PUT the kernel's fixed work is and how much
ours. Results in docs/performance.md ("Group commit of small PUTs").
"""

import argparse
import functools
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pyaistore.storage.disk_sync import syncfs
from pyaistore.storage.meta_store import XATTR_NAME, fsync_dir
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId

BATCH = 32
WRITERS = 32


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--objects", type=int, default=4000, help="objects per variant")
    parser.add_argument("--size", type=int, default=1024, help="body bytes per object")
    parser.add_argument("--rounds", type=int, default=2, help="times each variant runs, in turn")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: the temp dir)")
    return parser.parse_args(argv)


def _meta_bytes(size: int) -> bytes:
    """The metadata xattr a target stores for such an object."""
    meta = ObjectMeta(
        name="put-small/r0/obj-00001",
        size=size,
        checksum_type="xxhash2",
        checksum_value="0123456789abcdef",
        version="1",
        atime_ns=time.time_ns(),
    )
    return meta.encode()


def syscall_loop(root: Path, count: int, body: bytes, flush: str) -> None:
    """The PUT's file-system calls per object; `flush`: none, fsync (file and dir), or syncfs per batch."""
    work_dir, objects = root / "work", root / "objects" / "put-small"
    work_dir.mkdir(parents=True)
    objects.mkdir(parents=True)
    meta = _meta_bytes(len(body))
    for index in range(count):
        work = work_dir / f"w{index}"
        target = objects / f"obj-{index:06d}"
        fd = os.open(work, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        os.write(fd, body)
        os.setxattr(fd, XATTR_NAME, meta)
        try:
            os.getxattr(target, XATTR_NAME)  # the object in place, for the version rule
        except OSError:
            pass
        if flush == "fsync":
            os.fsync(fd)
        os.makedirs(objects, exist_ok=True)
        os.replace(work, target)
        if flush == "fsync":
            fsync_dir(objects)
        elif flush == "syncfs" and index % BATCH == BATCH - 1:
            syncfs(root)
        os.close(fd)
    if flush == "syncfs":
        syncfs(root)


def store_threads(root: Path, count: int, body: bytes) -> None:
    """The same objects through the storage engine, from WRITERS threads (group commit on)."""
    store = ObjectStore(MountpathSet([root / "disk"]))
    bucket = BucketId("floor")
    props = WriteProps()

    def put(index: int) -> None:
        with store.writer(bucket, f"put-small/obj-{index:06d}", props) as writer:
            writer.write(body)
            writer.commit()

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(put, range(count)))


def measure(label: str, count: int, run: Callable[[], None]) -> None:
    """Run once; print objects/s and CPU-µs per object (user and kernel)."""
    before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    run()
    after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
    user = (after.ru_utime - before.ru_utime) / count * 1e6
    kernel = (after.ru_stime - before.ru_stime) / count * 1e6
    print(
        f"{label:<40} {count / wall:>9,.0f} objects/s  {user + kernel:6.0f} CPU-µs/object"
        f" (user {user:4.0f}, kernel {kernel:4.0f})",
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run every variant in a fresh directory each; print the table and the load average."""
    args = parse_args(argv)
    body = os.urandom(args.size)
    base = Path(tempfile.mkdtemp(prefix="bench-put-floor-", dir=args.dir))
    load_before = os.getloadavg()
    try:
        print(f"{args.objects:,} objects of {args.size:,} bytes in {base}")
        for round_index in range(args.rounds):
            for flush in ("none", "fsync", "syncfs"):
                label = f"syscalls, flush {flush}" + (f" per {BATCH}" if flush == "syncfs" else "")
                root = base / f"{flush}-{round_index}"
                measure(label, args.objects, functools.partial(syscall_loop, root, args.objects, body, flush))
            engine = functools.partial(store_threads, base / f"engine-{round_index}", args.objects, body)
            measure(f"ObjectStore, {WRITERS} threads, group commit", args.objects, engine)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    loads = "/".join(f"{value:.2f}" for value in load_before)
    after = "/".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average (1/5/15 min) before: {loads}, after: {after} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
