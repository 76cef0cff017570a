"""Stream one large object into and out of a 1-target pyaistore cluster and watch server memory stay flat.

Run: .venv/bin/python benchmarks/bench_memory.py [--size 4GiB]. Needs --size free on disk.
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import requests
import xxhash
from pyaistore_peer import PyaistorePeer
from rss_sampler import PhasePeaks, RssSampler

MIB = 1024 * 1024
UNITS = {"": 1, "K": 1024, "KI": 1024, "M": MIB, "MI": MIB, "G": 1024 * MIB, "GI": 1024 * MIB}
OBJECT_NAME = "memory/large-object"
PHASES = ("before", "put", "get", "after")


def parse_size(text: str) -> int:
    """Parse sizes such as 4GiB, 512MiB, 64M or 1048576."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMG]I?)?B?\s*", text.upper())
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return int(match.group(1)) * UNITS[match.group(2) or ""]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--size", type=parse_size, default=parse_size("4GiB"), help="object size (4GiB)")
    parser.add_argument("--chunk", type=parse_size, default=MIB, help="client chunk size (1MiB)")
    parser.add_argument("--interval", type=float, default=0.2, help="RSS sampling interval in seconds")
    parser.add_argument("--limit", type=parse_size, default=64 * MIB, help="allowed RSS growth (64MiB)")
    parser.add_argument("--work-dir", type=Path, help="parent of the cluster's temp data dir")
    return parser.parse_args(argv)


def random_chunks(size: int, chunk: int, hasher: xxhash.xxh64) -> Iterator[bytes]:
    """Yield `size` random-ish bytes in chunks (a random block, rotated per chunk), hashing as they go."""
    block = os.urandom(chunk)
    sent = 0
    index = 0
    while sent < size:
        shift = (index * 4099) % chunk
        data = (block[shift:] + block[:shift])[: min(chunk, size - sent)]
        hasher.update(data)
        sent += len(data)
        index += 1
        yield data


def put_stream(url: str, size: int, chunk: int) -> tuple[str, float]:
    """PUT a generated body with chunked transfer encoding; return its xxh64 hex and the seconds taken."""
    hasher = xxhash.xxh64()
    started = time.monotonic()
    response = requests.put(url, data=random_chunks(size, chunk, hasher), timeout=600)
    elapsed = time.monotonic() - started
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"chunked PUT -> {response.status_code}: {response.text[:300]}")
    return hasher.hexdigest(), elapsed


def get_stream(url: str, chunk: int) -> tuple[int, str, dict[str, str], float]:
    """GET with stream=True, discarding the bytes; return size, xxh64 hex, headers and seconds taken."""
    hasher = xxhash.xxh64()
    received = 0
    started = time.monotonic()
    with requests.get(url, stream=True, timeout=600) as response:
        if response.status_code != 200:
            raise RuntimeError(f"GET -> {response.status_code}: {response.text[:300]}")
        for data in response.iter_content(chunk_size=chunk):
            hasher.update(data)
            received += len(data)
        headers = dict(response.headers)
    return received, hasher.hexdigest(), headers, time.monotonic() - started


def idle(sampler: RssSampler, phase: str, seconds: float) -> None:
    """Let the servers sit idle for a while under a phase label."""
    sampler.phase = phase
    time.sleep(seconds)
    sampler.sample_once()


def report(peaks: PhasePeaks, limit: int) -> bool:
    """Print peak RSS per process and phase; return True if every process grew less than `limit`."""
    print(
        f"{'process':<20} | " + " | ".join(f"{phase + ' MiB':>11}" for phase in PHASES) + " | growth | flat"
    )
    flat_everywhere = True
    for process, by_phase in sorted(peaks.peaks.items()):
        baseline = by_phase.get("before", 0)
        growth = max(by_phase.get(phase, 0) for phase in PHASES) - baseline
        flat = growth < limit
        flat_everywhere &= flat
        cells = " | ".join(f"{by_phase.get(phase, 0) / MIB:>11.1f}" for phase in PHASES)
        print(f"{process:<20} | {cells} | {growth / MIB:>6.1f} | {'yes' if flat else 'NO'}")
    return flat_everywhere


def verify(size: int, put_hash: str, received: int, get_hash: str, headers: dict[str, str]) -> list[str]:
    """Return a list of problems (wrong size, hash mismatch, missing/odd checksum header)."""
    problems = []
    if received != size:
        problems.append(f"GET returned {received:,} bytes, want {size:,}")
    if get_hash != put_hash:
        problems.append(f"GET bytes hash {get_hash} != PUT bytes hash {put_hash}")
    checksum_type = headers.get("Ais-Checksum-Type", "")
    checksum_value = headers.get("Ais-Checksum-Value", "")
    if checksum_type not in ("xxhash", "xxhash2"):
        problems.append(f"Ais-Checksum-Type is {checksum_type!r}, cannot compare with xxh64")
    elif checksum_value != put_hash:
        problems.append(f"Ais-Checksum-Value {checksum_value} != xxh64 of the data {put_hash}")
    return problems


def rate(size: int, seconds: float) -> str:
    """Format a transfer as 'N MiB in S s (R MiB/s)'."""
    return f"{size / MIB:,.0f} MiB in {seconds:.1f}s ({size / MIB / max(seconds, 1e-9):,.0f} MiB/s)"


def stream_through(url: str, args: argparse.Namespace, sampler: RssSampler) -> list[str]:
    """PUT then GET the object while the sampler labels phases; return the data problems found."""
    idle(sampler, "before", 2)
    sampler.phase = "put"
    put_hash, put_seconds = put_stream(url, args.size, args.chunk)
    print(f"PUT  (chunked)  {rate(args.size, put_seconds)}", flush=True)
    sampler.phase = "get"
    received, get_hash, headers, get_seconds = get_stream(url, args.chunk)
    print(f"GET  (streamed) {rate(received, get_seconds)}", flush=True)
    idle(sampler, "after", 2)
    checksum = f"{headers.get('Ais-Checksum-Type')} {headers.get('Ais-Checksum-Value')}"
    print(f"checksum: server {checksum}, client xxh64 {put_hash}")
    return verify(args.size, put_hash, received, get_hash, headers)


def run(peer: PyaistorePeer, args: argparse.Namespace) -> int:
    """Stream the object in and out under the sampler and print the verdict; return the exit status."""
    pids = peer.server_pids()
    print("sampling:", ", ".join(f"{name} (pid {pid})" for name, pid in pids.items()))
    sampler = RssSampler(pids, args.interval)
    sampler.start()
    url = peer.object_url(OBJECT_NAME)
    try:
        problems = stream_through(url, args, sampler)
    finally:
        peaks = sampler.stop()
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print(f"\npeak VmRSS per phase ({sampler.samples} samples every {args.interval}s):")
    flat = report(peaks, args.limit)
    verdict = "FLAT" if flat else "GREW"
    print(
        f"\nmemory {verdict} (growth limit {args.limit / MIB:.0f} MiB); data {'WRONG' if problems else 'ok'}"
    )
    requests.delete(url, timeout=120)
    return 0 if flat and not problems else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Start a 1-target cluster, run the streaming test, and always stop the cluster."""
    args = parse_args(argv)
    peer = PyaistorePeer(work_dir=args.work_dir)
    atexit.register(peer.stop)
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        peer.start()
        print(f"pyaistore target at {peer.url}; object {args.size / MIB:,.0f} MiB")
        return run(peer, args)
    finally:
        peer.stop()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; servers stopped and temp dirs removed", file=sys.stderr)
        sys.exit(130)
