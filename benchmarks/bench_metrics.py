"""What /metrics costs: the counting on the small-GET path, and a scrape after 10,000 objects' traffic.

Run: .venv/bin/python benchmarks/bench_metrics.py [--objects 10000] [--scrapes 50]

1. In-process (no network): the CPU per request of the counting middleware around a GET handler
   (a clock read, a dict lookup, three adds to the counter row), measured as the difference
   between calling a handler through the middleware and calling it directly.
2. A 1-target cluster (the target with its HTTP workers, as `serve` starts it) gets 10,000 PUTs
   and 10,000 GETs of 1 KiB objects through the proxy; then the scrape of the target's /metrics,
   of the proxy's /metrics and of every node through the proxy (`/v1/cluster?what=prometheus`)
   is timed `--scrapes` times each, side by side with `GET /v1/health` of the same node (the
   cheapest request it serves): the ratio is what a scrape costs over a bare round trip.
3. The counts scraped must equal the traffic sent (else exit status 1).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from pyaistore.monitoring.exposition import parse
from pyaistore.monitoring.request_counters import NodeCounters
from pyaistore.server.local_cluster import LocalCluster
from pyaistore.web import request_metrics, target_handlers
from pyaistore.wire import metric_names


def middleware_cost_us(calls: int = 200_000) -> float:
    """CPU µs the counting middleware adds to one GET (through it minus direct)."""
    counters = NodeCounters([0] * len(metric_names.REQUEST_COUNTERS))
    middleware = request_metrics.make_middleware(counters, proxy=False)
    request = make_mocked_request(
        "GET", "/v1/objects/bench/obj", match_info={"bucket": "bench", "name": "obj"}
    )
    request.match_info.route.handler = target_handlers.get  # type: ignore[misc]  # the route a GET matches
    reply = web.Response(body=b"x" * 1024)

    async def handler(_: web.Request) -> web.StreamResponse:
        return reply

    async def measure() -> float:
        started = time.process_time()
        for _ in range(calls):
            await middleware(request, handler)
        middle = time.process_time()
        for _ in range(calls):
            await handler(request)
        return ((middle - started) - (time.process_time() - middle)) / calls * 1e6

    cost = asyncio.run(measure())
    assert counters.row[metric_names.COLUMN["get_count"]] == calls
    return cost


def timed(work: Callable[[], object], times: int) -> list[float]:
    """Wall milliseconds of each of `times` calls."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        work()
        spent.append((time.perf_counter() - started) * 1e3)
    return spent


def traffic(endpoint: str, objects: int) -> None:
    """PUT then GET `objects` 1 KiB objects through the proxy, 8 threads, one session each."""
    body = os.urandom(1024)
    sessions: dict[int, requests.Session] = {}

    def session() -> requests.Session:
        import threading

        return sessions.setdefault(threading.get_ident(), requests.Session())

    def put(index: int) -> None:
        session().put(f"{endpoint}/v1/objects/bench/o{index}", data=body, timeout=60).raise_for_status()

    def get(index: int) -> None:
        session().get(f"{endpoint}/v1/objects/bench/o{index}", timeout=60).raise_for_status()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, range(objects)))
        list(pool.map(get, range(objects)))


def summary(name: str, spent: Sequence[float], health: Sequence[float]) -> str:
    """One line: median and p90 in ms, and the ratio of medians to the health round trip."""
    median, base = statistics.median(spent), statistics.median(health)
    p90 = statistics.quantiles(spent, n=10)[-1]
    return f"{name:>42}: median {median:7.2f} ms, p90 {p90:7.2f} ms, {median / base:6.1f} x GET /v1/health"


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--scrapes", type=int, default=50)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    print(f"counting middleware, per GET: {middleware_cost_us():.2f} µs CPU")
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as work:
        cluster = LocalCluster(Path(work), targets=1)
        try:
            cluster.start()
            requests.post(
                f"{cluster.endpoint}/v1/buckets/bench", json={"action": "create-bck"}, timeout=30
            ).raise_for_status()
            started = time.perf_counter()
            traffic(cluster.endpoint, args.objects)
            spent = time.perf_counter() - started
            print(f"traffic: {args.objects:,} PUTs + {args.objects:,} GETs in {spent:.1f} s")
            smap = requests.get(f"{cluster.endpoint}/v1/daemon", params={"what": "smap"}, timeout=30).json()
            [target] = smap["tmap"].values()
            target_url = target["public_net"]["direct_url"]
            session = requests.Session()
            results = {}
            for name, url, health in (
                ("target /metrics", f"{target_url}/metrics", f"{target_url}/v1/health"),
                ("proxy /metrics", f"{cluster.endpoint}/metrics", f"{cluster.endpoint}/v1/health"),
                (
                    "every node via /v1/cluster?what=prometheus",
                    f"{cluster.endpoint}/v1/cluster?what=prometheus",
                    f"{cluster.endpoint}/v1/health",
                ),
            ):
                scrape = timed(lambda url=url: session.get(url, timeout=30).raise_for_status(), args.scrapes)
                base = timed(
                    lambda health=health: session.get(health, timeout=30).raise_for_status(), args.scrapes
                )
                results[name] = summary(name, scrape, base)
            text = session.get(f"{target_url}/metrics", timeout=30).text
        finally:
            cluster.stop()
    for line in results.values():
        print(line)
    values = {s.name: s.value for s in parse(text) if s.name.endswith(("_get_count", "_put_count"))}
    print(f"target exposition: {len(text):,} bytes; counts scraped: {values}")
    load_after = os.getloadavg()
    print(
        f"load average before: {'/'.join(f'{x:.2f}' for x in load_before)}, "
        f"after: {'/'.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} CPUs"
    )
    expected = float(args.objects)
    ok = values.get("ais_target_get_count") == expected and values.get("ais_target_put_count") == expected
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
