"""A remote object's attributes in its stored metadata, as AIS keeps them (reference "Cold GET").

The cloud's identity of the object lives in the custom metadata, so objects stored before these
keys existed still decode: `source` (the provider), `ETag`, `version` (AWS VersionId, GCP
generation, Azure ETag), `LastModified` (RFC 3339), `Content-Type`, `md5` and `crc32c` when the cloud gave
them, and the object's user metadata from the cloud. The stored version is the cloud's when it has
one. `changed` compares a stored copy with what the cloud says now (latest-ver, validate_warm_get).
"""

import dataclasses
from collections.abc import Mapping
from typing import Any, Final

from pyaistore.backends.base import RemoteAttrs
from pyaistore.storage.atomic_write import WriteProps
from pyaistore.storage.object_meta import ObjectMeta

__all__ = [
    "ETAG",
    "SOURCE",
    "VERSION",
    "changed",
    "cloud_custom",
    "cold_write_props",
    "user_meta",
    "validates",
]

SOURCE: Final = "source"
ETAG: Final = "ETag"
VERSION: Final = "version"
LAST_MODIFIED: Final = "LastModified"
CONTENT_TYPE: Final = "Content-Type"
MD5: Final = "md5"
CRC32C: Final = "crc32c"
# Keys this module writes: never sent back to a cloud as user metadata.
_OURS: Final = frozenset({SOURCE, ETAG, VERSION, LAST_MODIFIED, CONTENT_TYPE, MD5, CRC32C})


def cloud_custom(
    provider: str, attrs: RemoteAttrs, custom: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The custom metadata of an object whose cloud copy has `attrs` (user metadata first)."""
    result = {**attrs.user_meta, **(custom or {}), SOURCE: provider}
    for key, value in (
        (ETAG, attrs.etag),
        (VERSION, attrs.version),
        (LAST_MODIFIED, attrs.last_modified),
        (CONTENT_TYPE, attrs.content_type),
        (MD5, attrs.md5),
        (CRC32C, attrs.crc32c),
    ):
        if value:
            result[key] = value
    return result


def user_meta(custom: Mapping[str, str]) -> dict[str, str]:
    """The custom metadata a write-through sends to the cloud: the client's, not our cloud keys."""
    return {key: value for key, value in custom.items() if key not in _OURS}


def validates(bucket_props: Mapping[str, Any]) -> bool:
    """Whether cold GETs of this bucket check the cloud's MD5 (checksum.validate_cold_get)."""
    checksum = bucket_props.get("checksum")
    return isinstance(checksum, Mapping) and bool(checksum.get("validate_cold_get"))


def cold_write_props(
    props: WriteProps, provider: str, attrs: RemoteAttrs, bucket_props: Mapping[str, Any]
) -> WriteProps:
    """The store's write properties for a cold GET: cloud custom metadata and version, and the
    cloud's MD5 as the expected checksum when the bucket validates cold GETs."""
    expected = attrs.md5 if attrs.md5 and validates(bucket_props) else ""
    return dataclasses.replace(
        props,
        custom=cloud_custom(provider, attrs),
        version=attrs.version,
        expected_type="md5" if expected else "",
        expected_value=expected,
        skip_version_check=not attrs.version,
    )


def changed(meta: ObjectMeta, attrs: RemoteAttrs) -> bool:
    """Whether the cloud's object differs from the stored copy (version, ETag, or size)."""
    stored = meta.custom
    if attrs.version and stored.get(VERSION, "") != attrs.version:
        return True
    if attrs.etag and stored.get(ETAG, "") != attrs.etag:
        return True
    return attrs.size >= 0 and attrs.size != meta.size
