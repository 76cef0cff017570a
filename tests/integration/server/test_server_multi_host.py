"""One cluster over three "hosts": the primary on 127.0.0.1, a target each on 127.0.0.2 and
127.0.0.3, every daemon started by hand as docs/deployment.md tells an operator to."""

import socket
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from process_support import daemon
from raw_protocol import object_url, poll

from pyaistore.server.local_cluster import free_port

PRIMARY_HOST = "127.0.0.1"
TARGET_HOSTS = ("127.0.0.2", "127.0.0.3")
OBJECTS = 40


def bindable(host: str) -> bool:
    """True when this machine can listen on `host` (Linux routes all of 127/8 to loopback)."""
    try:
        with socket.socket() as sock:
            sock.bind((host, 0))
    except OSError:
        return False
    return True


@pytest.fixture()
def three_hosts(tmp_path: Path) -> Iterator[str]:
    """Start the primary and two targets, each with its own data dir; yield the endpoint."""
    missing = [h for h in TARGET_HOSTS if not bindable(h)]
    if missing:
        pytest.skip(f"cannot listen on {', '.join(missing)}: this system routes only 127.0.0.1 to loopback")
    port = free_port(PRIMARY_HOST)
    endpoint = f"http://{PRIMARY_HOST}:{port}"
    with ExitStack() as stack:
        proxy_args = ["--role", "proxy", "--data", str(tmp_path / "proxy")]
        proxy_args += ["--host", PRIMARY_HOST, "--port", str(port)]
        stack.enter_context(daemon(proxy_args, tmp_path / "proxy.log"))
        for host in TARGET_HOSTS:
            data = tmp_path / f"target-{host}"
            args = ["--role", "target", "--data", str(data), "--host", host, "--port", "0"]
            args += ["--primary", endpoint, "--mountpath", str(data / "disk0")]
            stack.enter_context(daemon(args, tmp_path / f"target-{host}.log"))

        def ready() -> bool:
            try:
                prr = requests.get(f"{endpoint}/v1/health?prr=true", timeout=2)
                smap = requests.get(f"{endpoint}/v1/daemon?what=smap", timeout=2).json()
            except requests.RequestException:
                return False
            return prr.status_code == 200 and len(smap["tmap"]) == len(TARGET_HOSTS)

        poll(ready, 30, "the primary to be ready with both targets")
        yield endpoint


def stored_names(target_dir: Path, bucket: str) -> set[str]:
    """Names of the objects a target holds on its disk."""
    root = target_dir / "disk0" / "ais" / "@#" / bucket / "obj"
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_put_and_get_through_the_proxy_land_on_both_hosts(three_hosts: str, tmp_path: Path) -> None:
    endpoint = three_hosts
    smap = requests.get(f"{endpoint}/v1/daemon?what=smap", timeout=5).json()
    hosts = {node["public_net"]["node_ip_addr"] for node in smap["tmap"].values()}
    assert hosts == set(TARGET_HOSTS)
    create = {"action": "create-bck", "name": "", "value": None}
    assert requests.post(f"{endpoint}/v1/buckets/spread", json=create, timeout=10).status_code == 200

    served_by: set[str] = set()
    with requests.Session() as session:
        for index in range(OBJECTS):
            reply = session.put(object_url(endpoint, "spread", f"o{index}"), data=b"x" * index, timeout=10)
            assert reply.status_code == 200, reply.text
        for index in range(OBJECTS):
            reply = session.get(object_url(endpoint, "spread", f"o{index}"), timeout=10)
            assert reply.status_code == 200 and reply.content == b"x" * index
            served_by.add(urlsplit(reply.url).hostname or "")
    assert served_by == set(TARGET_HOSTS), "GETs were redirected to both hosts"

    on_disk = [stored_names(tmp_path / f"target-{host}", "spread") for host in TARGET_HOSTS]
    assert all(on_disk), "each host stores a share of the objects"
    assert on_disk[0].isdisjoint(on_disk[1])
    assert on_disk[0] | on_disk[1] == {f"o{index}" for index in range(OBJECTS)}
