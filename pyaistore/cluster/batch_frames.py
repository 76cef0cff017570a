"""A target's share of a get-batch, streamed to the designated target: the request and the frames.

The designated target asks each other target for the entries it owns (`POST /v1/internal/moss`,
a JSON list of `PartItem`). The reply is one frame per item, in the order asked: a fixed header
(index, status, size, modification time, length of an error message), the message, then exactly
`size` bytes of data when the status is OK. A frame whose status is not OK carries no data: the
item is missing (404), its range is not satisfiable (416), its shard is damaged (400), or the
target failed to read it (500). The designated target reads the frames as they arrive, so memory
stays flat whatever the batch's size, and TCP backpressure paces the sender.
"""

import struct
from dataclasses import dataclass
from typing import Any, Final

from pyaistore.wire import fields, limits
from pyaistore.wire.bucket_id import BucketId

__all__ = ["HEAD", "OK", "FrameHead", "PartItem", "decode_items", "encode_items", "pack_head", "unpack_head"]

HEAD: Final = struct.Struct(">IHQQI")
OK: Final = 0
MAX_MESSAGE: Final = 4096
_KEYS: Final = ("i", "b", "o", "a", "s", "l")


@dataclass(frozen=True, slots=True)
class PartItem:
    """One entry a peer is asked for: its index in the batch, bucket, object, archpath, range."""

    index: int
    bucket: BucketId
    objname: str
    archpath: str = ""
    start: int = 0
    length: int = 0

    def to_json(self) -> dict[str, Any]:
        """Compact wire form."""
        values = (self.index, self.bucket.to_json(), self.objname, self.archpath, self.start, self.length)
        return dict(zip(_KEYS, values, strict=True))

    @classmethod
    def from_json(cls, data: Any) -> "PartItem":
        """Parse the compact form; ValueError when malformed."""
        body = fields.as_dict(data, "batch item")
        return cls(
            index=fields.field_int(body, "i"),
            bucket=BucketId.from_json(fields.as_dict(body.get("b"), "batch item bucket")),
            objname=fields.field_text(body, "o"),
            archpath=fields.field_text(body, "a"),
            start=fields.field_int(body, "s"),
            length=fields.field_int(body, "l", low=-1),
        )


@dataclass(frozen=True, slots=True)
class FrameHead:
    """The header of one item's frame."""

    index: int
    status: int
    size: int
    mtime_ns: int
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when data follows."""
        return self.status == OK


def encode_items(items: list[PartItem]) -> dict[str, Any]:
    """The request body."""
    return {"items": [item.to_json() for item in items]}


def decode_items(data: Any) -> list[PartItem]:
    """Parse the request body; ValueError when malformed."""
    raw = fields.as_dict(data, "batch part").get("items")
    if not isinstance(raw, list) or not raw:
        raise ValueError("batch part: 'items' must be a non-empty list")
    return [PartItem.from_json(item) for item in raw]


def pack_head(head: FrameHead) -> bytes:
    """The header bytes and the message."""
    message = head.message.encode(errors="replace")[:MAX_MESSAGE]
    return HEAD.pack(head.index, head.status, head.size, head.mtime_ns, len(message)) + message


def unpack_head(raw: bytes) -> tuple[FrameHead, int]:
    """Parse HEAD.size bytes; returns the header (message still to read) and the message length."""
    index, status, size, mtime_ns, message_length = HEAD.unpack(raw)
    if message_length > MAX_MESSAGE or size > limits.MAX_INT:
        raise ValueError(f"batch frame: bad header (message {message_length}, size {size})")
    return FrameHead(index, status, size, mtime_ns), message_length
