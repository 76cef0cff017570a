"""A cloud bucket through pyaistore vs boto3 straight from the cloud, in the same run, on moto.

    .venv/bin/python benchmarks/bench_cloud.py [--large 64] [--small 2000] [--threads 8] [--quick]

1. Starts moto's S3 server and a local cluster (1 target) whose target reaches moto through
   AWS_ENDPOINT_URL, and fills an S3 bucket with boto3: --large x 16 MiB and --small x 64 KiB
   random objects (two prefixes).
2. For each set: **direct**, boto3 reading every object from moto with --threads threads; **cold**,
   every object read through the cluster for the first time (fetched from moto, streamed to the
   client while the target stores it); **warm**, every object read again (from the target's
   disk). Cluster reads go straight to the owning target (the SDK's direct mode), so no read
   pays a proxy redirect. Reported: MiB/s and the ratios cold/direct (goal >= 0.8) and
   warm/direct (goal >= 3).
3. Prefetch: the bucket's cached objects are evicted, then a prefetch job fetches the set
   (template) while the clock runs until the job ends; against a 16-thread boto3 loop that
   downloads the set into local files. Reported: objects/s and prefetch/loop (goal >= 1.0).

Every object read is checked for its size (and a sample for content). The load average is
printed with the figures: anything else on the machine skews them. Results also go to
benchmarks/results/cloud-<timestamp>.json.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import requests
from botocore.config import Config

from pyaistore.sdk import Client, RetryConfig
from pyaistore.server.local_cluster import LocalCluster, free_port
from pyaistore.wire import hrw
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Smap

MIB = 1 << 20
BUCKET = "bench"
RESULTS = Path(__file__).resolve().parent / "results"


def start_moto(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    """moto's server on a free port."""
    port = free_port("127.0.0.1")
    binary = str(Path(sys.executable).with_name("moto_server"))
    log = open(work / "moto.log", "wb")
    proc = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("moto did not start")


def s3_client(endpoint: str, threads: int) -> Any:
    """A boto3 client with enough pooled connections for the threads."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
        config=Config(max_pool_connections=max(threads, 16)),
    )


def timed(call: Callable[[], None]) -> float:
    """Seconds `call` took."""
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def fill(s3: Any, names: list[str], size: int, threads: int) -> None:
    """PUT random objects of `size` under every name."""

    def put(name: str) -> None:
        s3.put_object(Bucket=BUCKET, Key=name, Body=os.urandom(size))

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(put, names))


def read_direct(s3: Any, names: list[str], size: int, threads: int) -> float:
    """boto3 GETs of every object; seconds."""

    def get(name: str) -> None:
        body = s3.get_object(Bucket=BUCKET, Key=name)["Body"].read()
        assert len(body) == size, name

    with ThreadPoolExecutor(threads) as pool:
        return timed(lambda: list(pool.map(get, names)))


class ClusterReader:
    """GETs straight to each object's owning target (one requests session per thread)."""

    def __init__(self, endpoint: str) -> None:
        smap = Smap.from_json(
            requests.get(f"{endpoint}/v1/daemon", params={"what": "smap"}, timeout=10).json()
        )
        self._targets = list(smap.targets.values())
        self._local = threading.local()
        self._bucket = BucketId(BUCKET, "aws")

    def url(self, name: str) -> str:
        """The owner's URL of the object."""
        node = hrw.choose(self._targets, self._bucket.object_uname(name))
        assert node is not None
        return f"{node.public_net.url}/v1/objects/{BUCKET}/{quote(name)}?provider=aws"

    def get(self, name: str) -> bytes:
        """One whole object."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        reply = session.get(self.url(name), timeout=300, stream=True)
        reply.raise_for_status()
        data: bytes = reply.raw.read()  # one read, as boto3's StreamingBody.read() does
        reply.close()
        return data

    def read_all(self, names: list[str], size: int, threads: int) -> float:
        """GET every object with `threads` threads; seconds."""

        def get(name: str) -> None:
            assert len(self.get(name)) == size, name

        with ThreadPoolExecutor(threads) as pool:
            return timed(lambda: list(pool.map(get, names)))


def download_loop(s3: Any, names: list[str], into: Path, threads: int = 16) -> float:
    """boto3 downloads of every object into local files with `threads` threads; seconds."""
    into.mkdir(parents=True, exist_ok=True)

    def download(name: str) -> None:
        s3.download_file(BUCKET, name, str(into / name.replace("/", "_")))

    with ThreadPoolExecutor(threads) as pool:
        seconds = timed(lambda: list(pool.map(download, names)))
    shutil.rmtree(into)
    return seconds


def prefetch(client: Client, template: str) -> float:
    """Evict the bucket's cached objects, then prefetch the template and wait for the job; seconds."""
    bucket = client.bucket(BUCKET, provider="aws")
    bucket.evict(keep_md=True)
    started = time.perf_counter()
    job_id = bucket.objects(obj_template=template).prefetch()
    result = client.job(job_id).wait(timeout=3600)
    seconds = time.perf_counter() - started
    if not result.success:
        raise SystemExit(f"prefetch failed: {result.error}")
    return seconds


def measure_set(
    label: str,
    names: list[str],
    size: int,
    template: str,
    s3: Any,
    reader: ClusterReader,
    client: Client,
    args: argparse.Namespace,
    work: Path,
) -> dict[str, Any]:
    """direct, cold, warm and prefetch figures of one set."""
    total_mib = len(names) * size / MIB
    direct = read_direct(s3, names, size, args.threads)
    cold = reader.read_all(names, size, args.threads)
    sample = names[len(names) // 2]
    assert reader.get(sample) == s3.get_object(Bucket=BUCKET, Key=sample)["Body"].read()
    warm = reader.read_all(names, size, args.threads)
    loop = download_loop(s3, names, work / "downloads")
    fetched = prefetch(client, template)
    row = {
        "set": label,
        "objects": len(names),
        "size": size,
        "direct_mib_s": total_mib / direct,
        "cold_mib_s": total_mib / cold,
        "warm_mib_s": total_mib / warm,
        "cold_ratio": direct / cold,
        "warm_ratio": direct / warm,
        "loop_obj_s": len(names) / loop,
        "prefetch_obj_s": len(names) / fetched,
        "prefetch_ratio": loop / fetched,
    }
    print(
        f"{label:>16} | direct {row['direct_mib_s']:7.1f} MiB/s | cold {row['cold_mib_s']:7.1f} MiB/s "
        f"({row['cold_ratio']:.2f}x) | warm {row['warm_mib_s']:7.1f} MiB/s ({row['warm_ratio']:.2f}x) | "
        f"boto3 loop {row['loop_obj_s']:7.1f} obj/s | prefetch {row['prefetch_obj_s']:7.1f} obj/s "
        f"({row['prefetch_ratio']:.2f}x)",
        flush=True,
    )
    return row


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--large", type=int, default=64, help="objects of 16 MiB")
    parser.add_argument("--small", type=int, default=2000, help="objects of 64 KiB")
    parser.add_argument("--threads", type=int, default=8, help="client threads for GETs")
    parser.add_argument("--quick", action="store_true", help="8 large and 200 small objects")
    parser.add_argument(
        "--no-validate",
        action="store_true",
        help="set the bucket's checksum.validate_cold_get false (cold GETs skip the cloud's MD5)",
    )
    args = parser.parse_args()
    if args.quick:
        args.large, args.small = 8, 200
    work = Path(tempfile.mkdtemp(prefix="bench-cloud-"))
    moto, endpoint = start_moto(work)
    cluster = None
    try:
        s3 = s3_client(endpoint, args.threads)
        s3.create_bucket(Bucket=BUCKET)
        large = [f"large/obj-{index:04d}" for index in range(args.large)]
        small = [f"small/obj-{index:05d}" for index in range(args.small)]
        fill(s3, large, 16 * MIB, 4)
        fill(s3, small, 64 * 1024, 16)
        env = {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        cluster = LocalCluster(work / "cluster", port=0, targets=1, env=env)
        cluster.start()
        client = Client(cluster.endpoint, retry_config=RetryConfig.no_retries())
        bucket = client.bucket(BUCKET, provider="aws")
        bucket.head()  # first use adds it
        if args.no_validate:
            bucket.make_request("PATCH", "set-bprops", value={"checksum": {"validate_cold_get": False}})
        reader = ClusterReader(cluster.endpoint)
        print(f"moto at {endpoint}, cluster at {cluster.endpoint} (1 target), {args.threads} client threads")
        rows = [
            measure_set(
                f"{args.large} x 16 MiB",
                large,
                16 * MIB,
                f"large/obj-{{0000..{args.large - 1:04d}}}",
                s3,
                reader,
                client,
                args,
                work,
            ),
            measure_set(
                f"{args.small} x 64 KiB",
                small,
                64 * 1024,
                f"small/obj-{{00000..{args.small - 1:05d}}}",
                s3,
                reader,
                client,
                args,
                work,
            ),
        ]
        load = os.getloadavg()
        print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"cloud-{time.strftime('%Y%m%d-%H%M%S')}.json"
        out.write_text(json.dumps({"rows": rows, "loadavg": load, "threads": args.threads}, indent=2))
        print(f"results: {out}")
    finally:
        if cluster is not None:
            cluster.stop()
        moto.terminate()
        moto.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
