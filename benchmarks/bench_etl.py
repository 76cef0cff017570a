"""ETL throughput on a local 2-target cluster (issue 5's measurement).

    .venv/bin/python benchmarks/bench_etl.py [--objects N] [--threads T] [--quick]

1. Inline: GETs of 10 KiB objects through an upper-casing init_code ETL vs plain GETs of the
   same objects, T client threads each, in alternating rounds; reports both rates and the ratio.
2. Offline: `bucket.transform` (etl-bck job) of N objects vs a client-side loop with our SDK
   (get, transform in the client, put), both into fresh buckets; reports objects/s and the ratio.
"""

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

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


def offline(client: Client, bucket: str, objects: int) -> tuple[float, float]:
    """(etl-bck objects/s, client loop objects/s)."""
    server_dst = client.bucket("bench-etl-offline")
    server_dst.create(exist_ok=True)
    started = time.perf_counter()
    job_id = client.bucket(bucket).transform(ETL_NAME, server_dst.name)
    client.job(job_id).wait(timeout=600, verbose=False)
    server_rate = objects / (time.perf_counter() - started)
    assert len(server_dst.list_all_objects()) == objects

    loop_dst = client.bucket("bench-etl-loop")
    loop_dst.create(exist_ok=True)
    source = client.bucket(bucket)
    started = time.perf_counter()
    for index in range(objects):
        name = f"o-{index:05d}"
        data = source.object(name).get().read_all()
        loop_dst.object(name).put(content=_upper(data))
    loop_rate = objects / (time.perf_counter() - started)
    return server_rate, loop_rate


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
        server_rate, loop_rate = offline(client, bucket.name, objects)
    print(f"machine: {os.cpu_count()} cores; {objects} objects of 10 KiB; {args.threads} client threads")
    print(f"inline  plain GET      {plain_rate:9.1f} obj/s")
    print(f"inline  ETL GET        {etl_rate:9.1f} obj/s   ratio ETL/plain = {etl_rate / plain_rate:.2f}")
    print(f"offline etl-bck job    {server_rate:9.1f} obj/s")
    print(f"offline client loop    {loop_rate:9.1f} obj/s   ratio job/loop = {server_rate / loop_rate:.2f}")


if __name__ == "__main__":
    main()
