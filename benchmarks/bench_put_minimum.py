"""PUT 1 KiB: nginx (no fsync), the least a Python server does for a durable PUT (two flushes, or one
behind a write-ahead log), and a pyaistore target.

    .venv/bin/python benchmarks/bench_put_minimum.py [--rounds 3] [--duration 8] [--processes 2]

The question it answers: how close to nginx can any Python server come with a durable small PUT?
`minimum_put_server.py` keeps a target's guarantees (checksum, metadata xattr, atomic rename,
data and name flushed before the reply, group-committed) with no object store around them and
no thread per request; its `--log` run waits for one flush per PUT instead of two, as behind a
write-ahead log (its docstring says how). pyaistore is the real target (lean front, storage
engine), whose small creates wait for its write journal's one flush; it runs a second time with
the journal off (`PYAISTORE_WRITE_JOURNAL=false`: two flushes). The same wrk load (the
bench_http PUT script, fresh names per run) against each in turn, order rotating per round;
prints req/s, the ratio to nginx in the same round, and CPU-µs per PUT (user + kernel) of each
server's processes. Where the rest of the machine went is printed too, per PUT: wrk's own CPU,
everything else that was busy (the kernel's writeback and journal threads, other tenants) and
the share of both cores left idle; a run that leaves nothing idle is bound by the sum of the
three. Results in docs/performance.md ("Group commit of small PUTs", "One flush for a small
create").
"""

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from debian_packages import ensure_tools
from loopback import LOOPBACK, free_port, wait_for_http_ok
from nginx_peer import NginxPeer
from process_tree import cpu_split, descendants, machine_cpu
from pyaistore_peer import PyaistorePeer
from wrk_runner import WrkLoad, WrkTarget, run_wrk

KIB = 1024
HERE = Path(__file__).resolve().parent


class MinimumPeer:
    """minimum_put_server.py on loopback (with `log`, its one-flush write-ahead-log mode)."""

    path_prefix = "/"
    path_suffix = ""

    def __init__(self, work_dir: Path, processes: int, log: bool = False) -> None:
        self.label = "python-minimum-log" if log else "python-minimum"
        self.log = log
        self.root = Path(tempfile.mkdtemp(prefix="bench-minimum-", dir=work_dir))
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.processes = processes
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        command = [sys.executable, str(HERE / "minimum_put_server.py"), "--port", str(self.port)]
        command += ["--root", str(self.root), "--processes", str(self.processes)]
        command += ["--log"] if self.log else []
        self.process = subprocess.Popen(command, start_new_session=True)
        wait_for_http_ok(
            f"{self.url}/ready", 15, alive=lambda: self.process is not None and self.process.poll() is None
        )

    def cpu_pids(self) -> list[int]:
        """The serving processes."""
        return descendants(self.process.pid) if self.process is not None else []

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
) -> "Run":
    """One wrk PUT run after a 1 s warm-up: the server's and the machine's CPU per PUT."""
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
    busy0, idle0 = machine_cpu()
    wrk0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run_wrk("wrk", load, target)
    wrk1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy1, idle1 = machine_cpu()
    user1, kernel1 = cpu_split(pids)
    if result.errors:
        raise RuntimeError(f"{peer}: {result.errors} errors under load")
    done = result.successful
    server = user1 - user0 + kernel1 - kernel0
    wrk = wrk1.ru_utime - wrk0.ru_utime + wrk1.ru_stime - wrk0.ru_stime
    return Run(
        result.requests_per_s,
        server / done * 1e6,
        (kernel1 - kernel0) / done * 1e6,
        wrk / done * 1e6,
        max(0.0, busy1 - busy0 - server - wrk) / done * 1e6,
        (idle1 - idle0) / max(1e-9, busy1 - busy0 + idle1 - idle0),
    )


@dataclass(frozen=True)
class Run:
    """One measured run: req/s, CPU-µs per PUT (server, its kernel part, wrk, the rest), idle share."""

    rate: float
    cpu: float
    kernel: float
    wrk: float
    other: float
    idle: float


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
    nginx, ours = NginxPeer(work_dir=work), PyaistorePeer(work_dir=work)
    without_journal = PyaistorePeer(work_dir=work, env={"PYAISTORE_WRITE_JOURNAL": "false"})
    without_journal.label = "pyaistore-two-flushes"
    peers = [nginx, MinimumPeer(work, args.processes), MinimumPeer(work, args.processes, log=True)]
    peers += [without_journal, ours]
    print(f"load average before: {'/'.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    rows: list[tuple[int, str, Run]] = []
    try:
        for peer in peers:
            peer.start()
        if not nginx.supports_put:
            raise RuntimeError("this nginx has no DAV module: no PUT to compare with")
        # Every run's files stay until the end: removing a run's ~100,000 files before the next
        # run slowed the runs after it (ext4 here is mounted with `discard`): nginx fell from
        # 31,000-36,000 PUT/s to 4,000-4,500, at ~420 kernel-µs per PUT instead of ~45.
        for round_index in range(args.rounds):
            shift = round_index % len(peers)
            order = peers[shift:] + peers[:shift]
            for peer in order:
                stem = f"put-small/r{round_index}"
                run = measure(
                    peer.label,
                    peer.url,
                    peer.path_prefix,
                    peer.path_suffix,
                    stem,
                    body,
                    args,
                    peer.cpu_pids(),
                )
                rows.append((round_index, peer.label, run))
                print(
                    f"  round {round_index} {peer.label:>15}: {run.rate:9,.0f} PUT/s, "
                    f"{run.cpu:5.0f} CPU-µs ({run.kernel:.0f} kernel), wrk {run.wrk:.0f}, "
                    f"other {run.other:.0f}, idle {run.idle:.0%}",
                    flush=True,
                )
    finally:
        for peer in peers:
            peer.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average after: {'/'.join(f'{v:.2f}' for v in os.getloadavg())}\n")
    print(
        "| round | server | PUT/s | ratio to nginx | CPU-µs per PUT (kernel) "
        "| wrk CPU-µs per PUT | other CPU-µs per PUT | cores idle |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for round_index in range(args.rounds):
        got = {label: run for r, label, run in rows if r == round_index}
        for label, run in got.items():
            print(
                f"| {round_index} | {label} | {run.rate:,.0f} | {run.rate / got['nginx'].rate:.3f} "
                f"| {run.cpu:.0f} ({run.kernel:.0f}) | {run.wrk:.0f} | {run.other:.0f} | {run.idle:.0%} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
