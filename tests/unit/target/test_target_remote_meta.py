"""A remote object's attributes in its stored metadata, and when a stored copy is stale."""

from pyaistore.backends.base import RemoteAttrs
from pyaistore.storage.atomic_write import WriteProps
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target.remote_meta import changed, cloud_custom, cold_write_props, user_meta

ATTRS = RemoteAttrs(
    size=5,
    etag="e1",
    version="v1",
    last_modified="2026-01-01T00:00:00+00:00",
    md5="5d41402abc4b2a76b9719d911017c592",
    user_meta={"owner": "me", "source": "spoofed"},
)


def _meta(**custom: str) -> ObjectMeta:
    return ObjectMeta("o", 5, "xxhash2", "x", "1", 1, dict(custom))


def test_cloud_custom_keeps_the_clouds_identity_over_user_keys() -> None:
    custom = cloud_custom("aws", ATTRS, {"client": "k"})
    assert custom["source"] == "aws" and custom["owner"] == "me" and custom["client"] == "k"
    assert (custom["ETag"], custom["version"], custom["md5"]) == ("e1", "v1", ATTRS.md5)
    assert custom["LastModified"] == "2026-01-01T00:00:00+00:00"
    assert all("," not in value for value in custom.values())  # Ais-Custom-Md is comma-joined


def test_user_meta_drops_our_keys() -> None:
    assert user_meta({"source": "aws", "ETag": "x", "owner": "me"}) == {"owner": "me"}


def test_changed_compares_version_etag_and_size() -> None:
    stored = _meta(ETag="e1", version="v1")
    assert not changed(stored, ATTRS)
    assert changed(_meta(ETag="e1", version="v0"), ATTRS)
    assert changed(_meta(ETag="e0", version="v1"), ATTRS)
    assert changed(stored, RemoteAttrs(size=6, etag="e1", version="v1"))
    assert not changed(stored, RemoteAttrs(size=-1, etag="e1"))


def test_cold_writes_check_the_md5_only_when_the_bucket_validates() -> None:
    checked = cold_write_props(WriteProps(), "aws", ATTRS, {"checksum": {"validate_cold_get": True}})
    assert (checked.expected_type, checked.expected_value, checked.version) == ("md5", ATTRS.md5, "v1")
    unchecked = cold_write_props(WriteProps(), "aws", ATTRS, {"checksum": {"validate_cold_get": False}})
    assert unchecked.expected_type == ""
