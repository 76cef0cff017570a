"""Providers, namespaces, cnames and unames."""

import pytest

from pyaistore.wire.bucket_id import (
    BucketId,
    InvalidProvider,
    Namespace,
    normalize_provider,
    parse_uname,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "ais"),
        (None, "ais"),
        ("ais", "ais"),
        ("s3", "aws"),
        ("gs", "gcp"),
        ("az", "azure"),
        ("AWS", "aws"),
    ],
)
def test_normalize_provider(raw: str | None, expected: str) -> None:
    assert normalize_provider(raw) == expected


def test_unknown_provider_is_rejected() -> None:
    with pytest.raises(InvalidProvider, match="invalid backend provider"):
        normalize_provider("dropbox")


@pytest.mark.parametrize(
    ("text", "uuid", "name"),
    [
        ("@uuid#ns", "uuid", "ns"),
        ("@#ns", "", "ns"),
        ("@uuid#", "uuid", ""),
        ("uuid", "uuid", ""),
        ("", "", ""),
    ],
)
def test_namespace_parse(text: str, uuid: str, name: str) -> None:
    assert Namespace.parse(text) == Namespace(uuid, name)


def test_cname_and_uname() -> None:
    bucket = BucketId("photos")
    assert bucket.cname == "ais://photos"
    assert bucket.object_cname("a/b.jpg") == "ais://photos/a/b.jpg"
    assert bucket.uname == "ais/@#/photos/"
    assert bucket.object_uname("a/b.jpg") == "ais/@#/photos/a/b.jpg"
    assert BucketId("x", "aws").cname == "s3://x"
    assert BucketId("x", "ais", Namespace("u", "n")).cname == "ais://@u#n/x"
    assert BucketId("x", "ais", Namespace("u", "n")).is_remote
    assert not bucket.is_remote


def test_parse_uname_round_trip() -> None:
    bucket = BucketId("dst", "ais", Namespace("", "ns"))
    parsed, name = parse_uname(bucket.object_uname("dir/obj"))
    assert parsed == bucket and name == "dir/obj"
    assert parse_uname("ais/@#/b/") == (BucketId("b"), "")
    with pytest.raises(ValueError):
        parse_uname("ais/@#")
