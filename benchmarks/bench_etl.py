"""ETL throughput on a local 2-target cluster.

    .venv/bin/python benchmarks/bench_etl.py [--objects N] [--threads T] [--quick]

1. Inline: GETs of 10 KiB objects through an upper-casing init_code ETL vs plain GETs of the
   same objects, T client threads each, in alternating rounds; reports both rates and the ratio.
2. Offline: `bucket.transform` (etl-bck job) of N objects vs a client-side loop with our SDK
   (get, transform in the client, put), both into fresh buckets, in alternating rounds. The job's
   objects/s is reported over its own span (earliest start to latest end on the targets, as
   bench_copy.py does: the headline figure) and over the client's wall time (start request to
   `Job.wait()` returning, which rounds up to the SDK's next poll: 0.1, 0.3, 0.7, 1.5, 2.5 s...).
   Both sides also report CPU seconds per object (this process plus every cluster process, ETL
   children included), which other load on a shared machine disturbs less than objects/s.
"""

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import process_tree
from process_tree import descendants

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster

KIB = 1024
ETL_NAME = "bench-upper-etl"


def _upper(data: bytes) -> bytes:
    return data.upper()


def _parallel(threads: int, count: int, work: Callable[[Client, int], None], endpoint: str) -> float:
    """Seconds to run work(i) for i in range(count) over `threads` threads (own client each)."""
    turns = iter(range(count))
    lock = threading.Lock()

    def worker() -> None:
        client = Client(endpoint)
        while True:
            with lock:
                index = next(turns, None)
            if index is None:
                return
            work(client, index)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return time.perf_counter() - started


def inline(endpoint: str, bucket: str, objects: int, threads: int, rounds: int) -> tuple[float, float]:
    """(plain GET/s, ETL GET/s) over alternating rounds."""

    def plain(client: Client, index: int) -> None:
        client.bucket(bucket).object(f"o-{index:05d}").get().read_all()

    def through_etl(client: Client, index: int) -> None:
        data = client.bucket(bucket).object(f"o-{index:05d}").get(etl_id=ETL_NAME).read_all()
        assert data[:1].isupper()

    seconds = {"plain": 0.0, "etl": 0.0}
    for turn in range(rounds):
        order = [("plain", plain), ("etl", through_etl)]
        for label, work in order if turn % 2 == 0 else reversed(order):
            seconds[label] += _parallel(threads, objects, work, endpoint)
    return objects * rounds / seconds["plain"], objects * rounds / seconds["etl"]


def cpu_seconds(cluster: LocalCluster) -> float:
    """utime + stime of this process and of every cluster process (ETL children included)."""
    roots = [proc.pid for proc in (cluster.proxy, *cluster.targets) if proc is not None]
    pids = [os.getpid()] + [pid for root in roots for pid in (root, *descendants(root))]
    return process_tree.cpu_seconds(pids)


@dataclass
class Offline:
    """Seconds and CPU seconds of the job and of the client loop, summed over rounds."""

    job_wall: float = 0.0
    job_span: float = 0.0
    job_cpu: float = 0.0
    loop_wall: float = 0.0
    loop_cpu: float = 0.0


def offline(
    client: Client, cluster: LocalCluster, bucket: str, objects: int, turn: int, into: Offline
) -> None:
    """One etl-bck job and one client loop (order alternating by turn), each into a fresh bucket."""

    def job() -> None:
        server_dst = client.bucket(f"bench-etl-offline-{turn}")
        server_dst.create(exist_ok=True)
        cpu, started = cpu_seconds(cluster), time.perf_counter()
        job_id = client.bucket(bucket).transform(ETL_NAME, server_dst.name)
        client.job(job_id).wait(timeout=600, verbose=False)
        into.job_wall += time.perf_counter() - started
        into.job_cpu += cpu_seconds(cluster) - cpu
        span = client.job(job_id).get_total_time()
        assert span is not None
        into.job_span += span.total_seconds()
        assert len(server_dst.list_all_objects()) == objects
        server_dst.delete()

    def loop() -> None:
        loop_dst = client.bucket(f"bench-etl-loop-{turn}")
        loop_dst.create(exist_ok=True)
        source = client.bucket(bucket)
        cpu, started = cpu_seconds(cluster), time.perf_counter()
        for index in range(objects):
            name = f"o-{index:05d}"
            data = source.object(name).get().read_all()
            loop_dst.object(name).put(content=_upper(data))
        into.loop_wall += time.perf_counter() - started
        into.loop_cpu += cpu_seconds(cluster) - cpu
        loop_dst.delete()

    for work in (job, loop) if turn % 2 == 0 else (loop, job):
        work()


def main() -> None:
    """Run both measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="200 objects, one round")
    args = parser.parse_args()
    objects, rounds = (200, 1) if args.quick else (args.objects, args.rounds)
    payload = (b"pyaistore etl benchmark " * 500)[: 10 * KIB]
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalCluster(Path(tmp) / "cluster", targets=2, extra_args=("--no-fsync",)) as cluster,
    ):
        client = Client(cluster.endpoint)
        bucket = client.bucket("bench-etl-src")
        bucket.create()
        _parallel(
            args.threads,
            objects,
            lambda c, i: c.bucket(bucket.name).object(f"o-{i:05d}").put(content=payload) and None,
            cluster.endpoint,
        )
        client.etl(ETL_NAME).init_code(_upper)
        plain_rate, etl_rate = inline(cluster.endpoint, bucket.name, objects, args.threads, rounds)
        measured = Offline()
        for turn in range(rounds):
            offline(client, cluster, bucket.name, objects, turn, measured)
    done = objects * rounds
    job_rate, span_rate, loop_rate = (
        done / measured.job_wall,
        done / measured.job_span,
        done / measured.loop_wall,
    )
    print(f"machine: {os.cpu_count()} cores; {objects} objects of 10 KiB; {args.threads} client threads")
    print(f"inline  plain GET      {plain_rate:9.1f} obj/s")
    print(f"inline  ETL GET        {etl_rate:9.1f} obj/s   ratio ETL/plain = {etl_rate / plain_rate:.2f}")
    print(
        f"offline etl-bck job    {span_rate:9.1f} obj/s over its span, {job_rate:.1f} obj/s client wall;"
        f" {measured.job_cpu / done * 1e6:.0f} us CPU/obj"
    )
    print(f"offline client loop    {loop_rate:9.1f} obj/s; {measured.loop_cpu / done * 1e6:.0f} us CPU/obj")
    print(
        f"offline ratio job/loop = {span_rate / loop_rate:.2f} (span), {job_rate / loop_rate:.2f} (wall),"
        f" {measured.loop_cpu / measured.job_cpu:.2f} (CPU per object)"
    )


if __name__ == "__main__":
    main()
