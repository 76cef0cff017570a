"""Where an erasure-coded object's pieces go (reference §5.3), and the bucket's EC settings.

The pieces of an object sit on the next targets of its HRW ranking over active targets: entry 0
is the owner (the main target, which keeps the whole object), entries 1..P get a full replica
each when the object is smaller than `objsize_limit` (or the limit is -1), else entries 1..D+P
get slice 1..D+P. Every piece is on a target of its own; with fewer active targets than that,
the object stays on its owner alone.
"""

from dataclasses import dataclass
from typing import Final

from pyaistore.node_context import NodeContext
from pyaistore.storage.bucket_meta import EC_REPLICATE_ALL
from pyaistore.storage.erasure_code import ErasureCodec, piece_size_for
from pyaistore.storage.errors import InvalidErasureConfig
from pyaistore.wire import hrw
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import REPLICA
from pyaistore.wire.messages import Snode

__all__ = ["EcConf", "assignment", "codec_for", "conf_of", "piece_size", "ranking"]

# Codecs of the default piece size are kept per (D, P): most objects of a bucket use one.
_CACHED_PIECE: Final = 256 * 1024


@dataclass(frozen=True, slots=True)
class EcConf:
    """A bucket's enabled EC settings."""

    data_slices: int
    parity_slices: int
    objsize_limit: int

    def replicated(self, size: int) -> bool:
        """Whether an object of `size` bytes is kept as full replicas rather than slices."""
        return self.objsize_limit == EC_REPLICATE_ALL or size < self.objsize_limit

    def piece_count(self, size: int) -> int:
        """How many pieces besides the main copy: P replicas, or D+P slices."""
        return self.parity_slices if self.replicated(size) else self.data_slices + self.parity_slices


def conf_of(ctx: NodeContext, bucket: BucketId) -> EcConf | None:
    """The bucket's EC settings, or None when EC is off (or the bucket is unknown)."""
    props = ctx.meta.buckets.view(bucket)
    ec = props.get("ec") if props is not None else None
    if not isinstance(ec, dict) or not ec.get("enabled"):
        return None
    return EcConf(int(ec["data_slices"]) or 2, int(ec["parity_slices"]) or 2, int(ec["objsize_limit"]))


def ranking(ctx: NodeContext, bucket: BucketId, name: str) -> list[Snode]:
    """The active targets by HRW weight for the object, its owner first."""
    return hrw.ranked(ctx.smap.targets.values(), bucket.object_uname(name))


def assignment(
    ctx: NodeContext, bucket: BucketId, name: str, conf: EcConf, size: int
) -> dict[str, int] | None:
    """Node id -> slice id (0: replica) of every piece; None when there are too few active targets."""
    count = conf.piece_count(size)
    ranked = ranking(ctx, bucket, name)
    if len(ranked) < count + 1:
        return None
    replicated = conf.replicated(size)
    return {
        node.daemon_id: REPLICA if replicated else rank for rank, node in enumerate(ranked[1 : count + 1], 1)
    }


def codec_for(ctx: NodeContext, data_slices: int, parity_slices: int, piece_size: int) -> ErasureCodec:
    """A codec for (D, P, piece size); those of the default piece size are built once per process."""
    key = (data_slices, parity_slices, piece_size)
    codec = ctx.ec.codecs.get(key)
    if codec is None:
        codec = ErasureCodec(data_slices, parity_slices, piece_size)
        if piece_size == _CACHED_PIECE:
            ctx.ec.codecs[key] = codec
    return codec


def piece_size(ctx: NodeContext, conf: EcConf, size: int) -> int:
    """The piece size for slicing an object of `size` bytes (even where the fallback backend needs it)."""
    piece = piece_size_for(size, conf.data_slices)
    try:
        codec_for(ctx, conf.data_slices, conf.parity_slices, piece)
    except InvalidErasureConfig:
        piece += 1  # liberasurecode's own backend codes 16-bit words
    return piece
