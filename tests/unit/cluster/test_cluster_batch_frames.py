"""Get-batch frames between targets: the item list and the frame header survive a round trip."""

import pytest

from pyaistore.cluster.batch_frames import (
    HEAD,
    FrameHead,
    PartItem,
    decode_items,
    encode_items,
    pack_head,
    unpack_head,
)
from pyaistore.wire.bucket_id import BucketId


def test_items_round_trip() -> None:
    items = [PartItem(3, BucketId("b", "aws"), "o/1", "a.jpg", 5, -1), PartItem(9, BucketId("c"), "x")]
    assert decode_items(encode_items(items)) == items
    with pytest.raises(ValueError):
        decode_items({"items": []})


def test_head_round_trip_with_message() -> None:
    raw = pack_head(FrameHead(7, 404, 0, 12, "ais://b/o does not exist"))
    head, length = unpack_head(raw[: HEAD.size])
    assert (head.index, head.status, head.ok, head.mtime_ns) == (7, 404, False, 12)
    assert raw[HEAD.size :].decode() == "ais://b/o does not exist" and length == len(raw) - HEAD.size
