"""Many small objects in one request body, node to node (a rebalance batch of small objects).

Each object is one frame: a 4-byte big-endian length, that many bytes of JSON metadata (the
object's ObjectMeta, name included), then exactly `size` bytes of data. One request then carries
dozens of objects, so small objects do not each pay an HTTP round trip.
"""

import json
import struct
from collections.abc import Iterable
from typing import Final

from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire import fields

__all__ = ["MAX_BODY", "MAX_HEADER", "decode", "encode"]

_LENGTH: Final = struct.Struct(">I")
# Limits a receiver enforces before it trusts anything in the body.
MAX_HEADER: Final = 64 << 10
MAX_BODY: Final = 64 << 20


def encode(objects: Iterable[tuple[ObjectMeta, bytes]]) -> bytes:
    """The body carrying every (metadata, data) pair, in order."""
    parts: list[bytes] = []
    for meta, data in objects:
        if len(data) != meta.size:
            raise ValueError(f"{meta.name}: {len(data)} bytes, but its metadata says {meta.size}")
        header = json.dumps(meta.to_json(), separators=(",", ":")).encode()
        parts += (_LENGTH.pack(len(header)), header, data)
    return b"".join(parts)


def decode(body: bytes) -> list[tuple[ObjectMeta, memoryview]]:
    """The (metadata, data) pairs of a body; ValueError when it is malformed or truncated."""
    if len(body) > MAX_BODY:
        raise ValueError(f"object batch of {len(body)} bytes exceeds {MAX_BODY}")
    view = memoryview(body)
    found: list[tuple[ObjectMeta, memoryview]] = []
    offset = 0
    while offset < len(view):
        if offset + _LENGTH.size > len(view):
            raise ValueError("object batch truncated in a frame length")
        (length,) = _LENGTH.unpack_from(view, offset)
        offset += _LENGTH.size
        if length > MAX_HEADER or offset + length > len(view):
            raise ValueError(f"object batch: bad frame header length {length}")
        try:
            meta = ObjectMeta.from_json(fields.loads(bytes(view[offset : offset + length])))
        except ValueError as exc:
            raise ValueError(f"object batch: invalid frame header: {exc}") from exc
        offset += length
        if meta.size < 0 or offset + meta.size > len(view):
            raise ValueError(f"object batch truncated in the data of {meta.name}")
        found.append((meta, view[offset : offset + meta.size]))
        offset += meta.size
    return found
