"""The redirect tax: GET 1 KiB through the proxy (301 to the owner, then the GET) vs straight to it.

    .venv/bin/python benchmarks/bench_redirect.py [--seconds 5] [--threads 8] [--objects 2000]

One local cluster (1 proxy, 2 targets) per front setting (the lean front on, then off), the same
objects, and three clients each way, run in turn in one session: raw `requests` (a keep-alive
session that follows the redirect; direct = the owner's URL computed from the cluster map),
pyaistore.sdk and the official aistore SDK (`get_reader()` vs `get_reader(direct=True)`). Prints
GET/s per client and mode, the ratio via-proxy / direct (goal >= 0.6), and the cluster's CPU-µs
per GET (all its processes, from /proc) beside the client's own (this process). See
benchmarks/README.md.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests
from aistore.sdk import Client as OfficialClient
from aistore.sdk.types import Smap
from process_tree import cpu_seconds, descendants

from pyaistore.sdk import Client as OurClient
from pyaistore.server.local_cluster import LocalCluster

KIB = 1024
BUCKET = "redirect-bench"


def run_for(seconds: float, threads: int, op: Callable[[int, int], None]) -> int:
    """Call op(thread, i) in `threads` threads for `seconds`; the number of calls completed."""
    done = [0] * threads
    stop = time.monotonic() + seconds

    def loop(thread: int) -> None:
        count = 0
        while time.monotonic() < stop:
            op(thread, count)
            count += 1
        done[thread] = count

    pool = [threading.Thread(target=loop, args=(index,)) for index in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(done)


def clients(
    endpoint: str, names: list[str], threads: int
) -> dict[str, dict[str, Callable[[int, int], None]]]:
    """client -> mode ("proxy"/"direct") -> one GET of object (thread, i)."""
    smap = Smap(**requests.get(f"{endpoint}/v1/daemon", params={"what": "smap"}, timeout=10).json())
    owners = [
        str(smap.get_target_for_object(f"ais/@#/{BUCKET}/{name}").public_net.direct_url) for name in names
    ]
    sessions = [requests.Session() for _ in range(threads)]
    ours = [OurClient(endpoint).bucket(BUCKET) for _ in range(threads)]
    official = [OfficialClient(endpoint, max_pool_size=threads).bucket(BUCKET) for _ in range(threads)]
    count = len(names)

    def pick(thread: int, i: int) -> int:
        return (thread * 7919 + i) % count

    def raw(direct: bool) -> Callable[[int, int], None]:
        def get(thread: int, i: int) -> None:
            index = pick(thread, i)
            base = owners[index] if direct else endpoint
            reply = sessions[thread].get(f"{base}/v1/objects/{BUCKET}/{names[index]}", timeout=30)
            assert reply.status_code == 200 and len(reply.content) == KIB

        return get

    def sdk(buckets: list, direct: bool) -> Callable[[int, int], None]:  # type: ignore[type-arg]
        def get(thread: int, i: int) -> None:
            data = buckets[thread].object(names[pick(thread, i)]).get_reader(direct=direct).read_all()
            assert len(data) == KIB

        return get

    return {
        "requests": {"proxy": raw(False), "direct": raw(True)},
        "pyaistore.sdk": {"proxy": sdk(ours, False), "direct": sdk(ours, True)},
        "aistore SDK": {"proxy": sdk(official, False), "direct": sdk(official, True)},
    }


def measure(fast: bool, args: argparse.Namespace, work: Path) -> list[tuple[str, str, float, float, float]]:
    """(client, mode, GET/s, cluster and client CPU-µs per GET) for one cluster with the front on or off."""
    os.environ["PYAISTORE_FAST_GET"] = "true" if fast else "false"
    cluster = LocalCluster(Path(tempfile.mkdtemp(dir=work)), port=0, targets=2)
    cluster.start()
    try:
        bucket = OurClient(cluster.endpoint).bucket(BUCKET).create()
        names = [f"obj-{index:05d}" for index in range(args.objects)]
        payload = os.urandom(KIB)
        for name in names:
            bucket.object(name).get_writer().put_content(payload)
        pids = descendants(os.getpid())
        rows = []
        for client, modes in clients(cluster.endpoint, names, args.threads).items():
            for mode, op in modes.items():
                run_for(1.0, args.threads, op)  # warm-up: connections, caches
                before, client_before = cpu_seconds(pids), time.process_time()
                gets = run_for(args.seconds, args.threads, op)
                used, client_used = cpu_seconds(pids) - before, time.process_time() - client_before
                rows.append((client, mode, gets / args.seconds, used / gets * 1e6, client_used / gets * 1e6))
                print(
                    f"  front {'on ' if fast else 'off'} {client:>14} {mode:>6}: {rows[-1][2]:8,.0f} GET/s",
                    flush=True,
                )
        return rows
    finally:
        cluster.stop()


def main() -> None:
    """Run both front settings, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per client and mode")
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--objects", type=int, default=2000, help="1 KiB objects")
    args = parser.parse_args()
    print(f"load average before: {'/'.join(f'{v:.2f}' for v in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bench-redirect-") as scratch:
        results = {fast: measure(fast, args, Path(scratch)) for fast in (True, False)}
    print(f"load average after: {'/'.join(f'{v:.2f}' for v in os.getloadavg())}\n")
    print(
        "| front | client | via proxy GET/s | direct GET/s | proxy/direct "
        "| cluster CPU-µs/GET proxy | direct | client CPU-µs/GET proxy | direct |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for fast, rows in results.items():
        by = {(client, mode): (rate, cpu, own) for client, mode, rate, cpu, own in rows}
        for client in dict.fromkeys(row[0] for row in rows):
            (proxy, proxy_cpu, proxy_own), (direct, direct_cpu, direct_own) = (
                by[(client, "proxy")],
                by[(client, "direct")],
            )
            print(
                f"| {'on' if fast else 'off'} | {client} | {proxy:,.0f} | {direct:,.0f} "
                f"| {proxy / direct:.2f} | {proxy_cpu:,.0f} | {direct_cpu:,.0f} "
                f"| {proxy_own:,.0f} | {direct_own:,.0f} |"
            )


if __name__ == "__main__":
    sys.exit(main())
