"""A soak: 16-way GET/PUT of small objects through the proxy while hostile requests hit every node,
and a watcher that records every map change. Used by the short soak in `make test` and the long
one behind `make soak`; also runnable by hand: `python soak_it_support.py DATA_DIR SECONDS`."""

import io
import json
import random
import sys
import tarfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from pyaistore.server.local_cluster import LocalCluster

WORKERS = 16
OBJECTS = 200
OBJECT_SIZE = 1024
SHARD = "redos.tar"
# A member name that makes the pattern below backtrack exponentially in a backtracking engine.
EVIL_MEMBER = "r/" + "a" * 28 + "!"
EVIL_PATTERN = "(a+)+$"


@dataclass
class SoakReport:
    """What a soak saw: requests, failures by kind, and every map change with its target count."""

    gets: int = 0
    puts: int = 0
    hostile: int = 0
    data_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    map_changes: list[tuple[float, int, int]] = field(default_factory=list)
    min_targets: int = 1 << 30
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, kind: str) -> None:
        with self.lock:
            setattr(self, kind, getattr(self, kind) + 1)

    def summary(self) -> str:
        """One line of figures."""
        return (
            f"{self.gets} GETs, {self.puts} PUTs, {self.hostile} hostile requests, "
            f"{len(self.data_errors)} data errors, {len(self.server_errors)} 5xx, "
            f"{len(self.map_changes)} map changes, at least {self.min_targets} targets in the map"
        )


def make_shard() -> bytes:
    """A tar whose one member name stalls a backtracking regex engine on EVIL_PATTERN."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        info = tarfile.TarInfo(EVIL_MEMBER)
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    return out.getvalue()


def prepare(endpoint: str, bucket: str) -> None:
    """The bucket, its objects and the shard."""
    create = {"action": "create-bck", "name": "", "value": None}
    requests.post(f"{endpoint}/v1/buckets/{bucket}", json=create, timeout=30).raise_for_status()
    with requests.Session() as http:
        for index in range(OBJECTS):
            http.put(
                f"{endpoint}/v1/objects/{bucket}/o{index}", data=_payload(index), timeout=30
            ).raise_for_status()
        http.put(f"{endpoint}/v1/objects/{bucket}/{SHARD}", data=make_shard(), timeout=30).raise_for_status()


def _payload(index: int) -> bytes:
    return (b"%06d" % index) * (OBJECT_SIZE // 6) + b"x" * (OBJECT_SIZE % 6)


def _data_worker(endpoint: str, bucket: str, seed: int, until: float, report: SoakReport) -> None:
    rng = random.Random(seed)
    with requests.Session() as http:
        while time.monotonic() < until:
            index = rng.randrange(OBJECTS)
            url = f"{endpoint}/v1/objects/{bucket}/o{index}"
            try:
                if rng.random() < 0.3:
                    reply = http.put(url, data=_payload(index), timeout=30)
                    report.count("puts")
                else:
                    reply = http.get(url, timeout=30)
                    report.count("gets")
                    if reply.status_code == 200 and reply.content != _payload(index):
                        report.data_errors.append(f"GET o{index}: wrong content")
            except requests.RequestException as exc:
                report.data_errors.append(f"o{index}: {exc!r}")
                continue
            if reply.status_code != 200:
                report.data_errors.append(
                    f"{reply.request.method} o{index}: {reply.status_code} {reply.text[:200]}"
                )


HostileCall = tuple[str, str, dict[str, Any]]


def hostile_requests(endpoint: str, targets: list[str], bucket: str) -> list[HostileCall]:
    """(method, URL, arguments) of requests the fuzz run found harmful, straight to every node."""
    deep = b"[" * 5000 + b"]" * 5000
    shard = f"/v1/objects/{bucket}/{SHARD}"
    decommission = {"action": "decommission-node", "value": {"no_shutdown": True}}
    big_md = "k=" + "v" * 7000
    calls: list[HostileCall] = []
    for node in [endpoint, *targets]:
        calls += [
            ("POST", f"{node}/v1/buckets/{bucket}", {"data": deep}),
            ("POST", f"{node}/v1/buckets/{bucket}", {"data": b"null"}),
            ("PUT", f"{node}/v1/metasync", {"data": b'{"smap": {"version": [1]}}'}),
            ("PUT", f"{node}/v1/metasync", {"data": deep}),
            ("PUT", f"{node}/v1/daemon", {"json": decommission}),
            ("GET", f"{node}/v1/internal/list/{bucket}", {"data": b'{"pagesize": "x"}'}),
            ("GET", f"{node}{shard}?archregx={quote(EVIL_PATTERN)}&archmode=regexp", {}),
            ("GET", f"{node}/v1/objects/{bucket}/o1", {"headers": {"Range": "bytes=0-" + "9" * 5000}}),
            (
                "PUT",
                f"{node}/v1/objects/{bucket}/big-md",
                {"data": b"x", "headers": {"Ais-Custom-Md": big_md}},
            ),
        ]
    calls += [
        ("POST", f"{endpoint}/v1/cluster/keepalive", {"json": {"id": "x", "smap_version": "abc"}}),
        ("POST", f"{endpoint}/v1/cluster/keepalive", {"json": {"id": 5, "node": []}}),
        ("POST", f"{endpoint}/v1/cluster/join", {"json": {"node": {"daemon_id": 7}}}),
    ]
    return calls


def _hostile_worker(
    endpoint: str, targets: list[str], bucket: str, seed: int, until: float, report: SoakReport
) -> None:
    rng = random.Random(seed)
    calls = hostile_requests(endpoint, targets, bucket)
    with requests.Session() as http:
        while time.monotonic() < until:
            try:
                method, url, arguments = rng.choice(calls)
                reply = http.request(method, url, timeout=30, **arguments)
            except requests.RequestException as exc:
                report.server_errors.append(f"hostile request failed: {exc!r}")
                continue
            report.count("hostile")
            if reply.status_code >= 500 and reply.status_code != 501:
                report.server_errors.append(f"{method} {url[:120]}: {reply.status_code}")
            time.sleep(0.02)


def _watch(endpoint: str, until: float, report: SoakReport) -> None:
    last = None
    with requests.Session() as http:
        while time.monotonic() < until:
            try:
                smap = http.get(f"{endpoint}/v1/daemon?what=smap", timeout=10).json()
            except (requests.RequestException, ValueError):
                time.sleep(0.1)
                continue
            count, version = len(smap["tmap"]), int(smap["version"])
            report.min_targets = min(report.min_targets, count)
            if (count, version) != last:
                report.map_changes.append((time.monotonic(), version, count))
                last = (count, version)
            time.sleep(0.1)


def run_soak(cluster: LocalCluster, seconds: float, bucket: str = "soak-bucket") -> SoakReport:
    """Run the load and the hostile traffic for `seconds`; the report of what happened."""
    endpoint = cluster.endpoint
    prepare(endpoint, bucket)
    smap = requests.get(f"{endpoint}/v1/daemon?what=smap", timeout=10).json()
    targets = [node["public_net"]["direct_url"] for node in smap["tmap"].values()]
    report = SoakReport()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=_watch, args=(endpoint, until, report))]
    threads += [
        threading.Thread(target=_data_worker, args=(endpoint, bucket, seed, until, report))
        for seed in range(WORKERS)
    ]
    threads += [threading.Thread(target=_hostile_worker, args=(endpoint, targets, bucket, 99, until, report))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return report


if __name__ == "__main__":
    data = Path(sys.argv[1])
    running = LocalCluster(data, targets=2).start()
    try:
        result = run_soak(running, float(sys.argv[2]))
        print(result.summary())
        print("map changes:", json.dumps(result.map_changes))
        print("data errors:", result.data_errors[:20])
        print("5xx:", result.server_errors[:20])
    finally:
        running.stop()
