"""A cluster on uvloop (`event_loop = "uvloop"`) serves the data path as it does on asyncio's loop.

uvloop's transports are not subclasses of asyncio.Transport, and uvloop has no zero-copy
sendfile: the target's lean front must take its connections all the same, and a large GET must
go out in chunks.
"""

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster

SMALL = os.urandom(1024)  # the lean front's PUT and GET
LARGE = os.urandom(3 * 1024 * 1024 + 17)  # aiohttp's handler, sent without sendfile


@pytest.fixture(scope="module")
def uvloop_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A proxy and two targets, each on uvloop."""
    data = tmp_path_factory.mktemp("uvloop") / "data"
    with LocalCluster(data, port=0, targets=2, env={"PYAISTORE_EVENT_LOOP": "uvloop"}) as cluster:
        yield cluster


def _loaded_modules(pid: int) -> str:
    """The file names mapped into a process (its loaded extension modules among them)."""
    return Path(f"/proc/{pid}/maps").read_text()


def test_every_node_runs_on_uvloop(uvloop_cluster: LocalCluster) -> None:
    pids = [proc.pid for proc in (uvloop_cluster.proxy, *uvloop_cluster.targets) if proc is not None]
    assert len(pids) == 3
    for pid in pids:
        assert "uvloop" in _loaded_modules(pid), f"node {pid} did not load uvloop"


def test_small_and_large_objects_round_trip(uvloop_cluster: LocalCluster) -> None:
    bucket = Client(uvloop_cluster.endpoint).bucket("uv")
    bucket.create(exist_ok=True)
    for index in range(20):  # over both targets, through the lean front
        bucket.object(f"small/{index}").get_writer().put_content(SMALL + bytes([index]))
    bucket.object("large").get_writer().put_content(LARGE)
    for index in range(20):
        assert bucket.object(f"small/{index}").get_reader().read_all() == SMALL + bytes([index])
    reader = bucket.object("large").get_reader()
    assert hashlib.sha256(reader.read_all()).digest() == hashlib.sha256(LARGE).digest()
    ranged = bucket.object("large").get_reader(byte_range="bytes=1048570-1048585").read_all()
    assert ranged == LARGE[1048570:1048586]
    assert bucket.object("small/3").head().size == len(SMALL) + 1


def test_errors_keep_their_codes(uvloop_cluster: LocalCluster) -> None:
    missing = requests.get(f"{uvloop_cluster.endpoint}/v1/objects/uv-missing/o?provider=ais", timeout=10)
    assert missing.status_code == 404 and "uv-missing" in missing.text
