"""names: bucket and object name rules, including attempts to escape the bucket directory."""

import pytest

from pyaistore.storage.errors import InvalidName
from pyaistore.storage.names import MAX_OBJECT_NAME, validate_bucket_name, validate_object_name
from pyaistore.wire.bucket_id import BucketId

BUCKET = BucketId("b")


@pytest.mark.parametrize("name", ["b", "my-bucket_1.v2", "A" * 64])
def test_valid_bucket_names(name: str) -> None:
    validate_bucket_name(name)


@pytest.mark.parametrize("name", ["", "A" * 65, "a/b", "a b", "..", "a..b", ".hidden", "a\x00", "é"])
def test_invalid_bucket_names_name_the_bucket(name: str) -> None:
    with pytest.raises(InvalidName, match="bucket name"):
        validate_bucket_name(name)


@pytest.mark.parametrize(
    "name",
    ["o", "a/b/c", "a.b", ".hidden", "a/.b", "..a", "a..", "~x", "a/~/b", "é/ü", "x" * 255, "a b", "a\\b"],
)
def test_valid_object_names(name: str) -> None:
    validate_object_name(BUCKET, name)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty"),
        ("../x", "path components"),
        ("a/../../x", "path components"),
        ("..", "path components"),
        ("a/./b", "path components"),
        ("./a", "path components"),
        ("a//b", "path components"),
        ("/abs", "start or end"),
        ("/etc/passwd", "start or end"),
        ("dir/", "start or end"),
        ("~/x", "~/"),
        ("x" * (MAX_OBJECT_NAME + 1), "longer than"),
        ("x" * 256, "255 bytes"),
        ("é" * 128, "255 bytes"),  # 128 characters, 256 bytes of UTF-8
        ("\ud800", "UTF-8"),
    ],
)
def test_invalid_object_names(name: str, reason: str) -> None:
    with pytest.raises(InvalidName, match=reason):
        validate_object_name(BUCKET, name)


def test_nul_is_rejected_and_escaped_in_the_message() -> None:
    with pytest.raises(InvalidName) as info:
        validate_object_name(BUCKET, "a\x00b")
    assert "\x00" not in info.value.message
    assert "ais://b/a\\x00b" in info.value.message


def test_message_contains_the_object_cname() -> None:
    with pytest.raises(InvalidName) as info:
        validate_object_name(BUCKET, "a/../b")
    assert BUCKET.object_cname("a/../b") in info.value.message


def test_longest_name_passes() -> None:
    name = "/".join(["x" * 255] * 3 + ["y" * 254, "z"])
    assert len(name) == MAX_OBJECT_NAME
    validate_object_name(BUCKET, name)
