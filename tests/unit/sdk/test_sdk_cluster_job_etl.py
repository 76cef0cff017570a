"""Cluster, Job and Etl requests and answers (fake transport)."""

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sdk_fake_transport import FakeTransport, Reply

from pyaistore.sdk import Client
from pyaistore.sdk.errors import ErrETLNotFound, JobInfoNotFound, Timeout
from pyaistore.sdk.etl import etl_code

NODE = {
    "daemon_type": "target",
    "public_net": {"node_ip_addr": "127.0.0.1", "daemon_port": "9001", "direct_url": "http://127.0.0.1:9001"},
    "flags": 0,
}
SMAP = {
    "pmap": {"p1": {**NODE, "daemon_id": "p1", "daemon_type": "proxy"}},
    "tmap": {"t1": {**NODE, "daemon_id": "t1"}, "t2": {**NODE, "daemon_id": "t2", "flags": 4}},
    "proxy_si": {**NODE, "daemon_id": "p1", "daemon_type": "proxy"},
    "uuid": "cluster-uuid",
    "creation_time": "now",
    "version": "7",
}


def test_get_info(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply.json(SMAP)]
    smap = client.cluster().get_info()
    assert transport.sent[0].query == {"what": "smap"}
    assert (smap.version, smap.uuid, smap.proxy_si.daemon_id) == (7, "cluster-uuid", "p1")
    assert smap.proxy_si.public_net.daemon_port == "9001"
    assert smap.tmap["t2"].in_maint_or_decomm()
    assert smap.get_target_for_object("ais/@#/b/o").daemon_id == "t1"


def test_list_buckets(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply.json([{"name": "a", "provider": "ais", "namespace": {"uuid": "", "name": ""}}])]
    assert [b.name for b in client.cluster().list_buckets()] == ["a"]
    sent = transport.sent[0]
    assert (sent.path, sent.query, sent.json()) == (
        "/v1/buckets",
        {"provider": "ais"},
        {"action": "list", "name": "", "value": None},
    )
    client.cluster().list_buckets("")
    assert transport.sent[1].query == {"provider": ""}


class _HealthServer(ThreadingHTTPServer):
    """A loopback server answering the two requests of is_ready(): the cluster map and health."""

    ready = True


class _HealthHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server = self.server
        assert isinstance(server, _HealthServer)
        if self.path.startswith("/v1/daemon"):
            port = server.server_address[1]
            node = {**NODE, "daemon_id": "p1", "daemon_type": "proxy"}
            url = f"http://127.0.0.1:{port}"
            node["public_net"] = {"node_ip_addr": "127.0.0.1", "daemon_port": str(port), "direct_url": url}
            body = json.dumps({**SMAP, "proxy_si": node}).encode()
            status = 200
        else:
            body, status = b"", 200 if server.ready else 503
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def health_server() -> Iterator[_HealthServer]:
    server = _HealthServer(("127.0.0.1", 0), _HealthHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_is_ready(health_server: _HealthServer) -> None:
    cluster = Client(f"http://127.0.0.1:{health_server.server_address[1]}").cluster()
    assert cluster.is_ready() and cluster.is_aistore_running()
    health_server.ready = False
    started = time.monotonic()
    assert cluster.is_ready() is False
    assert time.monotonic() - started < 2  # one probe, no status retries


def test_job_status_and_terminal_wait(client: Client, transport: FakeTransport) -> None:
    running = Reply.json({"uuid": "j1", "kind": "copy-bck", "end_time": 0})
    done = Reply.json({"uuid": "j1", "kind": "copy-bck", "end_time": 99, "err": ""})
    transport.queue = [running, done]
    result = client.job("j1", "copy-bck").wait(timeout=5, verbose=False)
    assert result and result.end_time == "99"
    sent = transport.sent[0]
    assert sent.query == {"what": "status"}
    assert sent.json() == {"ID": "j1", "Kind": "copy-bck", "DaemonID": "", "Bck": None, "Buckets": None}


def test_job_wait_resolves_kind_and_waits_for_idle(client: Client, transport: FakeTransport) -> None:
    snap = {"id": "j2", "kind": "copy-listrange", "is_idle": True, "end-time": "2026-01-01T00:00:00Z"}
    transport.handler = lambda sent: Reply.json({"t1": [snap], "t2": [snap]})
    assert client.job("j2").wait(timeout=5, verbose=False).success
    assert all(sent.query == {"what": "qryxstats"} for sent in transport.sent)
    assert len(transport.sent) == 3  # one to learn the kind, two idle polls in a row


def test_job_wait_reports_failure_and_timeout(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply.json({"uuid": "j", "end_time": 5, "aborted": True})]
    result = client.job("j", "move-bck").wait(timeout=5, verbose=False)
    assert not result and result.error == "aborted"
    transport.handler = lambda sent: Reply.json({"uuid": "j", "end_time": 0})
    with pytest.raises(Timeout):
        client.job("j", "move-bck").wait(timeout=0.3, verbose=False)
    transport.handler = lambda sent: Reply.json({})
    with pytest.raises(JobInfoNotFound):
        client.job("j").wait(timeout=1, verbose=False)


def test_job_start_and_abort(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"new-job")]
    assert client.job(job_kind="lru").start(force=True, buckets=[client.bucket("b")]) == "new-job"
    start = transport.sent[0]
    assert (start.method, start.path, start.query) == ("PUT", "/v1/cluster", {"frc": "true"})
    assert start.json()["value"]["Bck"] == {"name": "b", "provider": "ais", "namespace": None}
    client.job("j9").abort()
    assert transport.sent[1].json()["action"] == "stop"
    with pytest.raises(ValueError):
        client.job().abort()


def test_etl_init_code_message(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"etl-id-1")]

    def transform(data: bytes) -> bytes:
        return data[::-1]

    assert (
        client.etl().init_code(transform, "rev-etl", dependencies=["numpy"], runtime="python3.11v2")
        == "etl-id-1"
    )
    body = transport.sent[0].json()
    assert (transport.sent[0].method, transport.sent[0].path) == ("PUT", "/v1/etl")
    assert {k: body[k] for k in ("name", "runtime", "communication", "init_timeout", "funcs")} == {
        "name": "rev-etl",
        "runtime": "python3.11v2",
        "communication": "hpush://",
        "init_timeout": "5m",
        "funcs": {"transform": "transform"},
    }
    assert base64.b64decode(body["dependencies"]).decode().startswith("numpy")
    namespace: dict[str, object] = {}
    exec(base64.b64decode(body["code"]).decode(), namespace)
    assert namespace["transform"](b"abc") == b"cba"  # type: ignore[operator]


def test_etl_code_without_cloudpickle_ships_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(etl_code, "uses_cloudpickle", lambda: False)

    def shout(data: bytes) -> bytes:
        return data.upper()

    namespace: dict[str, object] = {}
    exec(base64.b64decode(etl_code.encode_transform(shout, "hpush")).decode(), namespace)
    assert namespace["transform"](b"abc") == b"ABC"  # type: ignore[operator]
    with pytest.raises(ValueError):
        etl_code.encode_transform(lambda data: data, "hpush")


def test_etl_init_spec_and_other_calls(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"id")]
    client.etl("spec-etl").init_spec("kind: Pod\n", communication_type="hpull", timeout="1m")
    body = transport.sent[0].json()
    assert (body["name"], body["communication"], body["init_timeout"]) == ("spec-etl", "hpull://", "1m")
    assert base64.b64decode(body["spec"]) == b"kind: Pod\n"
    transport.queue = [
        Reply.json([{"id": "spec-etl", "stage": "Running"}]),
        Reply.json({"init_msg": {"name": "x"}}),
    ]
    assert [info.id for info in client.etl().list()] == ["spec-etl"]
    assert client.etl().view("spec-etl").name == "x"
    client.etl().stop("spec-etl")
    client.etl("spec-etl").start()
    client.etl().delete("spec-etl")
    assert [(sent.method, sent.path) for sent in transport.sent[3:]] == [
        ("POST", "/v1/etl/spec-etl/stop"),
        ("POST", "/v1/etl/spec-etl/start"),
        ("DELETE", "/v1/etl/spec-etl"),
    ]
    transport.queue = [Reply.error(404, "etl job missing")]
    with pytest.raises(ErrETLNotFound):
        client.etl().view("missing-etl")
    with pytest.raises(ValueError):
        client.etl().view()
