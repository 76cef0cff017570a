"""Validation of custom metadata sent with PUT (Ais-Custom-Md) and PATCH (reference §4.7).

The limits (per key, per value, in total, and the whole stored record) are wire/limits.py's and
are checked here, before any byte is written; storage checks them again on every merge.
"""

from typing import Final

from pyaistore.cluster.errors import BadRequest
from pyaistore.storage.object_meta import check_record
from pyaistore.wire.bucket_id import BucketId

_FORBIDDEN: Final = ("\x01",)


def validate_custom(bucket: BucketId, name: str, value: object) -> dict[str, str]:
    """A string-to-string map with non-empty keys, no reserved bytes, within the documented limits
    (400 naming the limit otherwise)."""
    where = bucket.object_cname(name)
    if not isinstance(value, dict):
        raise BadRequest(f"set custom metadata of {where}: value must be a JSON object of strings")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise BadRequest(f"set custom metadata of {where}: keys and values must be strings")
        if not key:
            raise BadRequest(f"set custom metadata of {where}: empty key")
        if any(bad in key or bad in item for bad in _FORBIDDEN):
            raise BadRequest(f"set custom metadata of {where}: reserved character in {key[:64]!r}")
        if not (key + item).isascii() and not _is_utf8(key + item):
            raise BadRequest(f"set custom metadata of {where}: {key[:64]!r} is not valid UTF-8")
    check_record(name, value, where)
    return dict(value)


def _is_utf8(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
