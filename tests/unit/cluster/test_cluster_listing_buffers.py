"""listing_buffers: what a page leaves over is kept per listing, bounded, and handed out once."""

from pyaistore.cluster.listing_buffers import Kept, ListingBuffers, TargetBuffer
from pyaistore.wire.messages import ListEntry


def _buffer(*names: str) -> TargetBuffer:
    return TargetBuffer(after=names[-1] if names else "", entries=[ListEntry(n).to_msgpack() for n in names])


def test_drop_through_forgets_what_was_returned() -> None:
    buffer = _buffer("a", "b", "c", "d")
    buffer.drop_through("b")
    assert [e["n"] for e in buffer.entries] == ["c", "d"]
    buffer.drop_through("bz")
    assert [e["n"] for e in buffer.entries] == ["c", "d"]
    buffer.drop_through("z")
    assert buffer.entries == [] and buffer.after == "d"  # where the target left off stays


def test_take_hands_buffers_out_once() -> None:
    buffers = ListingBuffers()
    kept = Kept({"t1": _buffer("x")})
    buffers.keep(("uuid", "token"), kept)
    assert buffers.take(("uuid", "other")) is None
    assert buffers.take(("uuid", "token")) is kept
    assert buffers.take(("uuid", "token")) is None


def test_least_recent_listings_are_evicted() -> None:
    buffers = ListingBuffers(capacity=2)
    for key in ("a", "b", "c"):
        buffers.keep(key, Kept({"t": _buffer(key)}))
    assert len(buffers) == 2
    assert buffers.take("a") is None
    assert buffers.take("b") is not None and buffers.take("c") is not None
