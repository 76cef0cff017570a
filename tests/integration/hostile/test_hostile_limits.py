"""Regressions of the fuzz run's 5xx answers: each bad input is a 400 (or 416) naming what is wrong."""

import requests
from hostile_it_support import member_headers, target_urls

from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import limits

BUCKET = "limits"


def setup_bucket(endpoint: str) -> None:
    requests.post(
        f"{endpoint}/v1/buckets/{BUCKET}",
        json={"action": "create-bck", "name": "", "value": None},
        timeout=30,
    )
    requests.put(f"{endpoint}/v1/objects/{BUCKET}/o", data=b"data", timeout=30).raise_for_status()


def test_a_range_of_thousands_of_digits_is_416(hostile_cluster: LocalCluster) -> None:
    endpoint = hostile_cluster.endpoint
    setup_bucket(endpoint)
    reply = requests.get(
        f"{endpoint}/v1/objects/{BUCKET}/o", headers={"Range": "bytes=0-" + "9" * 5000}, timeout=30
    )
    assert reply.status_code == 416, reply.text


def test_deep_json_and_null_bodies_are_400_on_every_action_route(hostile_cluster: LocalCluster) -> None:
    endpoint = hostile_cluster.endpoint
    setup_bucket(endpoint)
    deep = b"[" * 1000 + b"]" * 1000
    for method, path in (
        ("POST", f"/v1/buckets/{BUCKET}"),
        ("DELETE", f"/v1/buckets/{BUCKET}"),
        ("PATCH", f"/v1/buckets/{BUCKET}"),
        ("PUT", "/v1/cluster"),
        ("PATCH", f"/v1/objects/{BUCKET}/o"),
        ("POST", f"/v1/objects/{BUCKET}/o"),
    ):
        for body in (deep, b"null", b'{"action": 5}'):
            reply = requests.request(method, endpoint + path, data=body, timeout=30)
            assert reply.status_code == 400, (method, path, body[:10], reply.status_code, reply.text)
    assert (
        "nested deeper than" in requests.post(f"{endpoint}/v1/buckets/{BUCKET}", data=deep, timeout=30).text
    )


def test_bad_field_types_in_keepalive_and_metasync_are_400(hostile_cluster: LocalCluster) -> None:
    endpoint, member = hostile_cluster.endpoint, member_headers(hostile_cluster)
    keepalive = f"{endpoint}/v1/cluster/keepalive"
    for body in (
        {"id": "x", "smap_version": "abc"},
        {"id": 5},
        {"id": "x", "node": []},
        {"id": "x", "bmd_version": 1.5},
    ):
        reply = requests.post(keepalive, json=body, headers=member, timeout=30)
        assert reply.status_code == 400, (body, reply.text)
    target = next(iter(target_urls(hostile_cluster).values()))
    for raw in ('{"smap": {"version": [1]}}', '{"smap": {"proxy_si": 5}}', '{"bmd": "x"}', "[1]"):
        reply = requests.put(f"{target}/v1/metasync", data=raw, headers=member, timeout=30)
        assert reply.status_code == 400, (raw, reply.text)


def test_custom_metadata_over_a_limit_is_400_and_nothing_is_written(hostile_cluster: LocalCluster) -> None:
    endpoint = hostile_cluster.endpoint
    setup_bucket(endpoint)
    url = f"{endpoint}/v1/objects/{BUCKET}/md"
    too_long = requests.put(url, data=b"x", headers={"Ais-Custom-Md": "k=" + "v" * 7000}, timeout=30)
    assert too_long.status_code == 400 and f"the limit is {limits.MAX_CUSTOM_VALUE}" in too_long.text
    assert requests.head(url, timeout=30, allow_redirects=True).status_code == 404  # nothing stored
    assert requests.put(url, data=b"x", headers={"Ais-Custom-Md": "a=1"}, timeout=30).status_code == 200
    # Each PATCH is within the limits, the merge is not: 400, and the metadata stays as it was.
    half = "v" * (limits.MAX_CUSTOM_VALUE - 10)
    patch = {"action": "set-custom", "name": "", "value": {"k1": half, "k2": half}}
    assert requests.patch(url, json=patch, timeout=30).status_code == 200
    patch["value"] = {"k3": half, "k4": half}
    merged = requests.patch(url, json=patch, timeout=30)
    assert merged.status_code == 400 and f"the limit is {limits.MAX_CUSTOM_TOTAL}" in merged.text
    head = requests.head(url, timeout=30, allow_redirects=True)
    assert "k3" not in head.headers.get("Ais-Custom-Md", "") and "k1" in head.headers.get("Ais-Custom-Md", "")
