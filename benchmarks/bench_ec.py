"""Erasure coding's cost on a local 4-target cluster: PUT into a 2+1 bucket and degraded GET.

    .venv/bin/python benchmarks/bench_ec.py [--objects 8] [--size-mib 16] [--rounds 3] [--no-fsync]

1. Starts a local cluster of 4 targets and makes two buckets on it: `plain`, and `ec` with
   erasure coding 2+1 for every object (objsize_limit 0): D + P + 1 = 4 targets.
2. PUT: each round PUTs --objects random objects of --size-mib into each bucket, straight to
   each object's owner (no proxy redirect), one at a time, the bucket going first alternating
   between rounds. An EC PUT is acknowledged only after its 3 slices are stored on 3 other
   targets. Reported: MiB/s per bucket per round, and the ratio ec / plain of the best rounds.
3. Degraded GET: one target (the owner of the most `ec` objects) is killed and leaves the map.
   Then, alternately, the first GET of each `ec` object it owned (the new owner misses it,
   finds no neighbour with a copy and restores it from 2 of its slices, then serves it) and a
   GET of a `plain` object another target owns. Reported: MiB/s of both and their ratio.

Every object read back is compared with what was written. Goals: PUT ratio >= 0.5, degraded
GET ratio >= 0.3. The figures move with whatever else runs on the two cores: compare several runs.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests

from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import hrw
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Smap, Snode

MIB = 1 << 20


def smap_of(endpoint: str) -> Smap:
    """The primary's cluster map."""
    return Smap.from_json(requests.get(f"{endpoint}/v1/daemon", params={"what": "smap"}, timeout=10).json())


def owner(smap: Smap, bucket: str, name: str) -> Snode:
    """The object's HRW owner."""
    node = hrw.choose(smap.targets.values(), BucketId(bucket).object_uname(name))
    assert node is not None
    return node


def put_round(
    session: requests.Session, smap: Smap, bucket: str, names: list[str], data: dict[str, bytes]
) -> float:
    """PUT every object straight to its owner, one at a time; returns MiB/s."""
    started = time.perf_counter()
    for name in names:
        url = f"{owner(smap, bucket, name).public_net.url}/v1/objects/{bucket}/{quote(name)}?provider=ais"
        session.put(url, data=data[name], timeout=300).raise_for_status()
    return sum(len(data[name]) for name in names) / MIB / (time.perf_counter() - started)


def get_timed(session: requests.Session, endpoint: str, bucket: str, name: str, expected: bytes) -> float:
    """GET through the proxy (redirect followed); seconds taken. The bytes must be the ones written."""
    started = time.perf_counter()
    reply = session.get(f"{endpoint}/v1/objects/{bucket}/{quote(name)}?provider=ais", timeout=300)
    reply.raise_for_status()
    elapsed = time.perf_counter() - started
    if reply.content != expected:
        raise AssertionError(f"{bucket}/{name}: wrong bytes back")
    return elapsed


def wait_targets(endpoint: str, count: int, timeout: float = 60) -> None:
    """Wait until the map has `count` targets."""
    deadline = time.monotonic() + timeout
    while len(smap_of(endpoint).targets) != count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the map did not reach {count} targets")
        time.sleep(0.1)


def run(args: argparse.Namespace) -> int:
    """Start the cluster, run the PUT rounds and the degraded GETs, print the figures."""
    size = args.size_mib * MIB
    extra = ("--no-fsync",) if args.no_fsync else ()
    with (
        tempfile.TemporaryDirectory(prefix="bench-ec-") as tmp,
        LocalCluster(Path(tmp), targets=4, extra_args=extra) as cluster,
    ):
        endpoint = cluster.endpoint
        session = requests.Session()
        for bucket in ("plain", "ec"):
            session.post(
                f"{endpoint}/v1/buckets/{bucket}?provider=ais", json={"action": "create-bck"}, timeout=30
            ).raise_for_status()
        ec = {"enabled": True, "data_slices": 2, "parity_slices": 1, "objsize_limit": 0}
        session.patch(
            f"{endpoint}/v1/buckets/ec?provider=ais",
            json={"action": "set-bprops", "value": {"ec": ec}},
            timeout=30,
        ).raise_for_status()
        smap = smap_of(endpoint)
        rates: dict[str, list[float]] = {"plain": [], "ec": []}
        data: dict[str, bytes] = {}
        for round_index in range(args.rounds):
            names = [f"r{round_index}-o{i:03d}" for i in range(args.objects)]
            data.update({name: os.urandom(size) for name in names})
            order = ("plain", "ec") if round_index % 2 == 0 else ("ec", "plain")
            for bucket in order:
                rates[bucket].append(put_round(session, smap, bucket, names, data))
            plain, coded = rates["plain"][-1], rates["ec"][-1]
            print(
                f"PUT round {round_index + 1}: plain {plain:,.0f} MiB/s, ec 2+1 {coded:,.0f} MiB/s",
                flush=True,
            )
        best_plain, best_ec = max(rates["plain"]), max(rates["ec"])
        put_ratio = best_ec / best_plain
        print(
            f"PUT {args.size_mib} MiB: best plain {best_plain:,.0f} MiB/s, best ec 2+1 {best_ec:,.0f} MiB/s,"
            f" ratio {put_ratio:.2f} (goal >= 0.5)"
        )

        ids = cluster.target_ids()
        counts: dict[str, int] = {}
        for name in data:
            node_id = owner(smap, "ec", name).daemon_id
            counts[node_id] = counts.get(node_id, 0) + 1
        victim = max(counts, key=lambda node_id: counts[node_id])
        degraded = [name for name in data if owner(smap, "ec", name).daemon_id == victim]
        healthy = [name for name in data if owner(smap, "plain", name).daemon_id != victim]
        cluster.kill_target(ids[victim])
        wait_targets(endpoint, 3)
        pairs = list(zip(degraded, healthy, strict=False))
        slow = fast = 0.0
        for ec_name, plain_name in pairs:
            slow += get_timed(session, endpoint, "ec", ec_name, data[ec_name])
            fast += get_timed(session, endpoint, "plain", plain_name, data[plain_name])
        moved = len(pairs) * size / MIB
        get_ratio = (moved / slow) / (moved / fast)
        print(
            f"GET {args.size_mib} MiB with the owner down ({len(pairs)} objects):"
            f" degraded {moved / slow:,.0f} MiB/s, plain {moved / fast:,.0f} MiB/s,"
            f" ratio {get_ratio:.2f} (goal >= 0.3)"
        )
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--objects", type=int, default=8, help="objects per bucket per round")
    parser.add_argument("--size-mib", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-fsync", action="store_true", help="start the targets without fsync")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
