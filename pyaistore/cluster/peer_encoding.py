"""What both ends of a node-to-node call agree on beyond wire/: an object's or a piece's metadata
as one header of one-line ASCII JSON (carried whole, never reshaped), a bucket as a query
string, and the words a peer answers a write with.
"""

import json
from typing import Final
from urllib.parse import quote

from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire import fields, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta

__all__ = ["KEPT", "STORED", "bucket_query", "decode_meta", "encode_meta", "encode_slice_meta"]

# A peer's answer to a write: it stored the object, or it kept its own (equal or newer) copy;
# KEPT also answers a conditional delete that found a different copy.
STORED: Final = "stored"
KEPT: Final = "kept"


def bucket_query(bucket: BucketId) -> str:
    """provider (and namespace) as a query string."""
    text = f"{query.PROVIDER}={bucket.provider}"
    if not bucket.namespace.is_global:
        text += f"&{query.NAMESPACE}={quote(bucket.namespace.uname)}"
    return text


def encode_meta(meta: ObjectMeta) -> str:
    """An object's metadata as the one-line JSON of the OBJECT_META header."""
    return json.dumps(meta.to_json(), separators=(",", ":"), ensure_ascii=True)


def encode_slice_meta(meta: SliceMeta) -> str:
    """A piece's EC metadata as the one-line ASCII JSON of the SLICE_META header."""
    return json.dumps(meta.to_json(), separators=(",", ":"), ensure_ascii=True)


def decode_meta(text: str) -> ObjectMeta:
    """Parse the OBJECT_META header; ValueError when it is not valid metadata."""
    try:
        data = fields.loads(text)
    except ValueError as exc:
        raise ValueError(f"invalid object metadata header: {exc}") from exc
    return ObjectMeta.from_json(data)
