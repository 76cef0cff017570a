"""A restarted primary is ready (prr) only once the targets of its map registered again: clients
sent right after "ready" never meet a stale target address."""

import time
from pathlib import Path

import pytest
import requests
from official_sdk import no_retry_client, unique_bucket_name
from raw_protocol import object_url, poll, smap_json

from pyaistore.server.local_cluster import LocalCluster

PRR = "/v1/health?prr=true"
NOT_READY = "primary: not ready yet (cluster is starting up)"
OBJECTS = 30
GETS = 300


def prr_status(endpoint: str) -> int:
    """The status of the primary-ready probe (0 when the proxy does not answer)."""
    try:
        return requests.get(endpoint + PRR, timeout=2).status_code
    except requests.RequestException:
        return 0


def wait_prr(endpoint: str, timeout: float) -> None:
    """Probe prr as fast as a client would, until the first 200."""
    deadline = time.monotonic() + timeout
    while prr_status(endpoint) != 200:
        assert time.monotonic() < deadline, "the primary never became ready"
        time.sleep(0.005)


def test_ready_only_after_every_target_registered_again(tmp_path: Path) -> None:
    with LocalCluster(tmp_path / "data", targets=2) as cluster:
        endpoint = cluster.endpoint
        bucket = no_retry_client(endpoint).bucket(unique_bucket_name("ready"))
        bucket.create()
        for index in range(OBJECTS):
            bucket.object(f"o{index}").get_writer().put_content(f"payload {index}".encode())
        old_urls = {n["public_net"]["direct_url"] for n in smap_json(endpoint)["tmap"].values()}

        cluster.stop()
        cluster.start_proxy()
        cluster.wait_own_proxy()
        # 1. Before any target is back, the map holds only stale addresses: not ready, AIS's error.
        reply = requests.get(endpoint + PRR, timeout=5)
        assert reply.status_code == 503
        assert reply.json()["message"].endswith(NOT_READY)
        assert requests.get(endpoint + "/v1/health?readiness=true", timeout=5).status_code == 200

        # 2. Targets come back on new ports; the first 200 must find every address fresh.
        for index in range(2):
            cluster.start_target(index)
        wait_prr(endpoint, 30)
        tmap = smap_json(endpoint)["tmap"]
        assert len(tmap) == 2
        for node_id, node in tmap.items():
            url = node["public_net"]["direct_url"]
            assert url not in old_urls
            snode = requests.get(url + "/v1/daemon?what=snode", timeout=5).json()
            assert snode["daemon_id"] == node_id

        # 3. Every GET sent right after "ready" succeeds.
        with requests.Session() as session:
            for index in range(GETS):
                name = f"o{index % OBJECTS}"
                reply = session.get(object_url(endpoint, bucket.name, name), timeout=10)
                assert reply.status_code == 200, (index, reply.status_code, reply.text)
                assert reply.content == f"payload {index % OBJECTS}".encode()


def test_a_target_that_does_not_come_back_is_given_up_after_the_grace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYAISTORE_STARTUP_GRACE", "2")
    with LocalCluster(tmp_path / "data", targets=2) as cluster:
        endpoint = cluster.endpoint
        before = set(smap_json(endpoint)["tmap"])
        cluster.stop()
        cluster.start_proxy()
        cluster.wait_own_proxy()
        cluster.start_target(0)
        started = time.monotonic()
        poll(lambda: prr_status(endpoint) == 200, 30, "the primary to become ready without target-1")
        assert time.monotonic() - started >= 1.0, "ready before the grace period was over"
        survivor = (cluster.data_dir / "target-0" / "node_id").read_text().strip()
        assert set(smap_json(endpoint)["tmap"]) == {survivor} < before
        cluster.start_target(1)
        cluster.wait_ready(2)
        assert set(smap_json(endpoint)["tmap"]) == before, "the late target joins again under its ID"
