"""Object names: odd but valid names round-trip; names that would escape the bucket are 400."""

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from aistore.sdk.bucket import Bucket
from raw_protocol import assert_client_error, object_url, smap_json

from pyaistore.server.local_cluster import LocalCluster
from pyaistore.storage.layout import JOURNAL_DIR

ODD_NAMES = [
    "with space",
    "question?mark",
    "per%cent%20literal",
    "hash#tag&amp=1",
    "ünïcødé/日本語/файл",
    "deep/" + "/".join(f"d{i}" for i in range(40)) + "/leaf",
    "dots.in.name/..not-a-dot-segment/x..y",
    "plus+and=equals",
]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_names_round_trip(bucket: Bucket, http: requests.Session, endpoint: str, name: str) -> None:
    data = name.encode() * 3
    bucket.object(name).get_writer().put_content(data)
    assert bucket.object(name).get_reader().read_all() == data
    assert http.get(object_url(endpoint, bucket.name, name)).content == data
    assert bucket.object(name).head().size == len(data)
    assert [e.name for e in bucket.list_all_objects()] == [name]
    bucket.object(name).delete()
    assert bucket.list_all_objects() == []


ESCAPING = [
    "../x",
    "a/../../b",
    "%2E%2E/x",
    "a/%2E%2E/%2E%2E/%2E%2E/b",
    "%2Fabs",
    "/abs",
    "a//b",
    "a%2F%2Fb",
    "trailing/",
    "./a",
    "a/./b",
    "a/..",
]


def data_files(root: Path) -> set[Path]:
    """Every file under the cluster's data dir except the logs and the write journals' segments.

    A segment comes with any create in the shared cluster (another test's late write, too) and
    goes within a checkpoint; what it holds is an object's copy, never a file of its own name.
    """
    return {
        p
        for p in root.rglob("*")
        if p.is_file() and not {"logs", JOURNAL_DIR} & set(p.relative_to(root).parts)
    }


def raw_put(base_url: str, path: str, body: bytes = b"evil") -> tuple[int, str | None]:
    """A PUT whose path goes out exactly as written (requests would resolve dot segments)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.putrequest("PUT", path, skip_accept_encoding=True)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        reply = conn.getresponse()
        reply.read()
        return reply.status, reply.getheader("Location")
    finally:
        conn.close()


@pytest.mark.parametrize("raw_name", ESCAPING)
def test_escaping_names_are_400_and_write_nothing(
    bucket: Bucket, cluster: LocalCluster, endpoint: str, raw_name: str
) -> None:
    before = data_files(cluster.data_dir)
    path = f"/v1/objects/{bucket.name}/{raw_name}?provider=ais"
    status, location = raw_put(endpoint, path)
    assert status == 400, (status, location)
    for target in smap_json(endpoint)["tmap"].values():
        status, location = raw_put(target["public_net"]["direct_url"], path)
        assert status == 400, (target["daemon_id"], status, location)
    assert data_files(cluster.data_dir) == before
    assert bucket.list_all_objects() == []


@pytest.mark.parametrize("name", ["a//b", "trailing/", "x" * 1100, "long/" + "y" * 300])
def test_invalid_names_via_sdk_are_400(
    bucket: Bucket, http: requests.Session, endpoint: str, name: str
) -> None:
    reply = http.put(object_url(endpoint, bucket.name, name), data=b"x")
    assert "invalid" in assert_client_error(reply, 400)["message"]
    assert bucket.list_all_objects() == []


@pytest.mark.parametrize("raw_name", ["%FF%FE", "ok/%C3%28", "%ED%A0%80x", "a%00b"])
def test_names_that_are_not_utf8_text_are_400(bucket: Bucket, endpoint: str, raw_name: str) -> None:
    """Undecodable bytes must not be folded into U+FFFD (two names would share one object)."""
    status, location = raw_put(endpoint, f"/v1/objects/{bucket.name}/{raw_name}?provider=ais")
    assert status == 400, (status, location)
    assert bucket.list_all_objects() == []
