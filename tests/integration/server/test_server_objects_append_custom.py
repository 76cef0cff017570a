"""Append with handle and flush; custom metadata merge and replace."""

import pytest
import requests
from aistore.sdk.bucket import Bucket
from aistore.sdk.errors import ErrObjNotFound
from raw_protocol import assert_client_error, object_url, xxhash2


def test_append_is_invisible_until_flush(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    obj = bucket.object("log")
    writer = obj.get_writer()
    handle = writer.append_content(b"part one, ")
    assert handle
    handle = writer.append_content(b"part two", handle=handle)
    with pytest.raises(ErrObjNotFound):
        obj.get_reader().read_all()
    assert [e.name for e in bucket.list_all_objects()] == []
    reply = http.put(
        object_url(endpoint, bucket.name, "log"),
        params={"provider": "ais", "append_type": "flush", "append_handle": handle},
    )
    assert reply.status_code == 200
    assert "Ais-Append-Handle" not in reply.headers
    reader = obj.get_reader()
    assert reader.read_all() == b"part one, part two"
    assert reader.attributes.checksum_value == xxhash2(b"part one, part two")


def test_append_extends_existing_object(bucket: Bucket) -> None:
    obj = bucket.object("grow")
    writer = obj.get_writer()
    writer.put_content(b"base|")
    handle = writer.append_content(b"more")
    assert obj.get_reader().read_all() == b"base|", "unflushed appends must not show"
    assert writer.append_content(b"", handle=handle, flush=True) == ""
    reader = obj.get_reader()
    assert reader.read_all() == b"base|more"
    assert reader.attributes.obj_version == "2"


def test_sdk_file_writer_appends(bucket: Bucket) -> None:
    obj = bucket.object("file-like")
    with obj.get_writer().as_file(mode="w") as out:
        out.write(b"abc")
        out.write(b"def")
    assert obj.get_reader().read_all() == b"abcdef"


def test_flush_without_handle_is_400(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    bucket.object("o").get_writer().put_content(b"x")
    url = object_url(endpoint, bucket.name, "o")
    reply = http.put(url, params={"provider": "ais", "append_type": "flush", "append_handle": ""})
    assert_client_error(reply, 400)
    reply = http.put(url, params={"provider": "ais", "append_type": "flush"})
    assert_client_error(reply, 400)
    assert bucket.object("o").get_reader().read_all() == b"x"


@pytest.mark.parametrize("append_type", ["bogus", "", "APPEND!"])
def test_bad_append_type_is_400(
    bucket: Bucket, http: requests.Session, endpoint: str, append_type: str
) -> None:
    url = object_url(endpoint, bucket.name, "o")
    reply = http.put(
        url, params={"provider": "ais", "append_type": append_type, "append_handle": ""}, data=b"z"
    )
    assert_client_error(reply, 400)
    assert http.get(url).status_code == 404


def test_malformed_handle_is_400(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    url = object_url(endpoint, bucket.name, "o")
    params = {"provider": "ais", "append_type": "flush", "append_handle": "not-a-real-handle"}
    assert_client_error(http.put(url, params=params), 400)
    assert http.get(url).status_code == 404


def test_custom_metadata_merge_then_replace(bucket: Bucket) -> None:
    obj = bucket.object("tagged")
    obj.get_writer().put_content(b"payload")
    assert obj.props.custom_metadata == {}
    obj.get_writer().set_custom_props({"a": "1", "b": "2"})
    obj.get_writer().set_custom_props({"b": "3", "c": "4"})
    assert obj.props.custom_metadata == {"a": "1", "b": "3", "c": "4"}
    obj.get_writer().set_custom_props({"z": "9"}, replace_existing=True)
    props = obj.props
    assert props.custom_metadata == {"z": "9"}
    assert props.obj_version == "1", "metadata changes do not bump the version"
    reader = obj.get_reader()
    assert reader.read_all() == b"payload"
    assert reader.attributes.custom_metadata == {"z": "9"}


def test_custom_metadata_with_put_header(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    url = object_url(endpoint, bucket.name, "hdr")
    reply = http.put(url, data=b"x", headers={"Ais-Custom-Md": "k1=v1, k2=v2"})
    assert reply.status_code == 200
    assert bucket.object("hdr").props.custom_metadata == {"k1": "v1", "k2": "v2"}


def test_custom_metadata_errors(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    url = object_url(endpoint, bucket.name, "o")
    body = {"action": "", "name": "", "value": {"k": "v"}}
    reply = http.patch(url, params={"provider": "ais"}, json=body)
    assert assert_client_error(reply, 404)["tcode"] == "ErrObjNotFound"
    bucket.object("o").get_writer().put_content(b"x")
    for bad in ({"": "v"}, {"k": 1}, ["k", "v"], {"k": "x" * 3000}):
        reply = http.patch(url, params={"provider": "ais"}, json={"action": "", "name": "", "value": bad})
        assert_client_error(reply, 400)
    assert bucket.object("o").props.custom_metadata == {}


def test_flush_with_wrong_checksum_publishes_nothing(
    bucket: Bucket, http: requests.Session, endpoint: str
) -> None:
    url = object_url(endpoint, bucket.name, "checked")
    handle = bucket.object("checked").get_writer().append_content(b"hello")
    bad = {"Ais-Checksum-Type": "xxhash2", "Ais-Checksum-Value": "0" * 16}
    params = {"provider": "ais", "append_type": "flush", "append_handle": handle}
    assert_client_error(http.put(url, params=params, headers=bad), 400)
    assert http.get(url).status_code == 404
    good = {"Ais-Checksum-Type": "xxhash2", "Ais-Checksum-Value": xxhash2(b"hello")}
    assert http.put(url, params=params, headers=good).status_code == 200
    assert http.get(url).content == b"hello"
