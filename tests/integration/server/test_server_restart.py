"""Durability across a whole-cluster restart, and membership when a target dies."""

import json
import os
import signal

import requests
from aistore.sdk.bucket import Bucket
from official_sdk import no_retry_client, unique_bucket_name
from raw_protocol import bucket_url, object_url, poll, smap_json, xxhash2

from pyaistore.server.local_cluster import LocalCluster

KEEPALIVE_SLACK = 10.0  # the keepalive timeout (6 s) plus the reaping interval, with room to spare


def put_versions(bucket: Bucket, name: str, *contents: bytes) -> None:
    """PUT each content in turn (versions 1..n)."""
    for content in contents:
        bucket.object(name).get_writer().put_content(content)


def test_restart_brings_back_buckets_objects_versions_metadata(private_cluster: LocalCluster) -> None:
    client = no_retry_client(private_cluster.endpoint)
    plain, tuned = client.bucket(unique_bucket_name("plain")), client.bucket(unique_bucket_name("tuned"))
    plain.create()
    tuned.create()
    body = {"action": "set-bprops", "name": "", "value": {"checksum": {"type": "md5"}}}
    reply = requests.patch(
        bucket_url(private_cluster.endpoint, tuned.name), params={"provider": "ais"}, json=body
    )
    assert reply.status_code == 200
    big = os.urandom(2 * 1024 * 1024 + 3)
    expected = {
        "empty": b"",
        "big/blob": big,
        "deep/a/b/c/d/e": b"deep",
        "ünï cødé?": b"odd name",
        "versioned": b"third",
    }
    for name, data in expected.items():
        if name != "versioned":
            plain.object(name).get_writer().put_content(data)
    put_versions(plain, "versioned", b"first", b"second", b"third")
    plain.object("deep/a/b/c/d/e").get_writer().set_custom_props({"owner": "me", "kind": "test"})
    writer = plain.object("appended").get_writer()
    writer.append_content(b"", handle=writer.append_content(b"appended bytes"), flush=True)
    expected["appended"] = b"appended bytes"
    tuned.object("in-md5").get_writer().put_content(b"abc")

    private_cluster.restart()

    client = no_retry_client(private_cluster.endpoint)
    assert client.cluster().is_ready()
    names = {b.name for b in client.cluster().list_buckets()}
    assert {plain.name, tuned.name} <= names
    plain, tuned = client.bucket(plain.name), client.bucket(tuned.name)
    props = json.loads(tuned.head()["Ais-Bucket-Props"])
    assert props["checksum"]["type"] == "md5"
    assert sorted(e.name for e in plain.list_all_objects()) == sorted(expected)
    for name, data in expected.items():
        reader = plain.object(name).get_reader()
        assert reader.read_all() == data, name
        assert reader.attributes.checksum_value == xxhash2(data)
    assert plain.object("versioned").props.obj_version == "3"
    assert plain.object("deep/a/b/c/d/e").props.custom_metadata == {"owner": "me", "kind": "test"}
    assert tuned.object("in-md5").head(props="checksum").checksum_value == "900150983cd24fb0d6963f7d28e17f72"
    put_versions(plain, "versioned", b"fourth")
    assert plain.object("versioned").props.obj_version == "4", "versions continue after a restart"


def test_killed_target_leaves_the_map_and_returns(private_cluster: LocalCluster) -> None:
    endpoint = private_cluster.endpoint
    client = no_retry_client(endpoint)
    bucket = client.bucket(unique_bucket_name("members"))
    bucket.create()
    names = [f"o{i}" for i in range(20)]
    for name in names:
        bucket.object(name).get_writer().put_content(name.encode())
    before = set(smap_json(endpoint)["tmap"])
    private_cluster.kill_target(1, signal.SIGKILL)
    poll(lambda: len(smap_json(endpoint)["tmap"]) == 1, KEEPALIVE_SLACK, "the dead target to leave the map")
    survivor = set(smap_json(endpoint)["tmap"])
    assert survivor < before
    for name in names:  # every name now places on the survivor
        reply = requests.put(object_url(endpoint, bucket.name, f"after/{name}"), data=b"x", timeout=10)
        assert reply.status_code == 200
    private_cluster.start_target(1)
    private_cluster.wait_ready(2)
    assert set(smap_json(endpoint)["tmap"]) == before, "the target rejoins under its old ID"
    for name in names:
        assert bucket.object(name).get_reader().read_all() == name.encode()
