"""Client-side throughput: pyaistore.sdk vs the official aistore SDK vs raw requests, one cluster.

    .venv/bin/python benchmarks/bench_sdk.py [--quick]

Each row runs the three clients against the same objects on a local 2-target cluster, in rounds
whose order rotates (so drift on a shared machine hits every client alike), and reports ops/s,
MiB/s and the ratios ours/official and ours/requests. Goals: ours/official >= 1.0 on
every row; a large-object get_reader() stream >= 0.7 of requests with stream=True.
"""

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from aistore.sdk import Client as OfficialClient

from pyaistore.sdk import Client as OurClient
from pyaistore.server.local_cluster import LocalCluster

KIB = 1024
MIB = 1024 * KIB
CHUNK = MIB


@dataclass
class Row:
    """One workload: a callable per client doing one operation on object index i."""

    label: str
    size: int
    count: int
    ops: dict[str, Callable[[int], None]]
    seconds: dict[str, float] = field(default_factory=dict)

    def rate(self, client: str) -> float:
        """Operations per second for `client` (sum of rounds)."""
        return self.count * self.rounds / self.seconds[client]

    rounds: int = 0


def _official_ops(endpoint: str, bucket: str, data: bytes, prefix: str) -> dict[str, Callable[[int], None]]:
    bck = OfficialClient(endpoint).bucket(bucket)
    return {
        "get": lambda i: bck.object(f"{prefix}{i}").get_reader().read_all() and None,
        "put": lambda i: bck.object(f"{prefix}put-off-{i}").get_writer().put_content(data) and None,
        "stream": lambda i: _drain(bck.object(f"{prefix}{i}").get_reader(chunk_size=CHUNK)),
    }


def _our_ops(endpoint: str, bucket: str, data: bytes, prefix: str) -> dict[str, Callable[[int], None]]:
    bck = OurClient(endpoint).bucket(bucket)
    return {
        "get": lambda i: bck.object(f"{prefix}{i}").get_reader().read_all() and None,
        "put": lambda i: bck.object(f"{prefix}put-ours-{i}").get_writer().put_content(data) and None,
        "stream": lambda i: _drain(bck.object(f"{prefix}{i}").get_reader(chunk_size=CHUNK)),
    }


def _requests_ops(endpoint: str, bucket: str, data: bytes, prefix: str) -> dict[str, Callable[[int], None]]:
    session = requests.Session()
    base = f"{endpoint}/v1/objects/{bucket}/{prefix}"

    def get(i: int) -> None:
        reply = session.get(f"{base}{i}")
        reply.raise_for_status()

    def put(i: int) -> None:
        session.put(f"{base}put-req-{i}", data=data).raise_for_status()

    def stream(i: int) -> None:
        with session.get(f"{base}{i}", stream=True) as reply:
            reply.raise_for_status()
            _drain(reply.iter_content(CHUNK))

    return {"get": get, "put": put, "stream": stream}


def _drain(chunks: Iterable[bytes]) -> None:
    for _ in chunks:
        pass


def run(quick: bool) -> int:
    """Start a cluster, seed objects, time every row for every client, print the table."""
    small_n, large_n, rounds = (300, 6, 3) if quick else (1000, 16, 5)
    with (
        tempfile.TemporaryDirectory(prefix="bench-sdk-") as tmp,
        LocalCluster(Path(tmp), targets=2) as cluster,
    ):
        endpoint = cluster.endpoint
        seed = requests.Session()
        seed.post(f"{endpoint}/v1/buckets/sdkbench", json={"action": "create-bck", "name": "", "value": None})
        small, large = os.urandom(KIB), os.urandom(16 * MIB)
        for i in range(small_n):
            seed.put(f"{endpoint}/v1/objects/sdkbench/s{i}", data=small).raise_for_status()
        for i in range(large_n):
            seed.put(f"{endpoint}/v1/objects/sdkbench/l{i}", data=large).raise_for_status()
        clients = {
            "ours": (_our_ops(endpoint, "sdkbench", small, "s"), _our_ops(endpoint, "sdkbench", large, "l")),
            "official": (
                _official_ops(endpoint, "sdkbench", small, "s"),
                _official_ops(endpoint, "sdkbench", large, "l"),
            ),
            "requests": (
                _requests_ops(endpoint, "sdkbench", small, "s"),
                _requests_ops(endpoint, "sdkbench", large, "l"),
            ),
        }
        rows = [
            Row("GET 1 KiB", KIB, small_n, {c: ops[0]["get"] for c, ops in clients.items()}),
            Row("PUT 1 KiB", KIB, small_n, {c: ops[0]["put"] for c, ops in clients.items()}),
            Row("GET 16 MiB", 16 * MIB, large_n, {c: ops[1]["get"] for c, ops in clients.items()}),
            Row("PUT 16 MiB", 16 * MIB, large_n, {c: ops[1]["put"] for c, ops in clients.items()}),
            Row("stream 16 MiB", 16 * MIB, large_n, {c: ops[1]["stream"] for c, ops in clients.items()}),
        ]
        names = list(clients)
        for row in rows:
            row.rounds = rounds
            for round_index in range(rounds):
                order = names[round_index % len(names) :] + names[: round_index % len(names)]
                for client in order:
                    start = time.perf_counter()
                    for i in range(row.count):
                        row.ops[client](i)
                    row.seconds[client] = row.seconds.get(client, 0.0) + time.perf_counter() - start
        print(_table(rows, names))
    return 0


def _table(rows: list[Row], names: list[str]) -> str:
    header = [
        "workload",
        *[f"{n} ops/s" for n in names],
        *[f"{n} MiB/s" for n in names],
        "ours/official",
        "ours/requests",
    ]
    lines = [header]
    for row in rows:
        rates = [row.rate(n) for n in names]
        mib = [r * row.size / MIB for r in rates]
        lines.append(
            [
                row.label,
                *[f"{r:,.1f}" for r in rates],
                *[f"{m:,.1f}" for m in mib],
                f"{row.rate('ours') / row.rate('official'):.2f}",
                f"{row.rate('ours') / row.rate('requests'):.2f}",
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)) for line in lines)


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer objects and rounds (~1 minute)")
    sys.exit(run(parser.parse_args().quick))


if __name__ == "__main__":
    main()
