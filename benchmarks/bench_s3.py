"""The S3 endpoint against the native API on the same cluster, and multipart against a single PUT.

    .venv/bin/python benchmarks/bench_s3.py [--quick] [--rounds N] [--big-mib 1024]

Rows, each a pair measured side by side in rounds whose order alternates:

- GET 16 MiB, PUT 16 MiB, GET 64 KiB: boto3 (unpatched) through /s3 vs our SDK through the native
  API (a redirect to the owner). Goal: boto3/SDK >= 0.8 for the large objects.
- GET 16 MiB with one client, plain `requests`: through /s3 (the gateway streams the bytes) vs the
  native API (301 to the owner, which sends the file): the relay's own cost, and the gateway's
  CPU per GiB, for the redirect-or-stream decision (docs/performance.md).
- Upload of a big file (1 GiB by default) with boto3's upload_file: multipart in 16 MiB parts vs
  one PUT. Goal: multipart >= 0.8 of the single PUT's MiB/s. The gateway's peak RSS during the
  big transfers shows whether its memory stays flat.

Prints MiB/s, the ratios, the gateway's CPU per GiB moved and the load average before and after.
"""

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import boto3
import requests
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).parent))
from process_tree import rss_bytes
from rss_sampler import RssSampler

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster

MIB = 1 << 20
BUCKET = "bench-s3"


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (and its reaped children), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _timed(op: Callable[[int], None], count: int) -> float:
    start = time.perf_counter()
    for index in range(count):
        op(index)
    return time.perf_counter() - start


def _pair(
    label: str,
    size: int,
    count: int,
    rounds: int,
    first: tuple[str, Callable[[int], None]],
    second: tuple[str, Callable[[int], None]],
    proxy_pid: int,
    target_pids: tuple[int, ...] = (),
) -> dict[str, object]:
    """Run two ops `rounds` times each, alternating which goes first; MiB/s (best round) and proxy CPU."""
    best = {first[0]: 0.0, second[0]: 0.0}
    cpu = {first[0]: 0.0, second[0]: 0.0}
    client = {first[0]: 0.0, second[0]: 0.0}
    targets = {first[0]: 0.0, second[0]: 0.0}
    for round_index in range(rounds):
        order = (first, second) if round_index % 2 == 0 else (second, first)
        for name, op in order:
            before, client_before = _cpu_seconds(proxy_pid), time.process_time()
            targets_before = sum(_cpu_seconds(pid) for pid in target_pids)
            seconds = _timed(op, count)
            cpu[name] += _cpu_seconds(proxy_pid) - before
            client[name] += time.process_time() - client_before
            targets[name] += sum(_cpu_seconds(pid) for pid in target_pids) - targets_before
            best[name] = max(best[name], size * count / seconds / MIB)
    moved_gib = size * count * rounds / (1 << 30)
    row = {
        "row": label,
        first[0]: round(best[first[0]], 1),
        second[0]: round(best[second[0]], 1),
        "ratio": round(best[first[0]] / best[second[0]], 3),
        "gateway CPU-s/GiB": {name: round(cpu[name] / moved_gib, 3) for name in cpu},
        "client CPU-s/GiB": {name: round(client[name] / moved_gib, 3) for name in client},
    }
    if target_pids:
        row["targets CPU-s/GiB"] = {name: round(targets[name] / moved_gib, 3) for name in targets}
    print(row, flush=True)
    return row


def main() -> None:
    """Start a cluster, fill it, run the rows, print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer objects and a 256 MiB big file")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--big-mib", type=int, default=1024)
    parser.add_argument("--targets", type=int, default=2)
    parser.add_argument("--multipart-only", action="store_true", help="only the upload_file row")
    args = parser.parse_args()
    big_mib = 256 if args.quick and args.big_mib == 1024 else args.big_mib
    large, small = (4, 100) if args.quick else (16, 400)
    print(f"load average before: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-s3-") as tmp:
        cluster = LocalCluster(Path(tmp) / "data", port=0, targets=args.targets)
        cluster.start()
        try:
            _run(cluster, Path(tmp), args.rounds, large, small, big_mib, args.multipart_only)
        finally:
            cluster.stop()
    print(f"load average after: {os.getloadavg()}", flush=True)


def _run(
    cluster: LocalCluster, tmp: Path, rounds: int, large: int, small: int, big_mib: int, multipart_only: bool
) -> None:
    assert cluster.proxy is not None
    proxy_pid = cluster.proxy.pid
    s3 = boto3.client(
        "s3",
        endpoint_url=cluster.endpoint + "/s3",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        region_name="us-east-1",
        config=Config(max_pool_connections=32),
    )
    sdk = Client(cluster.endpoint).bucket(BUCKET).create()
    big_payload, small_payload = os.urandom(16 * MIB), os.urandom(64 << 10)
    for index in range(large):
        sdk.object(f"big-{index}").get_writer().put_content(big_payload)
    for index in range(small):
        sdk.object(f"small-{index}").get_writer().put_content(small_payload)
    session = requests.Session()
    s3_url, native_url = (
        f"{cluster.endpoint}/s3/{BUCKET}/big-",
        f"{cluster.endpoint}/v1/objects/{BUCKET}/big-",
    )

    def drain(url: str) -> None:
        with session.get(url, stream=True) as reply:
            reply.raise_for_status()
            for _ in reply.iter_content(MIB):
                pass

    rows: list[dict[str, object]] = []
    if not multipart_only:
        rows += [
            _pair(
                "GET 16 MiB",
                16 * MIB,
                large,
                rounds,
                ("boto3 /s3", lambda i: s3.get_object(Bucket=BUCKET, Key=f"big-{i}")["Body"].read() and None),
                ("SDK native", lambda i: sdk.object(f"big-{i}").get_reader().read_all() and None),
                proxy_pid,
            ),
            _pair(
                "PUT 16 MiB",
                16 * MIB,
                large,
                rounds,
                (
                    "boto3 /s3",
                    lambda i: s3.put_object(Bucket=BUCKET, Key=f"put-s3-{i}", Body=big_payload) and None,
                ),
                (
                    "SDK native",
                    lambda i: sdk.object(f"put-sdk-{i}").get_writer().put_content(big_payload) and None,
                ),
                proxy_pid,
            ),
            _pair(
                "GET 64 KiB",
                64 << 10,
                small,
                rounds,
                (
                    "boto3 /s3",
                    lambda i: s3.get_object(Bucket=BUCKET, Key=f"small-{i}")["Body"].read() and None,
                ),
                ("SDK native", lambda i: sdk.object(f"small-{i}").get_reader().read_all() and None),
                proxy_pid,
            ),
            _pair(
                "GET 16 MiB, requests: stream vs redirect",
                16 * MIB,
                large,
                rounds,
                ("/s3 streamed", lambda i: drain(f"{s3_url}{i}")),
                ("native 301", lambda i: drain(f"{native_url}{i}")),
                proxy_pid,
            ),
        ]
        rows.append(
            _pair(
                "PUT 16 MiB, requests: stream vs redirect",
                16 * MIB,
                large,
                rounds,
                (
                    "/s3 streamed",
                    lambda i: session.put(f"{s3_url}rq-{i}", data=big_payload).raise_for_status(),
                ),
                (
                    "native 307",
                    lambda i: session.put(f"{native_url}rq-{i}", data=big_payload).raise_for_status(),
                ),
                proxy_pid,
            )
        )
    target_pids = tuple(proc.pid for proc in cluster.targets if proc is not None)
    rows.append(_multipart_row(cluster, s3, tmp, big_mib, max(2, rounds // 2), proxy_pid, target_pids))
    print("\nsummary:", flush=True)
    for row in rows:
        print(f"  {row}", flush=True)


def _multipart_row(
    cluster: LocalCluster,
    s3: object,
    tmp: Path,
    big_mib: int,
    rounds: int,
    proxy_pid: int,
    target_pids: tuple[int, ...],
) -> dict[str, object]:
    source = tmp / "big.bin"
    chunk = os.urandom(16 * MIB)
    with open(source, "wb") as out:
        for _ in range(big_mib // 16):
            out.write(chunk)
    multipart = TransferConfig(multipart_threshold=16 * MIB, multipart_chunksize=16 * MIB)
    single = TransferConfig(multipart_threshold=big_mib * MIB + 1)
    sampler = RssSampler({"gateway": proxy_pid})
    sampler.start()
    sampler.phase = "big transfers"
    baseline = rss_bytes(proxy_pid) or 0
    row = _pair(
        f"upload_file {big_mib} MiB: multipart 16 MiB parts vs single PUT",
        big_mib * MIB,
        1,
        rounds,
        ("multipart", lambda i: s3.upload_file(str(source), BUCKET, "mp-big", Config=multipart)),  # type: ignore[attr-defined]
        ("single PUT", lambda i: s3.upload_file(str(source), BUCKET, "one-big", Config=single)),  # type: ignore[attr-defined]
        proxy_pid,
        target_pids,
    )
    sampler.stop()
    peak = sampler.result.peaks["gateway"].get("big transfers", baseline)
    row["gateway RSS growth MiB"] = round((peak - baseline) / MIB, 1)
    print(f"gateway RSS: {baseline / MIB:.0f} MiB before, peak {peak / MIB:.0f} MiB", flush=True)
    return row


if __name__ == "__main__":
    main()
