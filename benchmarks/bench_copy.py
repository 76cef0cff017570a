"""Bucket copy throughput: 10,000 x 10 KiB objects copied by a copy-bck job on a local 2-target cluster.

    .venv/bin/python benchmarks/bench_copy.py [--objects N] [--size BYTES] [--rounds R] [--no-fsync]

The source bucket is filled once (PUTs straight to each object's owner, in parallel); then each
round starts `Bucket.copy()` through pyaistore.sdk into a fresh destination and waits for the job
with `Job.wait()`. Reported per round: objects/s over the job's own span (the earliest start to
the latest end on the targets, from `get_details()`), and over the client's wall time (start
request to wait() returning, which includes the SDK's polling granularity). Every round checks
that the destination holds every object. The headline figure is the job-span objects/s.
"""

import argparse
import concurrent.futures
import os
import statistics
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

_local = threading.local()


def _session() -> requests.Session:
    session: requests.Session | None = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def fill(endpoint: str, bucket: str, count: int, size: int) -> None:
    """PUT `count` objects of `size` random bytes straight to their owners, 16 at a time."""
    smap = Smap.from_json(requests.get(f"{endpoint}/v1/daemon", params={"what": "smap"}, timeout=10).json())
    data = os.urandom(size)

    def put(index: int) -> None:
        name = f"obj-{index:06d}"
        owner = hrw.choose(smap.targets.values(), BucketId(bucket).object_uname(name))
        assert owner is not None
        url = f"{owner.public_net.url}/v1/objects/{bucket}/{quote(name)}?provider=ais"
        _session().put(url, data=data, timeout=60).raise_for_status()

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(put, range(count)))


def copy_round(client: Client, src: str, dst: str, count: int, workers: int) -> tuple[float, float]:
    """One copy job into `dst`; returns (job-span seconds, client wall seconds)."""
    started = time.perf_counter()
    job_id = client.bucket(src).copy(dst, num_workers=workers)
    result = client.job(job_id).wait(timeout=600, verbose=False)
    wall = time.perf_counter() - started
    if not result.success:
        raise RuntimeError(f"copy job {job_id} failed: {result.error}")
    snaps = [snap for per_node in client.job(job_id).get_details().values() for snap in per_node]
    span_ns = max(parse_time(s.end_time) for s in snaps) - min(parse_time(s.start_time) for s in snaps)
    copied = sum(s.stats.get("loc-objs", 0) for s in snaps)
    listed = len(client.bucket(dst).list_all_objects())
    if copied != count or listed != count:
        raise RuntimeError(f"copy job {job_id}: {copied} copied, {listed} listed, {count} expected")
    return span_ns / 1e9, wall


def run(args: argparse.Namespace) -> int:
    """Start the cluster, fill the source, run the rounds, print the figures."""
    extra = ("--no-fsync",) if args.no_fsync else ()
    with (
        tempfile.TemporaryDirectory(prefix="bench-copy-") as tmp,
        LocalCluster(Path(tmp), targets=2, extra_args=extra) as cluster,
    ):
        client = Client(cluster.endpoint)
        client.bucket("copysrc").create()
        started = time.perf_counter()
        fill(cluster.endpoint, "copysrc", args.objects, args.size)
        elapsed = time.perf_counter() - started
        print(f"filled {args.objects:,} x {args.size:,} B in {elapsed:.1f} s", flush=True)
        spans: list[float] = []
        for index in range(args.rounds):
            dst = f"copydst-{index}"
            span, wall = copy_round(client, "copysrc", dst, args.objects, args.workers)
            spans.append(span)
            print(
                f"round {index + 1}: job span {span:.2f} s = {args.objects / span:,.0f} objects/s"
                f" ({args.objects * args.size / span / 2**20:,.1f} MiB/s);"
                f" client wall {wall:.2f} s = {args.objects / wall:,.0f} objects/s",
                flush=True,
            )
            client.bucket(dst).delete()
        load = os.getloadavg()[0]
        best, median = min(spans), statistics.median(spans)
        print(
            f"copy-bck {args.objects:,} x {args.size // 1024} KiB, 2 targets"
            f"{', no fsync' if args.no_fsync else ''}: best {args.objects / best:,.0f} objects/s,"
            f" median {args.objects / median:,.0f} objects/s (load average {load:.1f}, {os.cpu_count()} CPUs)"
        )
    return 0


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=10 * 1024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="num-workers of the job (0: the default)")
    parser.add_argument("--no-fsync", action="store_true", help="targets acknowledge writes without fsync")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
