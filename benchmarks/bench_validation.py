"""What validating every request costs on the small-GET path: its CPU per request, measured
in-process, as a share of the target's CPU per GET 1 KiB measured under wrk, side by side with nginx.

Run: .venv/bin/python benchmarks/bench_validation.py [--rounds 3] [--duration 5]

1. In-process (no network): the per-request CPU of what a target validates on a small GET before
   it opens the file (bucket and object name, archive query, redirect marker, the middleware that
   applies the internal-route flags, frame included) and of a ranged GET's Range header; and the
   bounded JSON parse of a control body (orjson plus the depth check) next to plain `json.loads`.
2. Side by side: a 1-target pyaistore and nginx serving the same 1 KiB objects under the same wrk
   load (bench_http's machinery), with the CPU time the pyaistore target processes spent during
   each run (from /proc), so CPU per request = CPU seconds / successful requests.
3. The verdict: validation CPU / target CPU per request must stay within 5%.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from aiohttp.test_utils import make_mocked_request
from bench_http import SMALL, WORKLOADS, install_cleanup, populate, run_workload
from debian_packages import ensure_tools
from nginx_peer import NginxPeer
from process_tree import cpu_seconds
from pyaistore_peer import PyaistorePeer

from pyaistore.target import byte_range
from pyaistore.web import cluster_auth, request_parsing, target_handlers

BUDGET = 0.05


def per_call_us(work: Callable[[], object], seconds: float = 1.0) -> float:
    """CPU microseconds per call of `work`, over about `seconds` of CPU."""
    calls, started = 0, time.process_time()
    while (spent := time.process_time() - started) < seconds:
        for _ in range(1000):
            work()
        calls += 1000
    return spent / calls * 1e6


def validation_costs() -> dict[str, float]:
    """Per-request CPU (µs) of each validation step of a small GET, and of a control body's parse."""
    request = make_mocked_request(
        "GET",
        "/v1/objects/bench/small/obj-00042?provider=ais",
        match_info={"bucket": "bench", "name": "small/obj-00042"},
    )

    def parse_get() -> None:
        request_parsing.bucket_id(request)
        request_parsing.object_name(request)
        request_parsing.archive_query(request)
        request_parsing.is_redirected(request)

    def flag() -> str:
        return cluster_auth.access_of(target_handlers.get)

    request.match_info.route.handler = target_handlers.get  # the route a small GET matches (public)
    middleware = cluster_auth.make_middleware(None)  # type: ignore[arg-type]  # public route: no context used

    async def handler(_: object) -> None:
        return None

    async def through_middleware(calls: int) -> float:
        started = time.process_time()
        for _ in range(calls):
            await middleware(request, handler)  # type: ignore[arg-type]
        middle = time.process_time()
        for _ in range(calls):
            await handler(request)
        return ((middle - started) - (time.process_time() - middle)) / calls * 1e6

    body = json.dumps({"action": "list", "name": "", "value": {"prefix": "a/", "pagesize": 1000}}).encode()
    return {
        "GET name and query checks": per_call_us(parse_get),
        "internal-route flag": per_call_us(flag),
        "internal-route middleware (one more frame)": asyncio.run(through_middleware(200_000)),
        "Range header (ranged GET only)": per_call_us(lambda: byte_range.parse("bytes=0-511")),
        "control body, bounded (orjson + depth)": per_call_us(lambda: request_parsing.parse_json(body)),
        "control body, json.loads (unbounded)": per_call_us(lambda: json.loads(body)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print and save."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per peer; the best counts")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--small-count", type=int, default=2000)
    args = parser.parse_args(argv)
    costs = validation_costs()
    for step, cost in costs.items():
        print(f"{step:>42}: {cost:6.2f} µs")
    ensure_tools()
    load_before = os.getloadavg()
    work_dir = Path(tempfile.mkdtemp(prefix="bench-validation-"))
    subject, reference = PyaistorePeer(work_dir=work_dir), NginxPeer(work_dir=work_dir)

    def cleanup() -> None:
        for peer in (subject, reference):
            peer.stop()
        shutil.rmtree(work_dir, ignore_errors=True)

    install_cleanup(cleanup)
    wrk_args = argparse.Namespace(
        threads=2,
        connections=32,
        duration=args.duration,
        warmup=1,
        small_count=args.small_count,
        large_count=1,
    )
    workload = next(w for w in WORKLOADS if w.mode == "get" and w.size == SMALL)
    best = {"pyaistore": 0.0, "nginx": 0.0}
    cpu_per_request_us = float("inf")
    try:
        for peer in (subject, reference):
            peer.start()
        populate((subject, reference), args.small_count, 0)
        targets = [pid for role, pid in subject.server_pids().items() if "target" in role or "worker" in role]
        for round_index in range(1, args.rounds + 1):
            for peer in (subject, reference) if round_index % 2 else (reference, subject):
                before = cpu_seconds(targets)
                result = run_workload(workload, peer, wrk_args, round_index, {})
                spent = cpu_seconds(targets) - before
                if result is None or not result.successful:
                    continue
                best[peer.label] = max(best[peer.label], result.requests_per_s)
                if peer is subject:
                    # warm-up requests are not counted: they are few, and make the share look smaller
                    cpu_per_request_us = min(cpu_per_request_us, spent / result.successful * 1e6)
    finally:
        cleanup()
    on_path = costs["GET name and query checks"] + costs["internal-route middleware (one more frame)"]
    share = on_path / cpu_per_request_us
    load_after = os.getloadavg()
    print(
        f"\nGET 1 KiB: pyaistore {best['pyaistore']:,.0f} req/s, nginx {best['nginx']:,.0f} req/s, "
        f"ratio {best['pyaistore'] / max(best['nginx'], 1):.3f}"
    )
    print(
        f"pyaistore target CPU per GET 1 KiB: {cpu_per_request_us:.1f} µs; validation on that path: "
        f"{on_path:.2f} µs = {share:.1%} (budget {BUDGET:.0%}); a ranged GET adds "
        f"{costs['Range header (ranged GET only)']:.2f} µs"
    )
    print(
        f"load average before: {'/'.join(f'{x:.2f}' for x in load_before)}, "
        f"after: {'/'.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} CPUs"
    )
    return 0 if share <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
