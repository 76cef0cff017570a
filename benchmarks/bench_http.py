"""pyaistore vs nginx over HTTP: the same objects, the same wrk load, side by side.

Run: .venv/bin/python benchmarks/bench_http.py [--quick]. See benchmarks/README.md for how to read it.
"""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import requests
from comparison import (
    Comparison,
    Workload,
    render_cpu_table,
    render_latency_table,
    render_table,
    write_json,
)
from debian_packages import ensure_tools
from nginx_peer import NginxPeer
from process_tree import cpu_split
from pyaistore_peer import PyaistorePeer
from wrk_runner import MIB, WrkLoad, WrkResult, WrkTarget, run_wrk

KIB = 1024
SMALL, LARGE = 1 * KIB, 16 * MIB
WORKLOADS = (
    Workload("GET 1 KiB", "get", "small/obj-", SMALL, 0.3),
    Workload("GET 16 MiB", "get", "large/obj-", LARGE, 0.8),
    Workload("PUT 1 KiB", "put", "put-small/", SMALL, None),
    Workload("PUT 16 MiB", "put", "put-large/", LARGE, None),
)
RESULTS_DIR = Path(__file__).resolve().parent / "results"


class Peer(Protocol):
    """What the benchmark needs from a server under test."""

    label: str
    url: str
    path_prefix: str
    path_suffix: str
    supports_put: bool

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def store(self, name: str, data: bytes) -> None: ...
    def remove_prefix(self, prefix: str) -> None: ...
    def cpu_pids(self) -> list[int]: ...


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line; --quick shortens runs and shrinks the object sets."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 s runs, 2,000 small and 16 large objects")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--duration", type=int, help="seconds per run (default 10, quick 3)")
    parser.add_argument("--rounds", type=int, default=1, help="runs per peer and workload; best one counts")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of unmeasured load before each run")
    parser.add_argument("--small-count", type=int, help="1 KiB objects (default 10,000, quick 2,000)")
    parser.add_argument("--large-count", type=int, help="16 MiB objects (default 64, quick 16)")
    parser.add_argument("--only", help="comma-separated workload titles to run, e.g. 'GET 1 KiB'")
    parser.add_argument(
        "--against",
        choices=("pyaistore", "nginx"),
        default="pyaistore",
        help="the measured peer; 'nginx' runs nginx vs nginx to calibrate noise (ratios ~1.0)",
    )
    parser.add_argument(
        "--no-fsync", action="store_true", help="start pyaistore with --no-fsync (closer to nginx's PUT)"
    )
    parser.add_argument("--work-dir", type=Path, help="parent of the temp dirs (default: system temp)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where the JSON goes")
    args = parser.parse_args(argv)
    args.duration = args.duration or (3 if args.quick else 10)
    args.small_count = args.small_count or (2_000 if args.quick else 10_000)
    args.large_count = args.large_count or (16 if args.quick else 64)
    return args


def populate(peers: Sequence[Peer], small_count: int, large_count: int) -> None:
    """Store the same random objects in every peer, through a thread pool, never all in memory."""

    def store_one(name: str, size: int) -> None:
        data = os.urandom(size)
        for peer in peers:
            peer.store(name, data)

    jobs = [(f"small/obj-{index:05d}", SMALL) for index in range(small_count)]
    jobs += [(f"large/obj-{index:03d}", LARGE) for index in range(large_count)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        for future in [pool.submit(store_one, name, size) for name, size in jobs]:
            future.result()
    os.sync()
    total = small_count * SMALL + large_count * LARGE
    elapsed = time.monotonic() - started
    print(f"populated {len(jobs):,} objects ({total / MIB:,.0f} MiB) per peer in {elapsed:.1f}s")


def check_peers(peers: Sequence[Peer], probe_dir: Path) -> None:
    """Fetch a few objects directly (no redirects) and check every peer returns the same bytes."""
    for name in ("small/obj-00000", "small/obj-00001", "large/obj-000"):
        bodies = []
        for peer in peers:
            response = requests.get(f"{peer.url}{peer.path_prefix}{name}{peer.path_suffix}", timeout=60)
            if response.status_code != 200 or response.history:
                raise RuntimeError(f"{peer.label}: GET {name} -> {response.status_code} (want a direct 200)")
            bodies.append(response.content)
        if any(body != bodies[0] for body in bodies):
            raise RuntimeError(f"peers disagree on the bytes of {name}")
    for peer in peers:
        if peer.supports_put:
            url = f"{peer.url}{peer.path_prefix}probe/put-check{peer.path_suffix}"
            response = requests.put(url, data=b"x" * 10, timeout=30, allow_redirects=False)
            if not 200 <= response.status_code < 300:
                raise RuntimeError(f"{peer.label}: PUT probe -> {response.status_code} {response.text[:200]}")
    print("direct GET/PUT check: ok (same bytes, 2xx without redirects)")


def make_body_files(directory: Path) -> dict[int, Path]:
    """Write the PUT payloads (random bytes) that the wrk script sends."""
    files = {}
    for size in (SMALL, LARGE):
        path = directory / f"body-{size}.bin"
        path.write_bytes(os.urandom(size))
        files[size] = path
    return files


def wrk_target(
    workload: Workload, peer: Peer, args: argparse.Namespace, stem: str, body: Path | None
) -> WrkTarget:
    """Describe one wrk run of a workload against a peer, with the given name stem."""
    return WrkTarget(
        url=peer.url,
        path_prefix=peer.path_prefix,
        path_suffix=peer.path_suffix,
        mode=workload.mode,
        stem=stem,
        count=args.small_count if workload.size == SMALL else args.large_count,
        width=5 if workload.size == SMALL else 3,
        body_file=body if workload.mode == "put" else None,
    )


def run_workload(
    workload: Workload, peer: Peer, args: argparse.Namespace, round_index: int, body_files: dict[int, Path]
) -> WrkResult | None:
    """Warm up, then measure one workload on one peer; None if the peer cannot do it."""
    if workload.mode == "put" and not peer.supports_put:
        return None
    load = WrkLoad(threads=args.threads, connections=args.connections, duration_s=args.duration)
    body = body_files.get(workload.size)
    # PUT names are fresh per round (and apart from the warm-up) so no run overwrites another's objects
    stems = [workload.stem] if workload.mode == "get" else [f"{workload.stem}r{round_index}/"]
    if args.warmup > 0:
        warm_stem = workload.stem if workload.mode == "get" else f"{workload.stem}warm{round_index}/"
        run_wrk("wrk", load, wrk_target(workload, peer, args, warm_stem, body), duration_s=args.warmup)
        stems.append(warm_stem)
    os.sync()
    pids = peer.cpu_pids()
    user_before, kernel_before = cpu_split(pids)
    result = run_wrk("wrk", load, wrk_target(workload, peer, args, stems[0], body))
    user_after, kernel_after = cpu_split(pids)
    kernel = kernel_after - kernel_before
    used = user_after - user_before + kernel
    result = dataclasses.replace(result, server_cpu_s=used, server_kernel_s=kernel)
    rate, p99, cpu = result.requests_per_s, result.latency_p99_ms, result.cpu_us_per_request
    kernel_us = result.kernel_us_per_request
    cpu_text = ""
    if cpu is not None and kernel_us is not None:
        cpu_text = f", {cpu:.0f} CPU-µs/req ({kernel_us:.0f} in the kernel)"
    print(
        f"  {peer.label:>10}: {rate:>10,.1f} req/s, {result.errors} errors, p99 {p99:.1f} ms{cpu_text}",
        flush=True,
    )
    if workload.mode == "put" and workload.size == LARGE:
        for stem in stems:
            peer.remove_prefix(stem)
        os.sync()
    return result


def run_all(
    peers: tuple[Peer, Peer], args: argparse.Namespace, body_files: dict[int, Path]
) -> list[Comparison]:
    """Run every selected workload on both peers, alternating who goes first each round."""
    wanted = {title.strip().lower() for title in args.only.split(",")} if args.only else None
    rows = []
    for workload in WORKLOADS:
        if wanted and workload.title.lower() not in wanted:
            continue
        print(f"{workload.title}: wrk -t{args.threads} -c{args.connections} -d{args.duration}s", flush=True)
        runs: dict[str, list[WrkResult]] = {peer.label: [] for peer in peers}
        for round_index in range(1, args.rounds + 1):
            for peer in peers if round_index % 2 else peers[::-1]:
                result = run_workload(workload, peer, args, round_index, body_files)
                if result is not None:
                    runs[peer.label].append(result)
        subject_runs, reference_runs = runs[peers[0].label], runs[peers[1].label]
        note = "" if reference_runs or workload.mode == "get" else "nginx has no DAV module: PUT skipped"
        rows.append(Comparison(workload, subject_runs, reference_runs, note))
    return rows


def _loads(loads: tuple[float, float, float]) -> str:
    """Format a load-average triple."""
    return "/".join(f"{value:.2f}" for value in loads)


def install_cleanup(cleanup: Callable[[], None]) -> None:
    """Run cleanup at exit and turn SIGTERM/SIGHUP into SystemExit so finally blocks run too."""
    atexit.register(cleanup)

    def on_signal(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Install tools, start both peers, populate, run the workloads, print and save the comparison."""
    args = parse_args(argv)
    ensure_tools()
    load_before = os.getloadavg()
    work_dir = Path(tempfile.mkdtemp(prefix="bench-http-", dir=args.work_dir))
    subject: Peer = (
        PyaistorePeer(work_dir=work_dir, extra_args=("--no-fsync",) if args.no_fsync else ())
        if args.against == "pyaistore"
        else NginxPeer(work_dir=work_dir)
    )
    if args.against == "nginx":
        subject.label = "nginx-b"
    reference: Peer = NginxPeer(work_dir=work_dir)
    stopped: list[bool] = []

    def cleanup() -> None:
        if not stopped:
            stopped.append(True)
            for peer in (subject, reference):
                peer.stop()
            shutil.rmtree(work_dir, ignore_errors=True)

    install_cleanup(cleanup)
    try:
        for peer in (subject, reference):
            peer.start()
            print(f"{peer.label} serving at {peer.url}")
        populate((subject, reference), args.small_count, args.large_count)
        check_peers((subject, reference), work_dir)
        rows = run_all((subject, reference), args, make_body_files(work_dir))
    finally:
        cleanup()
    print()
    print(render_table(rows, subject.label, reference.label))
    print()
    print(render_latency_table(rows, subject.label, reference.label))
    print()
    print(render_cpu_table(rows, subject.label, reference.label))
    load_after = os.getloadavg()
    print(f"\nload average (1/5/15 min) before: {_loads(load_before)}, after: {_loads(load_after)}", end="")
    print(f" on {os.cpu_count()} CPUs (other work on the host skews both peers)")
    setup = {
        "subject": args.against,
        "small_objects": args.small_count,
        "large_objects": args.large_count,
        "rounds": args.rounds,
        "warmup_s": args.warmup,
        "no_fsync": args.no_fsync,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
    }
    path = write_json(rows, WrkLoad(args.threads, args.connections, args.duration), setup, args.results_dir)
    print(f"results: {path}")
    return 1 if any(row.verdict == "ERRORS" for row in rows) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; servers stopped and temp dirs removed", file=sys.stderr)
        sys.exit(130)
