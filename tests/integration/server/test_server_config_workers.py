"""A target's HTTP workers run with the config set while they run: a body timeout set cluster-wide
applies in whichever process accepts the connection, and the node's config reads the same there."""

import concurrent.futures
import socket
import time
from pathlib import Path
from urllib.parse import urlparse

import requests

from pyaistore.monitoring.counter_block import FILE_NAME, CounterBlock
from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import metric_names

WORKERS = 3
PER_ROUND = 6
MAX_ROUNDS = 10


def _stalled_put(host: str, port: int, name: str) -> tuple[bytes, float]:
    """A PUT that announces 1000 bytes and sends 10: the status line and how long until it came."""
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=20) as sock:
        head = f"PUT /v1/objects/cfg/{name}?provider=ais HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
        sock.sendall(head.encode() + b"x" * 10)
        reply = sock.recv(65536)
    return reply.partition(b"\r\n")[0], time.monotonic() - started


def _put_errors_in_workers(cluster: LocalCluster) -> int:
    """PUT errors counted by the target's HTTP workers (rows 1.. of its counter block)."""
    block = CounterBlock(
        cluster.data_dir / "target-0" / FILE_NAME, WORKERS, len(metric_names.REQUEST_COUNTERS), False
    )
    try:
        return sum(block.row(row)[metric_names.COLUMN["err_put_count"]] for row in range(1, WORKERS))
    finally:
        block.close()


def test_a_body_timeout_set_at_run_time_applies_in_every_worker(tmp_path: Path) -> None:
    with LocalCluster(tmp_path / "data", port=0, targets=1, http_workers=WORKERS) as cluster:
        cluster_api = Client(cluster.endpoint).cluster()
        Client(cluster.endpoint).bucket("cfg").create()
        cluster_api.set_config({"timeout.body_idle": "1s"})  # default 60s
        target = next(iter(cluster_api.get_info().tmap.values()))
        url = urlparse(target.public_net.direct_url)
        # Rounds of stalled PUTs until a worker (not only the main process) answered some: each
        # answer must be the 408 of the new timeout, long before the old one.
        with concurrent.futures.ThreadPoolExecutor(PER_ROUND) as pool:
            for round_ in range(MAX_ROUNDS):
                names = [f"o{round_}-{i}" for i in range(PER_ROUND)]
                calls = [pool.submit(_stalled_put, str(url.hostname), int(url.port or 0), n) for n in names]
                results = [call.result() for call in calls]
                assert all(status.startswith(b"HTTP/1.1 408") for status, _ in results), results
                assert max(elapsed for _, elapsed in results) < 10
                if _put_errors_in_workers(cluster):
                    break
        assert _put_errors_in_workers(cluster) > 0, "no HTTP worker took a connection"
        version = cluster_api.get_config()["config_version"]
        for _ in range(PER_ROUND):  # a fresh connection each: any process may answer
            reply = requests.get(
                f"{target.public_net.direct_url}/v1/daemon", params={"what": "config"}, timeout=10
            )
            config = reply.json()
            assert (config["timeout"]["body_idle"], config["config_version"]) == ("1s", version)
