"""Rebalance throughput and its cost to clients: a third target joins two that hold the data.

    .venv/bin/python benchmarks/bench_rebalance.py [--total 2GiB] [--size 1MiB] [--readers 4]

1. A local 2-target cluster gets `--total` bytes of `--size` random objects (PUT straight to each
   owner, 16 in parallel).
2. A steady GET load starts (`--readers` threads, random objects through the proxy, 301 followed)
   and runs for `--baseline` seconds: the GET rate before.
3. A third target joins; the rebalance it triggers moves about a third of the objects. Its span is
   read from the targets' job snapshots (earliest start to latest end), the bytes moved from their
   `out-bytes`; the GET rate is counted over that span, and every GET must succeed.
4. The peer, side by side on the same disk: `cp -a` of the same number of files of the same size
   from one target's disk into a fresh directory (and again with a `sync` after it, since the
   rebalance's receiver fsyncs every object before the sender drops its copy).

Printed: MiB/s and objects/s moved by the rebalance and by cp -a, the ratio (goal >= 0.5 for
1 MiB objects), and the GET rate during / before (goal >= 0.7).
"""

import argparse
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import requests

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import hrw
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import parse_time
from pyaistore.wire.messages import Smap

BUCKET = "reb"
_local = threading.local()


def _session() -> requests.Session:
    session: requests.Session | None = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def parse_size(text: str) -> int:
    """'2GiB', '10KiB', '1048576' -> bytes."""
    units = {"KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    upper = text.strip().upper()
    for suffix, factor in units.items():
        if upper.endswith(suffix):
            return int(float(upper[: -len(suffix)]) * factor)
    return int(upper)


def fill(endpoint: str, names: list[str], size: int) -> None:
    """PUT every object straight to its owner, 16 at a time (random bytes, one buffer reused)."""
    smap = Smap.from_json(requests.get(f"{endpoint}/v1/daemon", params={"what": "smap"}, timeout=10).json())
    data = os.urandom(size)

    def put(name: str) -> None:
        owner = hrw.choose(smap.targets.values(), BucketId(BUCKET).object_uname(name))
        assert owner is not None
        url = f"{owner.public_net.url}/v1/objects/{BUCKET}/{quote(name)}?provider=ais"
        _session().put(url, data=data, timeout=120).raise_for_status()

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(put, names))


class GetLoad:
    """Threads that GET random objects through the proxy and time-stamp every completed GET."""

    def __init__(self, endpoint: str, names: list[str], threads: int) -> None:
        self._endpoint, self._names = endpoint, names
        self.done: list[float] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        rng = random.Random()
        session = requests.Session()
        while not self._stop.is_set():
            name = rng.choice(self._names)
            try:
                reply = session.get(f"{self._endpoint}/v1/objects/{BUCKET}/{quote(name)}", timeout=60)
                reply.raise_for_status()
            except requests.RequestException as exc:
                self.failures.append(f"{name}: {exc}")
                continue
            self.done.append(time.time())

    def start(self) -> None:
        """Start every thread."""
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop and join every thread."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def rate(self, start: float, end: float) -> float:
        """Completed GETs per second between two wall-clock times."""
        return sum(1 for t in self.done if start <= t < end) / max(end - start, 1e-9)


def latest_generation(client: Client) -> int:
    """N of the newest rebalance g<N> the cluster knows (0: none)."""
    jobs = client.cluster().list_jobs_status(job_kind="rebalance") or []
    return max((int(job.uuid[1:]) for job in jobs), default=0)


def rebalance_figures(client: Client, after: int) -> tuple[str, float, float, int, int]:
    """(job ID, start, end (unix s), objects moved, bytes moved) of the first rebalance after
    generation `after`, once every rebalance has finished."""
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline:
        jobs = client.cluster().list_jobs_status(job_kind="rebalance") or []
        newer = [job for job in jobs if int(job.uuid[1:]) > after]
        if newer and all(job.end_time for job in jobs):
            latest = max(newer, key=lambda job: int(job.uuid[1:]))
            snaps = [s for per in client.job(latest.uuid).get_details().values() for s in per]
            start = min(parse_time(s.start_time) for s in snaps) / 1e9
            end = max(parse_time(s.end_time) for s in snaps) / 1e9
            objects = sum(int(s.stats.get("out-objs", 0)) for s in snaps)
            moved = sum(int(s.stats.get("out-bytes", 0)) for s in snaps)
            return latest.uuid, start, end, objects, moved
        time.sleep(0.2)
    raise TimeoutError("rebalance did not finish")


def copy_peer(source_dir: Path, count: int, size: int, scratch: Path) -> tuple[float, float]:
    """cp -a of `count` files of `size` bytes on the same disk: (seconds, seconds with sync)."""
    files = source_dir / "cp-src"
    files.mkdir()
    data = os.urandom(size)
    for index in range(count):
        (files / f"f{index:07d}").write_bytes(data)
    subprocess.run(["sync"], check=True)
    timings = []
    for with_sync in (False, True):
        target = scratch / f"cp-dst-{int(with_sync)}"
        started = time.perf_counter()
        subprocess.run(["cp", "-a", str(files), str(target)], check=True)
        if with_sync:
            subprocess.run(["sync"], check=True)
        timings.append(time.perf_counter() - started)
        shutil.rmtree(target)
        subprocess.run(["sync"], check=True)
    shutil.rmtree(files)
    return timings[0], timings[1]


def run(args: argparse.Namespace) -> int:
    """Fill, load, join, measure, compare; non-zero exit when a GET failed."""
    size, total = parse_size(args.size), parse_size(args.total)
    count = max(1, total // size)
    names = [f"o/{i:07d}" for i in range(count)]
    with tempfile.TemporaryDirectory(prefix="bench-reb-", dir=args.dir) as tmp:
        with LocalCluster(Path(tmp) / "cluster", targets=2) as cluster:
            client = Client(cluster.endpoint)
            client.bucket(BUCKET).create()
            started = time.perf_counter()
            fill(cluster.endpoint, names, size)
            fill_s = time.perf_counter() - started
            print(f"filled {count:,} x {size:,} B in {fill_s:.1f} s", flush=True)
            subprocess.run(["sync"], check=True)
            load = GetLoad(cluster.endpoint, names, args.readers)
            load.start()
            time.sleep(args.baseline)
            before_join = latest_generation(client)
            joined = time.time()
            cluster.add_target()
            cluster.wait_ready(3)
            job_id, start, end, moved_objs, moved_bytes = rebalance_figures(client, before_join)
            load.stop()
            before = load.rate(joined - args.baseline, joined)
            during = load.rate(start, end)
        cp_s, cp_sync_s = copy_peer(Path(tmp), moved_objs, size, Path(tmp))
    span = end - start
    mib = moved_bytes / 2**20
    print(f"rebalance {job_id}: {moved_objs:,} objects, {mib:,.1f} MiB in {span:.2f} s", flush=True)
    rows = [
        ("rebalance", span),
        ("cp -a", cp_s),
        ("cp -a + sync", cp_sync_s),
    ]
    print(f"{'':14} {'seconds':>9} {'MiB/s':>9} {'objects/s':>10}")
    for label, seconds in rows:
        print(f"{label:14} {seconds:9.2f} {mib / seconds:9.1f} {moved_objs / seconds:10,.0f}")
    print(
        f"ratio rebalance / cp -a: {cp_s / span:.2f} (goal >= 0.5 for 1 MiB objects);"
        f" / cp -a + sync: {cp_sync_s / span:.2f}"
    )
    print(
        f"GET rate before {before:,.0f}/s, during the rebalance {during:,.0f}/s:"
        f" ratio {during / before if before else 0:.2f} (goal >= 0.7); failed GETs: {len(load.failures)}"
    )
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    for failure in load.failures[:5]:
        print("  failed:", failure)
    return 1 if load.failures else 0


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--total", default="2GiB", help="bytes stored before the join")
    parser.add_argument("--size", default="1MiB", help="object size")
    parser.add_argument("--readers", type=int, default=4, help="GET threads of the steady load")
    parser.add_argument("--baseline", type=float, default=5.0, help="seconds of load before the join")
    parser.add_argument("--dir", default=None, help="where the cluster and the cp -a files live")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
