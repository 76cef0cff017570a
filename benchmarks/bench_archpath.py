"""archpath reads from 100 MiB tar shards: the cluster vs Python's tarfile on a downloaded copy.

    .venv/bin/python benchmarks/bench_archpath.py [--quick] [--shards 4 --members 1000 --size-kib 100]

1. Starts a local 2-target cluster, builds `--shards` tar shards of `--members` random files of
   `--size-kib` KiB each (4 x 1000 x 100 KiB = ~400 MiB by default) and PUTs them.
2. Cluster: `--reads` random (shard, member) reads, each `GET ...?archpath=<member>` through the
   proxy with one requests.Session (the redirect to the owning target included). The first read
   of each shard builds its member index; it is timed separately as "first read".
3. Local: downloads every shard once (timed), then reads the same random sequence from the local
   copies the way a script would without the cluster: `tarfile.open(path)` + `extractfile(member)`
   per read (tarfile scans headers up to the member each time).
4. Prints reads/s and MiB/s for both and the ratio cluster / local, checks a sample of reads
   byte for byte, and writes the figures to benchmarks/results/<timestamp>-archpath.json.
"""

import argparse
import json
import os
import random
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import requests

from pyaistore.server.local_cluster import LocalCluster

MIB = 1 << 20
BUCKET = "archbench"
RESULTS = Path(__file__).parent / "results"


@dataclass
class Figures:
    """What one run measured."""

    shards: int
    members: int
    member_bytes: int
    shard_mib: float
    reads: int
    first_read_ms: float
    cluster_reads_per_s: float
    cluster_mib_per_s: float
    download_s: float
    local_reads_per_s: float
    local_mib_per_s: float
    ratio: float


def _build_shard(path: Path, members: int, size: int, rng: random.Random) -> list[str]:
    """Write a tar of `members` random files; returns their names."""
    names = [f"sample-{i:05d}/{rng.choice(['img', 'cls', 'meta'])}.bin" for i in range(members)]
    with tarfile.open(path, "w") as tar:
        for name in names:
            info = tarfile.TarInfo(name)
            info.size = size
            tar.addfile(info, _RandomReader(size))
    return names


class _RandomReader:
    """`size` random bytes, read in pieces (no whole shard in memory)."""

    def __init__(self, size: int) -> None:
        self._left = size

    def read(self, n: int = -1) -> bytes:
        n = self._left if n < 0 else min(n, self._left)
        self._left -= n
        return os.urandom(n)


def _cluster_reads(endpoint: str, plan: list[tuple[str, str]], size: int) -> float:
    """Seconds for every planned read through the proxy."""
    url = f"{endpoint}/v1/objects/{BUCKET}/"
    with requests.Session() as session:
        started = time.perf_counter()
        for shard, member in plan:
            reply = session.get(url + shard, params={"archpath": member})
            if reply.status_code != 200 or len(reply.content) != size:
                raise SystemExit(f"GET {shard}?archpath={member}: {reply.status_code} {reply.text[:200]}")
        return time.perf_counter() - started


def _local_reads(local: dict[str, Path], plan: list[tuple[str, str]], size: int) -> float:
    """Seconds for every planned read with tarfile.open + extractfile on the downloaded copies."""
    started = time.perf_counter()
    for shard, member in plan:
        with tarfile.open(local[shard]) as tar:
            reader = tar.extractfile(member)
            assert reader is not None
            if len(reader.read()) != size:
                raise SystemExit(f"{shard}/{member}: short read")
    return time.perf_counter() - started


def _download(endpoint: str, shards: list[str], directory: Path) -> tuple[dict[str, Path], float]:
    """Fetch every shard once; returns the local paths and the seconds it took."""
    local = {}
    started = time.perf_counter()
    with requests.Session() as session:
        for shard in shards:
            path = directory / ("dl-" + shard)
            with session.get(f"{endpoint}/v1/objects/{BUCKET}/{shard}", stream=True) as reply:
                reply.raise_for_status()
                with open(path, "wb") as out:
                    for chunk in reply.iter_content(MIB):
                        out.write(chunk)
            local[shard] = path
    return local, time.perf_counter() - started


def _check_sample(endpoint: str, local: dict[str, Path], plan: list[tuple[str, str]]) -> None:
    """The cluster's bytes equal tarfile's for a few members."""
    for shard, member in plan[:20]:
        served = requests.get(f"{endpoint}/v1/objects/{BUCKET}/{shard}", params={"archpath": member}).content
        with tarfile.open(local[shard]) as tar:
            reader = tar.extractfile(member)
            assert reader is not None and reader.read() == served, f"{shard}/{member} differs"


def run(args: argparse.Namespace) -> Figures:
    """Build, upload, measure both ways; returns the figures."""
    rng = random.Random(args.seed)
    size = args.size_kib * 1024
    with tempfile.TemporaryDirectory() as tmp, LocalCluster(Path(tmp) / "cluster", targets=2) as cluster:
        endpoint = cluster.endpoint
        requests.post(
            f"{endpoint}/v1/buckets/{BUCKET}", json={"action": "create-bck", "name": "", "value": None}
        ).raise_for_status()
        members: dict[str, list[str]] = {}
        for index in range(args.shards):
            shard, path = f"shard-{index:03d}.tar", Path(tmp) / f"shard-{index:03d}.tar"
            members[shard] = _build_shard(path, args.members, size, rng)
            with open(path, "rb") as body:
                requests.put(f"{endpoint}/v1/objects/{BUCKET}/{shard}", data=body).raise_for_status()
            path.unlink()
        shard_mib = (args.members * (512 + size) + 10240) / MIB
        first_started = time.perf_counter()
        _cluster_reads(endpoint, [(s, names[0]) for s, names in members.items()], size)
        first_read_ms = (time.perf_counter() - first_started) * 1000 / args.shards
        plan = [(s, rng.choice(members[s])) for s in rng.choices(list(members), k=args.reads)]
        cluster_s = _cluster_reads(endpoint, plan, size)
        local, download_s = _download(endpoint, list(members), Path(tmp))
        _check_sample(endpoint, local, plan)
        local_s = _local_reads(local, plan, size)
    cluster_rate, local_rate = args.reads / cluster_s, args.reads / local_s
    return Figures(
        shards=args.shards,
        members=args.members,
        member_bytes=size,
        shard_mib=round(shard_mib, 1),
        reads=args.reads,
        first_read_ms=round(first_read_ms, 1),
        cluster_reads_per_s=round(cluster_rate, 1),
        cluster_mib_per_s=round(cluster_rate * size / MIB, 1),
        download_s=round(download_s, 2),
        local_reads_per_s=round(local_rate, 1),
        local_mib_per_s=round(local_rate * size / MIB, 1),
        ratio=round(cluster_rate / local_rate, 2),
    )


def main() -> None:
    """Parse options, run, print and save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--size-kib", type=int, default=100)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="2 shards x 200 members, 300 reads")
    args = parser.parse_args()
    if args.quick:
        args.shards, args.members, args.reads = 2, 200, 300
    figures = run(args)
    shard_desc = (
        f"{figures.shards} shards x {figures.members} x {args.size_kib} KiB (~{figures.shard_mib} MiB each)"
    )
    print(f"archpath reads, {shard_desc}, {figures.reads} random reads")
    print(f"  first read of a shard (index build): {figures.first_read_ms} ms")
    cluster, local = figures.cluster_reads_per_s, figures.local_reads_per_s
    print(f"  cluster  (GET ?archpath= via proxy): {cluster} reads/s, {figures.cluster_mib_per_s} MiB/s")
    print(f"  local    (tarfile.open+extractfile): {local} reads/s, {figures.local_mib_per_s} MiB/s")
    print(f"  download of all shards once: {figures.download_s} s")
    print(f"  ratio cluster/local: {figures.ratio}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / (time.strftime("%Y%m%dT%H%M%S") + "-archpath.json")
    out.write_text(json.dumps(asdict(figures), indent=2) + "\n")
    print(f"  figures: {out}")


if __name__ == "__main__":
    main()
