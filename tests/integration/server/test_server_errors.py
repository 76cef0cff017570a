"""Error replies: the AIS JSON shape, Hdr-Error on HEAD, and a 4xx (never 5xx/429) for bad input."""

import json
import socket
from urllib.parse import urlsplit

import pytest
import requests
from aistore.sdk.bucket import Bucket
from raw_protocol import assert_client_error, bucket_url, object_url, owner_url, poll, smap_json

from pyaistore.server.local_cluster import LocalCluster


def test_error_body_shape(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    reply = http.get(object_url(endpoint, bucket.name, "dir/missing"))
    body = assert_client_error(reply, 404)
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert body["tcode"] == "ErrObjNotFound"
    assert f"ais://{bucket.name}/dir/missing" in body["message"]
    assert "\\/" not in reply.text, "slashes must not be escaped (the SDK's regex needs ais://b/o)"
    assert body["method"] == "GET"
    assert body["node"].startswith("t[")


def test_head_errors_carry_hdr_error(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    reply = http.head(object_url(endpoint, bucket.name, "missing"), allow_redirects=True)
    assert reply.content == b""
    assert json.loads(reply.headers["Hdr-Error"])["tcode"] == "ErrObjNotFound"
    assert assert_client_error(reply, 404)["status"] == 404
    reply = http.head(bucket_url(endpoint, bucket.name + "-nope"))
    assert assert_client_error(reply, 404)["tcode"] == "ErrBckNotFound"


def bad_control_requests(bucket: str, endpoint: str) -> list[tuple[str, str]]:
    """Every control endpoint that takes a JSON body: (method, url)."""
    return [
        ("POST", bucket_url(endpoint, bucket)),
        ("DELETE", bucket_url(endpoint, bucket)),
        ("PATCH", bucket_url(endpoint, bucket)),
        ("PATCH", object_url(endpoint, bucket, "o")),
        ("POST", object_url(endpoint, bucket, "o")),
    ]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2", b"\xff\xfe", b'"just a string"', b"42"])
def test_malformed_json_is_400(bucket: Bucket, http: requests.Session, endpoint: str, body: bytes) -> None:
    bucket.object("o").get_writer().put_content(b"x")
    for method, url in bad_control_requests(bucket.name, endpoint):
        reply = http.request(method, url, data=body, headers={"Content-Type": "application/json"})
        assert_client_error(reply, 400)
    reply = http.get(bucket_url(endpoint, bucket.name), data=b"{oops")
    assert_client_error(reply, 400)
    assert bucket.object("o").get_reader().read_all() == b"x"
    assert bucket.name in [b["name"] for b in http.get(f"{endpoint}/v1/buckets").json()]


def test_unknown_action_is_400(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    bucket.object("o").get_writer().put_content(b"x")
    targets = [*bad_control_requests(bucket.name, endpoint), ("GET", bucket_url(endpoint, bucket.name))]
    for method, url in targets:
        if method == "PATCH" and "/objects/" in url:
            continue  # set-custom takes any action name (the SDK sends "")
        reply = http.request(method, url, json={"action": "no-such-action", "name": "", "value": None})
        assert 'invalid action "no-such-action"' in assert_client_error(reply, 400)["message"], (method, url)


def test_missing_body_is_400(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    for method, url in bad_control_requests(bucket.name, endpoint):
        assert_client_error(http.request(method, url), 400)


def send_short_body(url: str, declared: int, sent: bytes) -> bytes:
    """PUT announcing `declared` bytes, send only `sent`, half-close; return whatever came back."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=20) as sock:
        head = f"PUT {parts.path}?{parts.query} HTTP/1.1\r\nHost: x\r\nContent-Length: {declared}\r\n\r\n"
        sock.sendall(head.encode() + sent)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(("declared", "sent"), [(1000, 10), (16 << 20, 1 << 20)], ids=["small", "large"])
def test_body_shorter_than_content_length(
    bucket: Bucket, cluster: LocalCluster, http: requests.Session, endpoint: str, declared: int, sent: int
) -> None:
    name = f"short-{declared}"
    url = owner_url(endpoint, bucket.name, name) + f"/v1/objects/{bucket.name}/{name}?provider=ais"
    work_dirs = list(cluster.data_dir.glob("target-*/mp*/.work"))
    before = {f for d in work_dirs for f in d.iterdir()}
    answer = send_short_body(url, declared, b"0123456789" * (sent // 10))
    if answer:
        status = int(answer.split(b" ", 2)[1])
        assert 400 <= status < 500 and status != 429, answer[:300]
    assert http.get(object_url(endpoint, bucket.name, name)).status_code == 404
    assert bucket.list_all_objects() == []
    poll(lambda: {f for d in work_dirs for f in d.iterdir()} <= before, 10, "the work file to go")
    reply = http.put(object_url(endpoint, bucket.name, name), data=b"whole")
    assert reply.status_code == 200
    assert bucket.object(name).get_reader().read_all() == b"whole"


def test_oversized_url_is_4xx(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    name = "n" * 20_000
    nodes = [endpoint, *(t["public_net"]["direct_url"] for t in smap_json(endpoint)["tmap"].values())]
    for node in nodes:
        reply = http.put(f"{node}/v1/objects/{bucket.name}/{name}", data=b"x")
        assert 400 <= reply.status_code < 500 and reply.status_code != 429, (node, reply.status_code)
        reply = http.get(f"{node}/v1/objects/{bucket.name}/{name}")
        assert 400 <= reply.status_code < 500 and reply.status_code != 429, (node, reply.status_code)
    assert bucket.list_all_objects() == []
    assert http.get(f"{endpoint}/v1/health").status_code == 200
