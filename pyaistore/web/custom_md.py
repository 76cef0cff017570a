"""Validation of custom metadata sent with PATCH (reference §4.7)."""

from typing import Final

from pyaistore.cluster.errors import BadRequest
from pyaistore.wire.bucket_id import BucketId

MAX_TOTAL: Final = 2048
_FORBIDDEN: Final = ("\x01",)


def validate_custom(bucket: BucketId, name: str, value: object) -> dict[str, str]:
    """A string-to-string map with non-empty keys, no reserved bytes, at most 2 KiB in all."""
    where = bucket.object_cname(name)
    if not isinstance(value, dict):
        raise BadRequest(f"set custom metadata of {where}: value must be a JSON object of strings")
    total = 0
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise BadRequest(f"set custom metadata of {where}: keys and values must be strings")
        if not key:
            raise BadRequest(f"set custom metadata of {where}: empty key")
        if any(bad in key or bad in item for bad in _FORBIDDEN):
            raise BadRequest(f"set custom metadata of {where}: reserved character in {key!r}")
        total += len(key.encode()) + len(item.encode())
    if total > MAX_TOTAL:
        raise BadRequest(f"set custom metadata of {where}: {total} bytes exceed the {MAX_TOTAL}-byte limit")
    return dict(value)
