"""Object PUT and GET: stored bytes, end-to-end checksums, attribute headers, versions, ranges."""

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from aistore.sdk import Client
from aistore.sdk.bucket import Bucket
from aistore.sdk.errors import ErrBckNotFound, ErrObjNotFound
from official_sdk import unique_bucket_name
from raw_protocol import assert_client_error, checksum_headers, object_url, xxhash2

BIG = os.urandom(3 * 1024 * 1024 + 17)  # above the inline-body and inline-send sizes


def test_get_returns_bytes_and_attribute_headers(
    bucket: Bucket, http: requests.Session, endpoint: str
) -> None:
    data = b"hello, pyaistore"
    put = bucket.object("greeting").get_writer().put_content(data)
    assert put.status_code == 200
    assert put.headers["Ais-Checksum-Value"] == xxhash2(data)
    reply = http.get(object_url(endpoint, bucket.name, "greeting"))
    assert reply.status_code == 200
    assert reply.content == data
    assert reply.headers["Content-Length"] == str(len(data))
    assert reply.headers["Ais-Checksum-Type"] == "xxhash2"
    assert reply.headers["Ais-Checksum-Value"] == xxhash2(data)
    assert reply.headers["Ais-Version"] == "1"
    atime = int(reply.headers["Ais-Atime"])
    assert atime > 10**18, "Ais-Atime must be Unix nanoseconds"
    assert "Ais-Custom-Md" not in reply.headers


def test_version_bumps_on_every_put(bucket: Bucket) -> None:
    obj = bucket.object("versioned")
    obj.get_writer().put_content(b"first")
    reader = obj.get_reader()
    assert (reader.read_all(), reader.attributes.obj_version) == (b"first", "1")
    obj.get_writer().put_content(b"second, longer")
    reader = obj.get_reader()
    assert (reader.read_all(), reader.attributes.obj_version) == (b"second, longer", "2")
    assert reader.attributes.size == len(b"second, longer")


def test_large_object_round_trip(bucket: Bucket) -> None:
    bucket.object("big").get_writer().put_content(BIG)
    reader = bucket.object("big").get_reader()
    assert reader.read_all() == BIG
    assert reader.attributes.checksum_value == xxhash2(BIG)
    assert reader.attributes.size == len(BIG)


@pytest.mark.parametrize("kind", ["xxhash2", "md5", "sha256"])
def test_put_with_matching_checksum_is_stored(
    bucket: Bucket, http: requests.Session, endpoint: str, kind: str
) -> None:
    value = xxhash2(BIG) if kind == "xxhash2" else hashlib.new(kind, BIG).hexdigest()
    headers = {"Ais-Checksum-Type": kind, "Ais-Checksum-Value": value}
    reply = http.put(object_url(endpoint, bucket.name, "sum"), data=BIG, headers=headers)
    assert reply.status_code == 200, reply.text
    assert bucket.object("sum").get_reader().read_all() == BIG


@pytest.mark.parametrize("size", [3, len(BIG)])
def test_checksum_mismatch_is_400_and_stores_nothing(
    bucket: Bucket, http: requests.Session, endpoint: str, size: int
) -> None:
    url = object_url(endpoint, bucket.name, "guarded")
    bad = {"Ais-Checksum-Type": "xxhash2", "Ais-Checksum-Value": "0123456789abcdef"}
    body = assert_client_error(http.put(url, data=BIG[:size], headers=bad), 400)
    assert f"ais://{bucket.name}/guarded" in body["message"]
    assert http.get(url).status_code == 404
    old = b"the old content"
    assert http.put(url, data=old, headers=checksum_headers(old)).status_code == 200
    assert_client_error(http.put(url, data=BIG[:size], headers=bad), 400)
    reply = http.get(url)
    assert (reply.content, reply.headers["Ais-Version"]) == (old, "1")
    assert [e.name for e in bucket.list_all_objects()] == ["guarded"]


def test_put_and_get_on_missing_bucket_are_404(ais_client: Client) -> None:
    obj = ais_client.bucket(unique_bucket_name("absent")).object("o")
    with pytest.raises(ErrBckNotFound):
        obj.get_writer().put_content(b"x")
    with pytest.raises(ErrBckNotFound):
        obj.get_reader().read_all()


def test_get_missing_object_is_obj_not_found(bucket: Bucket) -> None:
    with pytest.raises(ErrObjNotFound) as info:
        bucket.object("never/written").get_reader().read_all()
    assert info.value.status_code == 404
    assert f"ais://{bucket.name}/never/written" in info.value.message


RANGES = [
    ("bytes=0-9", 0, 9),
    ("bytes=1000-1999", 1000, 1999),
    ("bytes=4000-", 4000, 4095),
    ("bytes=-100", 3996, 4095),
    ("bytes=4090-99999", 4090, 4095),
    ("bytes=-99999", 0, 4095),
]


@pytest.mark.parametrize(("header", "first", "last"), RANGES)
def test_range_is_206_with_exact_bytes(
    bucket: Bucket, http: requests.Session, endpoint: str, header: str, first: int, last: int
) -> None:
    data = os.urandom(4096)
    bucket.object("ranged").get_writer().put_content(data)
    reply = http.get(object_url(endpoint, bucket.name, "ranged"), headers={"Range": header})
    assert reply.status_code == 206
    assert reply.content == data[first : last + 1]
    assert reply.headers["Content-Length"] == str(last - first + 1)
    assert reply.headers["Content-Range"] == f"bytes {first}-{last}/4096"
    assert reply.headers["Ais-Checksum-Value"] == xxhash2(data), "whole-object checksum on a range"
    sdk_reader = bucket.object("ranged").get_reader(byte_range=header)
    assert sdk_reader.read_all() == data[first : last + 1]


def test_range_inside_a_large_object(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    bucket.object("big").get_writer().put_content(BIG)
    first, last = 1_000_000, 2_500_000
    headers = {"Range": f"bytes={first}-{last}"}
    reply = http.get(object_url(endpoint, bucket.name, "big"), headers=headers)
    assert reply.status_code == 206
    assert reply.content == BIG[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=4096-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable_range_is_416_with_size(
    bucket: Bucket, http: requests.Session, endpoint: str, header: str
) -> None:
    bucket.object("ranged").get_writer().put_content(bytes(4096))
    reply = http.get(object_url(endpoint, bucket.name, "ranged"), headers={"Range": header})
    assert_client_error(reply, 416)
    assert reply.headers["Content-Range"] == "bytes */4096"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "bytes=9-3", "items=0-1", "bytes=abc", "bytes=-"])
def test_malformed_or_multiple_ranges_are_416(
    bucket: Bucket, http: requests.Session, endpoint: str, header: str
) -> None:
    bucket.object("ranged").get_writer().put_content(bytes(4096))
    reply = http.get(object_url(endpoint, bucket.name, "ranged"), headers={"Range": header})
    assert_client_error(reply, 416)


def test_concurrent_puts_to_one_name_never_tear(bucket: Bucket) -> None:
    """Every PUT is atomic: the survivor is one whole payload and each PUT bumped the version once."""
    payloads = [bytes([i]) * (300_000 + i) for i in range(12)]
    with ThreadPoolExecutor(len(payloads)) as pool:
        list(pool.map(lambda p: bucket.object("contended").get_writer().put_content(p), payloads))
    reader = bucket.object("contended").get_reader()
    data = reader.read_all()
    assert data in payloads
    assert reader.attributes.checksum_value == xxhash2(data)
    assert reader.attributes.obj_version == str(len(payloads))
