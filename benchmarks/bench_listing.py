"""List a bucket of 1,000,000 zero-byte objects over 2 targets with our SDK: objects/s and memory.

Run: .venv/bin/python benchmarks/bench_listing.py [--objects 1000000] [--per-dir 500]

1. Start a 1-proxy, 2-target cluster (pyaistore.server.local_cluster) and create bucket `bench`.
2. Populate: names `dir-NNNN/obj-NNNNNNN`, `--per-dir` objects per directory. Each object is
   written straight into its owning target's store (HRW over the cluster map, then HRW over the
   target's mountpaths) by the storage engine the target itself uses: the same atomic write,
   metadata and layout as a PUT, one process per target, without fsync and then one sync of the
   disks. A million PUTs over HTTP would take most of an hour on 2 cores; listing, the thing
   measured, reads exactly what PUTs would have left.
3. List the whole bucket with `Bucket.list_objects_iter()` (props name,size; the cluster's page
   size) and count objects/s, while a thread samples the RSS of the proxy and both targets every
   0.5 s, so memory can be seen to stay flat from the first page to the last.
4. List one directory's prefix (`--per-dir` objects) several times: its latency.
5. The peers, in the same run: the whole bucket listed again with props name,size,checksum (the
   targets read every object's metadata, the path any property beyond name and size takes), and
   the same names listed by an `os.scandir` walk of the targets' object directories (names only,
   sorted at the end); each as a ratio.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import requests
from process_tree import cpu_seconds, rss_bytes
from pyaistore_peer import BUCKET, PyaistorePeer

from pyaistore.cluster.placement import owner
from pyaistore.sdk import Client
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_locks import LOCKS_DIR
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Smap

MIB = 1024 * 1024
# Properties that need each object's metadata (the checksum), for the same-run peer listing.
METADATA_PROPS = "name,size,checksum"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--objects", type=int, default=1_000_000, help="objects in the bucket (1,000,000)")
    parser.add_argument("--per-dir", type=int, default=500, help="objects per directory (500)")
    parser.add_argument("--prefix-runs", type=int, default=20, help="listings of one directory's prefix")
    parser.add_argument("--work-dir", type=Path, help="parent of the cluster's temp dir (default: temp)")
    return parser.parse_args(argv)


def object_name(index: int, per_dir: int) -> str:
    """The name of object `index`: its directory, then itself."""
    return f"dir-{index // per_dir:05d}/obj-{index:07d}"


def _populate_target(data_dir: str, mountpaths: list[str], names: list[str]) -> int:
    """Write zero-byte objects into one target's store (run in a child process)."""
    store = ObjectStore(MountpathSet(mountpaths), lock_dir=Path(data_dir) / LOCKS_DIR, fsync=False)
    bucket = BucketId(BUCKET)
    store.ensure_bucket(bucket)
    props = WriteProps()
    for name in names:
        with store.writer(bucket, name, props) as writer:
            writer.commit()
    return len(names)


def populate(peer: PyaistorePeer, count: int, per_dir: int) -> tuple[float, list[Path]]:
    """Write `count` objects to their owning targets; returns seconds taken and the object dirs."""
    smap = Smap.from_json(requests.get(f"{peer.endpoint}/v1/daemon?what=smap", timeout=30).json())
    bucket = BucketId(BUCKET)
    shares: dict[str, list[str]] = {node_id: [] for node_id in smap.targets}
    for index in range(count):
        name = object_name(index, per_dir)
        shares[owner(smap, bucket, name).daemon_id].append(name)
    started = time.monotonic()
    object_dirs = []
    with ProcessPoolExecutor(len(shares)) as pool:
        futures = []
        for node_id, names in shares.items():
            url = smap.targets[node_id].public_net.url
            config = requests.get(f"{url}/v1/daemon?what=config", timeout=30).json()["local"]
            object_dirs += [Path(root) for root in config["mountpaths"]]
            futures.append(pool.submit(_populate_target, config["data_dir"], config["mountpaths"], names))
        written = sum(future.result() for future in futures)
    os.sync()
    assert written == count
    elapsed = time.monotonic() - started
    print(f"populated {count:,} objects in {elapsed:.0f}s over {len(shares)} targets: {_shares(shares)}")
    return elapsed, object_dirs


def _shares(shares: dict[str, list[str]]) -> str:
    return ", ".join(f"{node_id} {len(names):,}" for node_id, names in shares.items())


class MemoryTrace:
    """Sample the RSS of named processes every `interval_s`, with how many objects were listed then."""

    def __init__(self, pids: dict[str, int], interval_s: float = 0.5) -> None:
        """Remember what to sample; start() begins."""
        self.pids = pids
        self.interval_s = interval_s
        self.listed = 0
        self.samples: list[tuple[int, dict[str, int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        """Sample in the background until stop()."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling (one last sample is taken)."""
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(self.interval_s):
                self._sample()
                return

    def _sample(self) -> None:
        self.samples.append((self.listed, {name: rss_bytes(pid) or 0 for name, pid in self.pids.items()}))

    def report(self, total: int) -> str:
        """RSS (MiB) of each process at 0, 10, 50, 90 and 100% of the listing, and its peak."""
        lines = []
        for name in self.pids:
            marks = []
            for fraction in (0.0, 0.1, 0.5, 0.9, 1.0):
                sample = next((rss for listed, rss in self.samples if listed >= fraction * total), None)
                marks.append(f"{sample[name] / MIB:.0f}" if sample else "-")
            peak = max(rss[name] for _, rss in self.samples) / MIB
            lines.append(f"  {name:<18} RSS MiB at 0/10/50/90/100%: {' / '.join(marks)}, peak {peak:.0f}")
        return "\n".join(lines)


def list_all(
    peer: PyaistorePeer, expected: int, props: str = ""
) -> tuple[float, MemoryTrace, dict[str, float]]:
    """List the whole bucket with the SDK; returns objects/s, the memory trace and CPU-µs per object
    of each server process and of this client."""
    pids = {name: pid for name, pid in peer.server_pids().items() if name.startswith(("proxy", "target"))}
    trace = MemoryTrace(pids)
    bucket = Client(peer.endpoint).bucket(BUCKET)
    cpu_before = {name: cpu_seconds([pid]) for name, pid in pids.items()}
    client_before = _own_cpu()
    trace.start()
    started = time.monotonic()
    previous = ""
    count = 0
    for entry in bucket.list_objects_iter(props=props):
        if entry.name <= previous:
            raise RuntimeError(f"listing out of order: {entry.name!r} after {previous!r}")
        previous = entry.name
        count += 1
        if count % 10_000 == 0:
            trace.listed = count
    elapsed = time.monotonic() - started
    trace.listed = count
    cpu = {name: (cpu_seconds([pid]) - cpu_before[name]) / count * 1e6 for name, pid in pids.items()}
    cpu["client (SDK)"] = (_own_cpu() - client_before) / count * 1e6
    trace.stop()
    if count != expected:
        raise RuntimeError(f"listed {count:,} objects, expected {expected:,}")
    return count / elapsed, trace, cpu


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def list_prefix(peer: PyaistorePeer, per_dir: int, runs: int, count: int) -> list[float]:
    """Latency (ms) of listing one directory's prefix, `runs` times over different directories."""
    bucket = Client(peer.endpoint).bucket(BUCKET)
    dirs = max(1, count // per_dir)
    latencies = []
    for run in range(runs):
        prefix = object_name((run * 7919 % dirs) * per_dir, per_dir).split("/")[0] + "/"
        started = time.monotonic()
        names = [entry.name for entry in bucket.list_objects_iter(prefix=prefix)]
        latencies.append((time.monotonic() - started) * 1000)
        if len(names) != min(per_dir, count) or not all(name.startswith(prefix) for name in names):
            raise RuntimeError(f"prefix {prefix}: listed {len(names)} names")
    return sorted(latencies)


def scandir_peer(object_dirs: list[Path], expected: int) -> float:
    """Objects/s of an os.scandir walk over the same names (the object trees), sorted at the end."""
    started = time.monotonic()
    names: list[str] = []
    for root in object_dirs:
        pending = [root]
        while pending:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(Path(entry.path))
                    elif entry.is_file(follow_symlinks=False) and entry.name.startswith("obj-"):
                        names.append(entry.path)
    names.sort()
    elapsed = time.monotonic() - started
    if len(names) != expected:
        raise RuntimeError(f"scandir found {len(names):,} objects, expected {expected:,}")
    return expected / elapsed


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    load_before = os.getloadavg()
    peer = PyaistorePeer(targets=2, work_dir=args.work_dir)
    atexit.register(peer.stop)
    peer.start()
    print(f"pyaistore serving at {peer.endpoint} (2 targets)")
    _, object_dirs = populate(peer, args.objects, args.per_dir)
    rate, trace, cpu = list_all(peer, args.objects)
    print(f"list_objects_iter: {args.objects:,} objects at {rate:,.0f} objects/s")
    print(trace.report(args.objects))
    print("CPU-µs per object listed: " + ", ".join(f"{name} {cost:.1f}" for name, cost in cpu.items()))
    meta_rate, _, meta_cpu = list_all(peer, args.objects, METADATA_PROPS)
    print(f"the same with props {METADATA_PROPS}: {meta_rate:,.0f} objects/s; ratio {rate / meta_rate:.2f}")
    print("  CPU-µs per object listed: " + ", ".join(f"{name} {cost:.1f}" for name, cost in meta_cpu.items()))
    latencies = list_prefix(peer, args.per_dir, args.prefix_runs, args.objects)
    median, worst = latencies[len(latencies) // 2], latencies[-1]
    runs = len(latencies)
    print(f"prefix of {args.per_dir} objects: median {median:.1f} ms, max {worst:.1f} ms over {runs} runs")
    peer_rate = scandir_peer(object_dirs, args.objects)
    print(f"os.scandir walk of the same names: {peer_rate:,.0f} objects/s; ratio {rate / peer_rate:.3f}")
    load_after = os.getloadavg()
    print(f"load average (1/5/15 min) before: {_loads(load_before)}, after: {_loads(load_after)}", end="")
    print(f" on {os.cpu_count()} CPUs")
    return 0


def _loads(loads: tuple[float, float, float]) -> str:
    return " / ".join(f"{value:.2f}" for value in loads)


if __name__ == "__main__":
    sys.exit(main())
