"""A flush carries no body: the server refuses one (400) instead of dropping its bytes, and the SDK
appends bytes given with flush=True before it flushes."""

import requests
from aistore.sdk.bucket import Bucket
from raw_protocol import assert_client_error, object_url, owner_url

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster


def test_a_flush_with_a_body_is_refused_and_publishes_nothing(
    bucket: Bucket, http: requests.Session, endpoint: str
) -> None:
    writer = bucket.object("appended").get_writer()
    handle = writer.append_content(b"kept, ")
    url = object_url(endpoint, bucket.name, "appended")
    params = {"provider": "ais", "append_type": "flush", "append_handle": handle}
    body = assert_client_error(http.put(url, params=params, data=b"would be lost"), 400)
    assert "flush takes no body" in body["message"]
    assert http.get(url).status_code == 404, "a refused flush publishes nothing"
    # A chunked body (no Content-Length), sent to the owner itself (a redirect would lose it).
    target_url = object_url(owner_url(endpoint, bucket.name, "appended"), bucket.name, "appended")
    chunked = http.put(target_url, params=params, data=iter([b"chunked ", b"body"]))
    assert_client_error(chunked, 400)
    assert http.put(url, params=params).status_code == 200
    assert http.get(url).content == b"kept, "


def test_the_sdk_appends_then_flushes(bucket: Bucket, cluster: LocalCluster) -> None:
    writer = Client(cluster.endpoint).bucket(bucket.name).object("log").get_writer()
    handle = writer.append_content(b"first, ")
    assert writer.append_content(b"last", handle=handle, flush=True) == ""
    assert bucket.object("log").get_reader().read_all() == b"first, last"
