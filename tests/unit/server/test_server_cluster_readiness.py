"""The launcher's waits, against a tiny HTTP server on loopback standing in for the nodes: ready
only when prr answers, the map holds the targets asked for and each answers its probe; our own
proxy only when the node on the port has our ID; a node that exited fails the wait at once."""

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from pyaistore.server.listen_ports import free_port
from pyaistore.server.local_cluster import LocalCluster
from pyaistore.server.local_nodes import NODE_ID_FILE, PROXY
from pyaistore.wire import paths, query

PROXY_ID = "p-ours"


@dataclass
class FakeNodes:
    """What the stand-in answers: the proxy's ID, whether prr is ready, the targets' URLs."""

    port: int = 0
    prr_ready: bool = True
    target_urls: list[str] = field(default_factory=list)


def _reply(fake: FakeNodes, path: str, params: dict[str, list[str]]) -> tuple[int, object]:
    what = params.get(query.WHAT, [""])[0]
    if path == paths.url_path(paths.DAEMON) and what == query.WHAT_SNODE:
        return 200, {"daemon_id": PROXY_ID}
    if path == paths.url_path(paths.DAEMON) and what == query.WHAT_SMAP:
        tmap = {f"t{i}": {"public_net": {"direct_url": url}} for i, url in enumerate(fake.target_urls)}
        return 200, {"tmap": tmap}
    if path == paths.url_path(paths.HEALTH) and query.PRR in params:
        return (200 if fake.prr_ready else 503), {}
    if path == paths.url_path(paths.HEALTH) and query.READINESS in params:
        return 200, {}
    return 404, {}


@pytest.fixture
def fake() -> Iterator[FakeNodes]:
    nodes = FakeNodes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, body = _reply(nodes, parts.path, parse_qs(parts.query))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    nodes.port = int(server.server_address[1])
    # A short poll interval: shutdown() waits for the loop to look again.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield nodes
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _cluster(tmp_path: Path, fake: FakeNodes, proxy_id: str = PROXY_ID) -> LocalCluster:
    (tmp_path / PROXY).mkdir()
    (tmp_path / PROXY / NODE_ID_FILE).write_text(proxy_id)
    return LocalCluster(tmp_path, port=fake.port)


def test_ready_once_prr_and_every_target_in_the_map_answer(tmp_path: Path, fake: FakeNodes) -> None:
    fake.target_urls = [f"http://127.0.0.1:{fake.port}"] * 2
    cluster = _cluster(tmp_path, fake)
    cluster.wait_ready(2, timeout=5)
    assert cluster.is_ready() and cluster.target_count() == 2


def test_not_ready_with_another_target_count(tmp_path: Path, fake: FakeNodes) -> None:
    fake.target_urls = [f"http://127.0.0.1:{fake.port}"] * 2
    with pytest.raises(TimeoutError, match="not ready with 3 targets"):
        _cluster(tmp_path, fake).wait_ready(3, timeout=0.3)


def test_not_ready_while_prr_fails(tmp_path: Path, fake: FakeNodes) -> None:
    fake.prr_ready = False
    cluster = _cluster(tmp_path, fake)
    assert not cluster.is_ready()
    with pytest.raises(TimeoutError):
        cluster.wait_ready(0, timeout=0.3)


def test_not_ready_while_a_target_in_the_map_does_not_answer(tmp_path: Path, fake: FakeNodes) -> None:
    fake.target_urls = [f"http://127.0.0.1:{fake.port}", f"http://127.0.0.1:{free_port()}"]
    with pytest.raises(TimeoutError):
        _cluster(tmp_path, fake).wait_ready(2, timeout=0.3)


def test_the_proxy_on_the_port_is_ours_only_with_our_id(tmp_path: Path, fake: FakeNodes) -> None:
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    _cluster(tmp_path / "ours", fake).wait_own_proxy(timeout=5)
    with pytest.raises(RuntimeError, match=f"answered by node {PROXY_ID}.*another cluster holds the port"):
        _cluster(tmp_path / "theirs", fake, proxy_id="p-theirs").wait_own_proxy(timeout=0.3)


def test_a_proxy_that_exited_fails_the_wait_with_its_log(tmp_path: Path, fake: FakeNodes) -> None:
    cluster = _cluster(tmp_path, fake)
    cluster.log_dir.mkdir(parents=True)
    (cluster.log_dir / f"{PROXY}.log").write_text("starting\ncannot open the data dir\n")
    cluster.proxy = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    cluster.proxy.wait(timeout=30)
    with pytest.raises(RuntimeError, match=r"(?s)proxy exited with 3.*cannot open the data dir"):
        cluster.wait_own_proxy(timeout=5)
