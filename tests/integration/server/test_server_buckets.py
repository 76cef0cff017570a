"""Buckets through the official SDK and raw HTTP: create, destroy, head, list, set properties."""

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from aistore.sdk import Client
from aistore.sdk.bucket import Bucket
from aistore.sdk.errors import AISError, ErrBckAlreadyExists, ErrBckNotFound
from official_sdk import unique_bucket_name
from raw_protocol import assert_client_error, bucket_url, error_json, object_url


def bucket_props(bucket: Bucket) -> dict[str, Any]:
    """The Ais-Bucket-Props JSON of a HEAD bucket."""
    props = json.loads(bucket.head()["Ais-Bucket-Props"])
    assert isinstance(props, dict)
    return props


def set_bprops(http: requests.Session, endpoint: str, bucket: Bucket, value: dict[str, Any]) -> None:
    """PATCH set-bprops (SDK 2.0.0 has no method for it)."""
    body = {"action": "set-bprops", "name": "", "value": value}
    reply = http.patch(bucket_url(endpoint, bucket.name), params={"provider": "ais"}, json=body)
    assert reply.status_code == 200, reply.text


def test_create_conflicts_and_exist_ok(ais_client: Client) -> None:
    bucket = ais_client.bucket(unique_bucket_name())
    bucket.create()
    try:
        with pytest.raises(ErrBckAlreadyExists) as info:
            bucket.create()
        assert info.value.status_code == 409
        assert f"ais://{bucket.name}" in info.value.message
        bucket.create(exist_ok=True)
        assert bucket.name in [b.name for b in ais_client.cluster().list_buckets()]
    finally:
        bucket.delete()


def test_destroy_missing_and_missing_ok(ais_client: Client) -> None:
    bucket = ais_client.bucket(unique_bucket_name())
    bucket.create()
    bucket.delete()
    with pytest.raises(ErrBckNotFound) as info:
        bucket.delete()
    assert info.value.status_code == 404
    bucket.delete(missing_ok=True)
    assert bucket.name not in [b.name for b in ais_client.cluster().list_buckets()]


def test_destroy_removes_objects(ais_client: Client, http: requests.Session, endpoint: str) -> None:
    bucket = ais_client.bucket(unique_bucket_name())
    bucket.create()
    try:
        bucket.object("kept/obj").get_writer().put_content(b"data")
        bucket.delete()
        reply = http.get(object_url(endpoint, bucket.name, "kept/obj"))
        assert assert_client_error(reply, 404)["tcode"] == "ErrBckNotFound"
        bucket.create()
        assert bucket.list_all_objects() == []
        reply = http.get(object_url(endpoint, bucket.name, "kept/obj"))
        assert assert_client_error(reply, 404)["tcode"] == "ErrObjNotFound"
    finally:
        bucket.delete(missing_ok=True)


def test_head_carries_props_json(bucket: Bucket) -> None:
    props = bucket_props(bucket)
    assert props["provider"] == "ais"
    assert props["checksum"]["type"] == "xxhash2"
    assert props["versioning"]["enabled"] is True
    assert int(props["created"]) > 0


def test_head_missing_bucket_is_404_with_hdr_error(
    ais_client: Client, http: requests.Session, endpoint: str
) -> None:
    name = unique_bucket_name("missing")
    with pytest.raises(AISError) as info:
        ais_client.bucket(name).head()
    assert info.value.status_code == 404
    reply = http.head(bucket_url(endpoint, name), params={"provider": "ais"})
    body = assert_client_error(reply, 404)
    assert body["tcode"] == "ErrBckNotFound"
    assert f"ais://{name}" in body["message"]


def test_list_buckets_sorted_and_filtered(
    make_bucket: Callable[[], Bucket], ais_client: Client, http: requests.Session, endpoint: str
) -> None:
    made = sorted(make_bucket().name for _ in range(3))
    listed = [b.name for b in ais_client.cluster().list_buckets()]
    assert [n for n in listed if n in made] == made
    body = {"action": "list", "name": "", "value": None}
    every = http.get(f"{endpoint}/v1/buckets", params={"provider": ""}, json=body).json()
    keys = [(b["provider"], b["name"]) for b in every]
    assert keys == sorted(keys)
    assert set(made) <= {b["name"] for b in every}
    assert all(b["namespace"] == {"uuid": "", "name": ""} for b in every)
    reply = http.get(f"{endpoint}/v1/buckets", params={"provider": "gcp"}, json=body)
    assert reply.status_code == 200
    assert reply.text.strip() == "[]"


def test_set_checksum_type_applies_to_next_put(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    set_bprops(http, endpoint, bucket, {"checksum": {"type": "md5"}})
    assert bucket_props(bucket)["checksum"]["type"] == "md5"
    reply = bucket.object("after-md5").get_writer().put_content(b"abc")
    assert reply.headers["Ais-Checksum-Type"] == "md5"
    assert reply.headers["Ais-Checksum-Value"] == "900150983cd24fb0d6963f7d28e17f72"
    attrs = bucket.object("after-md5").head(props="checksum")
    assert (attrs.checksum_type, attrs.checksum_value) == ("md5", "900150983cd24fb0d6963f7d28e17f72")


def test_versioning_off_keeps_version(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    writer = bucket.object("v").get_writer()
    assert writer.put_content(b"one").headers["Ais-Version"] == "1"
    assert writer.put_content(b"two").headers["Ais-Version"] == "2"
    set_bprops(http, endpoint, bucket, {"versioning": {"enabled": False}})
    assert bucket_props(bucket)["versioning"]["enabled"] is False
    writer.put_content(b"three")
    reader = bucket.object("v").get_reader()
    assert reader.read_all() == b"three"
    assert reader.attributes.obj_version == "2"


def test_set_bprops_rejects_unknown_keys(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    body = {"action": "set-bprops", "name": "", "value": {"no_such_section": {"x": 1}}}
    reply = http.patch(bucket_url(endpoint, bucket.name), params={"provider": "ais"}, json=body)
    assert_client_error(reply, 400)
    body = {"action": "set-bprops", "name": "", "value": {"checksum": {"type": "md5"}}}
    reply = http.patch(bucket_url(endpoint, unique_bucket_name()), params={"provider": "ais"}, json=body)
    assert assert_client_error(reply, 404)["tcode"] == "ErrBckNotFound"


@pytest.mark.parametrize("name", ["bad$name", "..dots", ".hidden", "x" * 65, "sp ace"])
def test_invalid_bucket_names_are_400(http: requests.Session, endpoint: str, name: str) -> None:
    body = {"action": "create-bck", "name": "", "value": None}
    reply = http.post(bucket_url(endpoint, name), params={"provider": "ais"}, json=body)
    assert_client_error(reply, 400)
    listing = http.get(f"{endpoint}/v1/buckets", json={"action": "list", "name": "", "value": None})
    assert name not in [b["name"] for b in listing.json()]


def test_unknown_provider_is_400(http: requests.Session, endpoint: str) -> None:
    body = {"action": "create-bck", "name": "", "value": None}
    reply = http.post(bucket_url(endpoint, unique_bucket_name()), params={"provider": "zzz"}, json=body)
    assert "invalid backend provider" in assert_client_error(reply, 400)["message"]
    reply = http.head(bucket_url(endpoint, "any"), params={"provider": "zzz"})
    assert "provider" in error_json(reply)["message"]
    assert reply.status_code == 400
