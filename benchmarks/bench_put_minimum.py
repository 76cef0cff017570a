"""PUT 1 KiB: nginx (no fsync), the least a Python server does for a durable PUT, and a pyaistore target.

    .venv/bin/python benchmarks/bench_put_minimum.py [--rounds 3] [--duration 8] [--processes 2]

The question it answers: how close to nginx can any Python server come with a durable small PUT?
`minimum_put_server.py` keeps a target's guarantees (checksum, metadata xattr, atomic rename,
data and name flushed before the reply, group-committed) with no object store around them and
no thread per request; pyaistore is the real target (lean front, storage engine). The same wrk
load (the bench_http PUT script, fresh names per run) against each in turn, order rotating per
round; prints req/s, the ratio to nginx in the same round, and CPU-µs per PUT (user + kernel)
of each server's processes. Results in docs/performance.md ("Group commit of small PUTs").
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from debian_packages import ensure_tools
from loopback import LOOPBACK, free_port, wait_for_http_ok
from nginx_peer import NginxPeer
from process_tree import cpu_split, descendants
from pyaistore_peer import PyaistorePeer
from wrk_runner import WrkLoad, WrkTarget, run_wrk

KIB = 1024
HERE = Path(__file__).resolve().parent


class MinimumPeer:
    """minimum_put_server.py on loopback."""

    label = "python-minimum"
    path_prefix = "/"
    path_suffix = ""

    def __init__(self, work_dir: Path, processes: int) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="bench-minimum-", dir=work_dir))
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.processes = processes
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        command = [sys.executable, str(HERE / "minimum_put_server.py"), "--port", str(self.port)]
        command += ["--root", str(self.root), "--processes", str(self.processes)]
        self.process = subprocess.Popen(command, start_new_session=True)
        wait_for_http_ok(
            f"{self.url}/ready", 15, alive=lambda: self.process is not None and self.process.poll() is None
        )

    def cpu_pids(self) -> list[int]:
        """The serving processes."""
        return descendants(self.process.pid) if self.process is not None else []

    def remove_prefix(self, prefix: str) -> None:
        """Delete a run's objects."""
        shutil.rmtree(self.root / "objects" / prefix, ignore_errors=True)

    def stop(self) -> None:
        """Stop the server and its processes; remove its files."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)


def measure(
    peer: object,
    url: str,
    prefix: str,
    suffix: str,
    stem: str,
    body: Path,
    args: argparse.Namespace,
    pids: list[int],
) -> tuple[float, float, float]:
    """(req/s, CPU-µs per PUT, of which kernel) of one wrk PUT run after a 1 s warm-up."""
    load = WrkLoad(threads=2, connections=32, duration_s=args.duration)
    warm = WrkTarget(
        url=url, path_prefix=prefix, path_suffix=suffix, mode="put", stem=f"{stem}w/", body_file=body
    )
    run_wrk("wrk", load, warm, duration_s=1)
    os.sync()
    target = WrkTarget(
        url=url, path_prefix=prefix, path_suffix=suffix, mode="put", stem=f"{stem}m/", body_file=body
    )
    user0, kernel0 = cpu_split(pids)
    result = run_wrk("wrk", load, target)
    user1, kernel1 = cpu_split(pids)
    if result.errors:
        raise RuntimeError(f"{peer}: {result.errors} errors under load")
    done = result.successful
    return (
        result.requests_per_s,
        (user1 - user0 + kernel1 - kernel0) / done * 1e6,
        (kernel1 - kernel0) / done * 1e6,
    )


def main() -> int:
    """Start the three servers, run the rounds, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per run")
    parser.add_argument("--processes", type=int, default=2, help="processes of the minimum server")
    args = parser.parse_args()
    ensure_tools()
    work = Path(tempfile.mkdtemp(prefix="bench-put-minimum-"))
    body = work / "body.bin"
    body.write_bytes(os.urandom(KIB))
    nginx, minimum, ours = (
        NginxPeer(work_dir=work),
        MinimumPeer(work, args.processes),
        PyaistorePeer(work_dir=work),
    )
    peers = [nginx, minimum, ours]
    print(f"load average before: {'/'.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    rows: list[tuple[int, str, float, float, float]] = []
    try:
        for peer in peers:
            peer.start()
        if not nginx.supports_put:
            raise RuntimeError("this nginx has no DAV module: no PUT to compare with")
        for round_index in range(args.rounds):
            order = peers[round_index % 3 :] + peers[: round_index % 3]
            for peer in order:
                stem = f"put-small/r{round_index}"
                rate, cpu, kernel = measure(
                    peer.label,
                    peer.url,
                    peer.path_prefix,
                    peer.path_suffix,
                    stem,
                    body,
                    args,
                    peer.cpu_pids(),
                )
                rows.append((round_index, peer.label, rate, cpu, kernel))
                print(
                    f"  round {round_index} {peer.label:>15}: {rate:9,.0f} PUT/s, "
                    f"{cpu:5.0f} CPU-µs ({kernel:.0f} kernel)",
                    flush=True,
                )
                if peer is not ours:  # the others' files go at once; a target's with its temp dir
                    peer.remove_prefix(stem + "w/")
                    peer.remove_prefix(stem + "m/")
    finally:
        for peer in peers:
            peer.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average after: {'/'.join(f'{v:.2f}' for v in os.getloadavg())}\n")
    print("| round | server | PUT/s | ratio to nginx | CPU-µs per PUT (kernel) |")
    print("|---|---|---|---|---|")
    for round_index in range(args.rounds):
        got = {label: (rate, cpu, kernel) for r, label, rate, cpu, kernel in rows if r == round_index}
        for label, (rate, cpu, kernel) in got.items():
            print(
                f"| {round_index} | {label} | {rate:,.0f} | {rate / got['nginx'][0]:.3f} "
                f"| {cpu:.0f} ({kernel:.0f}) |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
