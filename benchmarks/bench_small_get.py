"""GET 1 KiB: nginx vs a pyaistore target with its lean front on and off, by CPU-µs per request.

    .venv/bin/python benchmarks/bench_small_get.py [--rounds 3] [--duration 5] [--connections 16]

The same 1 KiB object in nginx and in two 1-target clusters (`fast_get` on, then off via
PYAISTORE_FAST_GET), the same `wrk` load straight to each (no redirect: the target's own URL),
peers taking turns each round. Prints requests/s, the ratio to nginx, and the CPU-µs per request
of each server's processes (utime+stime from /proc over the run), which shared cores distort far
less than rates. The target serves one hot object: its kept GET decision is used on every request.
See benchmarks/README.md.
"""

import argparse
import os
import subprocess
import sys

from debian_packages import ensure_tools
from nginx_peer import NginxPeer
from process_tree import cpu_seconds, descendants
from pyaistore_peer import PyaistorePeer

NAME = "small/obj-0"


def run(url: str, pids: list[int], args: argparse.Namespace) -> tuple[float, float]:
    """(requests/s, CPU-µs per request) of one wrk run after a 1 s warm-up."""
    load = ["wrk", f"-t{args.threads}", f"-c{args.connections}"]
    subprocess.run([*load, "-d1s", url], capture_output=True, check=True)
    before = cpu_seconds(pids)
    out = subprocess.run(
        [*load, f"-d{args.duration}s", url], capture_output=True, text=True, check=True
    ).stdout
    used = cpu_seconds(pids) - before
    requests = int(next(line for line in out.splitlines() if "requests in" in line).split()[0])
    if "Non-2xx" in out:
        raise RuntimeError(f"{url}: errors under load:\n{out}")
    return requests / args.duration, used / requests * 1e6


def main() -> None:
    """Start the three servers, measure in alternating rounds, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best rate and the least CPU count")
    parser.add_argument("--duration", type=int, default=5, help="seconds per run")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    args = parser.parse_args()
    ensure_tools()
    data = os.urandom(1024)
    peers: dict[str, tuple[object, str, list[int]]] = {}
    started: list[NginxPeer | PyaistorePeer] = []
    try:
        nginx = NginxPeer()
        started.append(nginx)
        nginx.start()
        nginx.store(NAME, data)
        assert nginx.process is not None
        peers["nginx"] = (nginx, f"{nginx.url}/{NAME}", [nginx.process.pid, *descendants(nginx.process.pid)])
        for fast in (True, False):
            os.environ["PYAISTORE_FAST_GET"] = "true" if fast else "false"
            cluster = PyaistorePeer()
            started.append(cluster)
            cluster.start()
            cluster.store(NAME, data)
            label = f"pyaistore, front {'on' if fast else 'off'}"
            peers[label] = (cluster, cluster.object_url(NAME), list(cluster.server_pids().values()))
        results: dict[str, list[tuple[float, float]]] = {label: [] for label in peers}
        load_before = os.getloadavg()
        for round_index in range(args.rounds):
            order = list(peers) if round_index % 2 == 0 else list(peers)[::-1]
            for label in order:
                _, url, pids = peers[label]
                results[label].append(run(url, pids, args))
                rate, cpu = results[label][-1]
                print(f"  {label:>22}: {rate:>9,.0f} req/s, {cpu:6.1f} CPU-µs/req", flush=True)
        load_after = os.getloadavg()
    finally:
        for peer in started:
            peer.stop()
    best_nginx = max(rate for rate, _ in results["nginx"])
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s, best of {args.rounds}")
    print("| server | req/s | ratio to nginx | CPU-µs per request (least) |")
    print("|---|---|---|---|")
    for label, runs in results.items():
        rate = max(r for r, _ in runs)
        print(f"| {label} | {rate:,.0f} | {rate / best_nginx:.2f} | {min(c for _, c in runs):.1f} |")
    loads = ["/".join(f"{v:.2f}" for v in load) for load in (load_before, load_after)]
    print(f"load average before: {loads[0]}, after: {loads[1]}")


if __name__ == "__main__":
    sys.exit(main())
