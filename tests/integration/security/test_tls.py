"""TLS on every listener, verified everywhere: the SDK and the CLI verify the cluster's certificate
(refusing it without the CA), and nodes verify each other (joins, keepalives, metasync, object
transfers of a rebalance, the S3 gateway's relay from the owning target)."""

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A proxy and two targets serving HTTPS with a self-signed certificate made on first start."""
    running = LocalCluster(Path(tmp_path_factory.mktemp("tls")), port=0, targets=2, tls=True, http_workers=2)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def test_every_node_advertises_https(tls_cluster: LocalCluster) -> None:
    smap = Client(tls_cluster.endpoint, ca_cert=tls_cluster.security.ca).cluster().get_info()
    urls = [node.public_net.direct_url for node in (*smap.pmap.values(), *smap.tmap.values())]
    assert len(urls) == 3 and all(url.startswith("https://") for url in urls)
    with pytest.raises(requests.ConnectionError):
        requests.get(tls_cluster.endpoint.replace("https://", "http://") + "/v1/health", timeout=5)


def test_the_sdk_verifies_the_certificate(tls_cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(requests.exceptions.SSLError):
        Client(tls_cluster.endpoint).cluster().get_uuid()
    client = Client(tls_cluster.endpoint, ca_cert=tls_cluster.security.ca)
    bucket = client.bucket(f"tls-{secrets.token_hex(3)}")
    bucket.create()
    data = secrets.token_bytes(3 << 20)
    bucket.object("big").get_writer().put_content(data)  # the two-leg HTTPS upload
    assert bucket.object("big").get_reader().read_all() == data
    monkeypatch.setenv("AIS_CLIENT_CA", tls_cluster.security.ca)  # the official SDK's variable too
    assert Client(tls_cluster.endpoint).bucket(bucket.name).object("big").head().size == len(data)


def _cli(endpoint: str, *args: str, ca: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIS_")}
    if ca:
        env["AIS_CLIENT_CA"] = ca
    command = [str(Path(sys.executable).parent / "pyaistore"), "--endpoint", endpoint, *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_the_cli_verifies_the_certificate(tls_cluster: LocalCluster) -> None:
    refused = _cli(tls_cluster.endpoint, "cluster", "show")
    assert refused.returncode != 0
    assert "certificate" in (refused.stderr + refused.stdout).lower()
    shown = _cli(tls_cluster.endpoint, "cluster", "show", ca=tls_cluster.security.ca)
    assert shown.returncode == 0, shown.stderr
    assert "https://" in shown.stdout


def test_nodes_move_objects_to_each_other_over_tls(tls_cluster: LocalCluster) -> None:
    client = Client(tls_cluster.endpoint, ca_cert=tls_cluster.security.ca)
    bucket = client.bucket(f"tls-moves-{secrets.token_hex(3)}")
    bucket.create()
    contents = {f"o{i}": secrets.token_bytes(2048 + i) for i in range(40)}
    for name, data in contents.items():
        bucket.object(name).get_writer().put_content(data)
    # The S3 gateway relays each GET from the owning target (a TLS connection of its own).
    s3_reply = requests.get(
        f"{tls_cluster.endpoint}/s3/{bucket.name}/o7", verify=tls_cluster.security.ca, timeout=10
    )
    assert s3_reply.content == contents["o7"]
    # A third target: it joins and keeps alive over TLS; the rebalance (or, before it is done,
    # get-from-neighbour) brings it the objects it now owns from the others.
    tls_cluster.add_target()
    tls_cluster.wait_ready(3)
    assert {name: bucket.object(name).get_reader().read_all() for name in contents} == contents
