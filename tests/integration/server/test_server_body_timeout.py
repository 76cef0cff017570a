"""A client that announces more body than it sends, then waits, gets 408 and nothing is stored."""

import json
import socket
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from pyaistore.server.local_cluster import LocalCluster


def _target_url(endpoint: str) -> str:
    smap = requests.get(f"{endpoint}/v1/daemon?what=smap", timeout=10).json()
    return str(next(iter(smap["tmap"].values()))["public_net"]["direct_url"])


def test_stalled_body_gets_408_and_the_server_keeps_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYAISTORE_BODY_TIMEOUT", "1")
    with LocalCluster(tmp_path / "data", port=0, targets=1) as cluster:
        create = {"action": "create-bck", "name": "", "value": None}
        requests.post(f"{cluster.endpoint}/v1/buckets/stall", json=create, timeout=10).raise_for_status()
        url = urlparse(_target_url(cluster.endpoint))
        started = time.monotonic()
        with socket.create_connection((url.hostname, url.port), timeout=15) as sock:
            head = (
                "PUT /v1/objects/stall/obj?provider=ais HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
            )
            sock.sendall(head.encode() + b"x" * 10)
            reply = b""
            while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                reply += chunk
        assert time.monotonic() - started < 10
        status_line, _, rest = reply.partition(b"\r\n")
        assert status_line.startswith(b"HTTP/1.1 408"), reply[:200]
        body = json.loads(rest.split(b"\r\n\r\n", 1)[1])
        assert body["status"] == 408 and "stalled" in body["message"]
        assert requests.get(f"{cluster.endpoint}/v1/objects/stall/obj", timeout=10).status_code == 404
        requests.put(f"{cluster.endpoint}/v1/objects/stall/obj", data=b"ok", timeout=10).raise_for_status()
        assert requests.get(f"{cluster.endpoint}/v1/objects/stall/obj", timeout=10).content == b"ok"
        work = list((tmp_path / "data").glob("target-*/mp*/.work/*"))
        assert work == []
