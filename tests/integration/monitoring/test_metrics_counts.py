"""/metrics after a known load: every count equals what was sent, whichever target process served it."""

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from monitoring_it_support import counter, gauge, samples_of, scrape_cluster

from pyaistore.monitoring.counter_block import FILE_NAME, CounterBlock
from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import metric_names

WORKERS = 3
PUTS, GETS, DELETES, SIZE = 60, 320, 10, 1000
MAX_GET_ROUNDS = 10


@pytest.fixture(scope="module")
def workers_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """One proxy and one target serving from three processes (main + 2 HTTP workers)."""
    running = LocalCluster(tmp_path_factory.mktemp("metrics"), targets=1, http_workers=WORKERS)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def _target(cluster: LocalCluster) -> tuple[str, str]:
    smap = Client(cluster.endpoint).cluster().get_info()
    [(target_id, node)] = smap.tmap.items()
    return target_id, node.public_net.direct_url


Request = tuple[str, str, bytes | None, dict[str, str]]


def _in_threads(work: list[Request], threads: int = 16) -> list[int]:
    """Send each (method, url, body, headers) on a fresh connection, `threads` at a time; the statuses.

    Fresh connections from many threads reach every process of the target: a process accepts
    the connections that wait while the others are busy.
    """
    statuses: list[int] = [0] * len(work)

    def run(index: int) -> None:
        while index < len(work):
            method, url, body, hdrs = work[index]
            statuses[index] = requests.request(method, url, data=body, headers=hdrs, timeout=30).status_code
            index += threads

    pool = [threading.Thread(target=run, args=(start,)) for start in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return statuses


def _served_per_process(cluster: LocalCluster, column: str) -> list[int]:
    """What each process of the target counted in `column` (its row of the shared counter block)."""
    path = Path(cluster.data_dir / "target-0" / FILE_NAME)
    block = CounterBlock(path, WORKERS, len(metric_names.REQUEST_COUNTERS), create=False)
    try:
        return [block.row(row)[metric_names.COLUMN[column]] for row in range(WORKERS)]
    finally:
        block.close()


def test_counts_equal_the_load_sent(workers_cluster: LocalCluster) -> None:
    endpoint = workers_cluster.endpoint
    Client(endpoint).bucket("load").create()
    objects = f"{endpoint}/v1/objects/load"
    body = b"x" * SIZE
    puts: list[Request] = [("PUT", f"{objects}/o{index}", body, {}) for index in range(PUTS)]
    assert set(_in_threads(puts)) == {200}
    # GETs in rounds until at least two processes of the target served some (bounded).
    gets = 0
    for _ in range(MAX_GET_ROUNDS):
        round_: list[Request] = [("GET", f"{objects}/o{index % PUTS}", None, {}) for index in range(GETS)]
        assert set(_in_threads(round_)) == {200}
        gets += GETS
        if sum(1 for served in _served_per_process(workers_cluster, "get_count") if served) >= 2:
            break
    served = _served_per_process(workers_cluster, "get_count")
    assert sum(1 for count in served if count) >= 2, served
    deletes: list[Request] = [("DELETE", f"{objects}/o{index}", None, {}) for index in range(DELETES)]
    assert set(_in_threads(deletes)) == {200}
    bad_sum = {"Ais-Checksum-Type": "md5", "Ais-Checksum-Value": hashlib.md5(b"other").hexdigest()}
    missing_and_bad: list[Request] = [
        ("GET", f"{objects}/missing", None, {}),
        ("PUT", f"{objects}/bad", body, bad_sum),
    ]
    assert _in_threads(missing_and_bad, threads=1) == [404, 400]

    target_id, _ = _target(workers_cluster)
    scraped = scrape_cluster(endpoint)
    target, proxy = scraped[target_id], scraped[next(n for n in scraped if n != target_id)]
    assert counter(target, "ais_target_put_count", bucket="", xkind="") == PUTS
    assert counter(target, "ais_target_put_bytes") == PUTS * SIZE
    assert counter(target, "ais_target_get_count", bucket="") == gets == sum(served)
    assert counter(target, "ais_target_get_bytes") == gets * SIZE
    assert counter(target, "ais_target_del_count") == DELETES
    assert counter(target, "ais_target_err_put_count") == 1
    assert counter(target, "ais_target_err_put_cksum_count") == 1
    assert counter(target, "ais_target_err_get_count") == 0  # a missing object is not an error (AIS)
    assert counter(target, "ais_target_get_ns_total") > 0 and counter(target, "ais_target_put_ns_total") > 0
    # The proxy counts what it redirected: every request above, the failed ones included.
    assert counter(proxy, "ais_proxy_get_count") == gets + 1
    assert counter(proxy, "ais_proxy_put_count") == PUTS + 1
    assert counter(proxy, "ais_proxy_del_count") == DELETES


def test_target_metrics_straight_from_any_process(workers_cluster: LocalCluster) -> None:
    """GET /metrics on the target's public port (taken by a worker or the main process) tells the same."""
    target_id, url = _target(workers_cluster)
    expected = counter(scrape_cluster(workers_cluster.endpoint)[target_id], "ais_target_get_count")
    for _ in range(6):  # fresh connections: different processes answer
        reply = requests.get(f"{url}/metrics", timeout=10)
        assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        assert counter(samples_of(reply.text), "ais_target_get_count") == expected


def test_node_gauges(workers_cluster: LocalCluster) -> None:
    target_id, _ = _target(workers_cluster)
    scraped = scrape_cluster(workers_cluster.endpoint)
    target = scraped[target_id]
    mountpath = str(workers_cluster.data_dir / "target-0" / "mp0")
    [capacity] = gauge(target, "ais_target_mpath_capacity_bytes", mountpath=mountpath, node_id=target_id)
    [used] = gauge(target, "ais_target_mpath_used_bytes", mountpath=mountpath)
    [available] = gauge(target, "ais_target_mpath_avail_bytes", mountpath=mountpath)
    assert 0 < used < capacity and 0 < available <= capacity - used
    assert counter(target, "ais_target_proc_cpu_ns_total") > 0
    assert gauge(target, "ais_target_proc_rss_bytes")[0] > 10 << 20  # three Python processes
    assert gauge(target, "ais_target_uptime")[0] >= 0
    flags = int(gauge(target, "ais_target_state_flags")[0])
    assert flags & metric_names.NODE_STARTED and flags & metric_names.CLUSTER_STARTED
    for samples in scraped.values():
        assert all(s.labels["node_id"] in scraped for s in samples)


def test_job_counters(workers_cluster: LocalCluster) -> None:
    client = Client(workers_cluster.endpoint)
    source = client.bucket("jobs-src").create()
    for index in range(7):
        source.object(f"j{index}").get_writer().put_content(b"y" * 10)
    job_id = source.copy(client.bucket("jobs-dst"))
    client.job(job_id).wait(timeout=60)
    target_id, _ = _target(workers_cluster)
    target = scrape_cluster(workers_cluster.endpoint)[target_id]
    assert counter(target, "ais_target_job_started_count", xkind="copy-bck") == 1
    assert counter(target, "ais_target_job_objects_count", xkind="copy-bck") == 7
    assert counter(target, "ais_target_job_bytes", xkind="copy-bck") == 70
    assert gauge(target, "ais_target_job_running", xkind="copy-bck") == [0]
