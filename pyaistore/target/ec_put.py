"""The owner's side of an erasure-coded write: send replicas or slices, then keep the EC record.

Called after an object of an EC bucket is stored on its owner (PUT, append flush, copy) and
**before** the write is acknowledged, unlike AIS, which encodes in the background: a client that
saw its PUT succeed may lose the owner the next moment and still read the object back.

1. The pieces' places come from target/ec_placement.py; with too few active targets the object
   stays on its owner alone (AIS logs and keeps it; so do we, and count it in
   `ctx.ec.unprotected_puts`), never failing the write.
2. Replicas: every holder gets the stored file streamed in 1 MiB chunks. Slices: the stored file
   is read and coded a few stripes (2 MiB) per executor call (pyeclib holds the GIL while it codes;
   short calls let the event loop run between them), and each stripe's pieces are queued to the
   D+P holders, whose uploads run concurrently: memory is a few stripes whatever the size.
3. The record (SliceMeta with generation = write time in ns and the node -> slice map) is kept
   beside the object once every holder answered; a holder that failed is left out of the map
   (and counted): the repair pass of the next rebalance sends it its piece.
"""

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator
from typing import Final

from pyaistore.cluster.errors import NodeError
from pyaistore.node_context import NodeContext
from pyaistore.storage.erasure_code import ErasureCodec
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.object_file import ObjectFile
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import ec_placement
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import REPLICA, SliceMeta
from pyaistore.wire.messages import Snode

__all__ = ["protect", "record_for", "send_pieces"]

log = logging.getLogger(__name__)

STREAM_CHUNK: Final = 1 << 20
SMALL_OBJECT: Final = 256 * 1024
# Pieces queued per holder ahead of its upload.
QUEUE_DEPTH: Final = 8
# Object bytes coded per executor call: about 0.5 ms of ISA-L with the GIL held.
CODE_BATCH: Final = 2 << 20


async def protect(ctx: NodeContext, bucket: BucketId, name: str, meta: ObjectMeta) -> SliceMeta | None:
    """Send the pieces of a freshly written object and keep its record; None when not erasure-coded."""
    conf = ec_placement.conf_of(ctx, bucket)
    if conf is None:
        return None
    targets = ec_placement.assignment(ctx, bucket, name, conf, meta.size)
    if targets is None:
        ctx.ec.unprotected_puts += 1
        log.warning(
            "%s: not enough active targets to erasure-code %s (D = %d, P = %d): kept on this target only"
            " (%d so far)",
            ctx.node.display_name,
            bucket.object_cname(name),
            conf.data_slices,
            conf.parity_slices,
            ctx.ec.unprotected_puts,
        )
        return None
    record = record_for(ctx, conf, meta, time.time_ns())
    try:
        return await send_pieces(ctx, bucket, name, record, targets)
    except ObjectNotFound:
        return None  # deleted meanwhile: nothing to protect


def record_for(ctx: NodeContext, conf: ec_placement.EcConf, meta: ObjectMeta, generation: int) -> SliceMeta:
    """The EC record of an object as it is stored here (no holders yet)."""
    piece = 1 if conf.replicated(meta.size) else ec_placement.piece_size(ctx, conf, meta.size)
    return SliceMeta(
        object_size=meta.size,
        generation=generation,
        checksum_type=meta.checksum_type,
        checksum_value=meta.checksum_value,
        version=meta.version,
        data_slices=conf.data_slices,
        parity_slices=conf.parity_slices,
        piece_size=piece,
        slice_id=REPLICA,
        custom=dict(meta.custom),
        atime_ns=meta.atime_ns,
    )


async def send_pieces(
    ctx: NodeContext, bucket: BucketId, name: str, record: SliceMeta, targets: dict[str, int]
) -> SliceMeta | None:
    """Send the pieces `targets` names (node id -> slice id) from the local object; keep the record.

    The record's nodes become the old ones plus those that took their piece. None when the local
    object changed (its version or checksum differ from the record's) or is gone.
    """
    nodes = {node_id: ctx.smap.targets[node_id] for node_id in targets if node_id in ctx.smap.targets}
    handle = await asyncio.to_thread(ctx.object_store.open, bucket, name)
    try:
        if (handle.meta.version, handle.meta.checksum_value) != (record.version, record.checksum_value):
            return None
        if targets and any(slice_id == REPLICA for slice_id in targets.values()):
            results = await _send_replicas(ctx, bucket, name, record, nodes, handle)
        else:
            results = await _send_slices(ctx, bucket, name, record, nodes, targets, handle)
    finally:
        handle.close()
    held = dict(record.nodes)
    for node_id, failure in results.items():
        if failure is None:
            held[node_id] = targets[node_id]
        else:
            ctx.ec.failed_sends += 1
            log.warning("%s: %s", bucket.object_cname(name), failure)
    kept = dataclasses.replace(record, nodes=held)
    return await asyncio.to_thread(ctx.slice_store.write_record, bucket, name, kept)


async def _send_replicas(
    ctx: NodeContext,
    bucket: BucketId,
    name: str,
    record: SliceMeta,
    nodes: dict[str, Snode],
    handle: ObjectFile,
) -> dict[str, str | None]:
    """A full replica to each node, concurrently; node id -> failure text (None: stored)."""
    piece = dataclasses.replace(record, slice_id=REPLICA, nodes={})
    small = handle.read_all_small(SMALL_OBJECT) if record.object_size <= SMALL_OBJECT else None

    async def one(node: Snode) -> str | None:
        data = small if small is not None else _file_chunks(handle)
        try:
            await ctx.peer_api.send_piece(node, bucket, name, piece, data, record.object_size)
        except NodeError as exc:
            return f"replica not stored on {node.display_name}: {exc}"
        return None

    ids = list(nodes)
    found = await asyncio.gather(*(one(nodes[node_id]) for node_id in ids))
    return dict(zip(ids, found, strict=True))


async def _file_chunks(handle: ObjectFile) -> AsyncIterator[bytes]:
    """The whole object in 1 MiB chunks read at its own offsets (so several readers share one handle)."""
    for offset in range(0, handle.meta.size, STREAM_CHUNK):
        length = min(STREAM_CHUNK, handle.meta.size - offset)
        yield b"".join(handle.read_range(offset, length, length))


class _Feed:
    """One holder's queue of pieces; drained to the end if its upload fails, so the coder never blocks."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[memoryview | None] = asyncio.Queue(QUEUE_DEPTH)
        self.ended = False

    async def chunks(self) -> AsyncIterator[memoryview]:
        while (piece := await self.queue.get()) is not None:
            yield piece
        self.ended = True

    async def drain(self) -> None:
        while not self.ended:
            self.ended = await self.queue.get() is None


async def _send_slices(
    ctx: NodeContext,
    bucket: BucketId,
    name: str,
    record: SliceMeta,
    nodes: dict[str, Snode],
    targets: dict[str, int],
    handle: ObjectFile,
) -> dict[str, str | None]:
    """Code the object stripe by stripe and stream each wanted slice to its node."""
    codec = ec_placement.codec_for(ctx, record.data_slices, record.parity_slices, record.piece_size)
    size = codec.slice_size(record.object_size)
    feeds = {node_id: _Feed() for node_id in nodes}

    async def upload(node_id: str) -> str | None:
        node, feed = nodes[node_id], feeds[node_id]
        piece = dataclasses.replace(record, slice_id=targets[node_id], nodes={})
        try:
            await ctx.peer_api.send_piece(node, bucket, name, piece, feed.chunks(), size)
        except NodeError as exc:
            await feed.drain()
            return f"slice {piece.slice_id} not stored on {node.display_name}: {exc}"
        return None

    uploads = [asyncio.create_task(upload(node_id)) for node_id in nodes]
    stripes = codec.stripe_count(record.object_size)
    per_call = max(1, CODE_BATCH // codec.stripe_size)
    try:
        for first in range(0, stripes, per_call):
            count = min(per_call, stripes - first)
            coded = await asyncio.to_thread(_code_stripes, codec, handle, first, count, record.object_size)
            for pieces in coded:
                for node_id, feed in feeds.items():
                    if not feed.ended:
                        await feed.queue.put(pieces[targets[node_id] - 1])
        for feed in feeds.values():
            if not feed.ended:
                await feed.queue.put(None)
        found = await asyncio.gather(*uploads)
    except BaseException:
        for task in uploads:
            task.cancel()
        raise
    return dict(zip(nodes, found, strict=True))


def _code_stripes(
    codec: ErasureCodec, handle: ObjectFile, first: int, count: int, size: int
) -> list[list[memoryview]]:
    """Blocking: read `count` stripes from stripe `first` on (the last one zero-padded) and code them.

    The pieces are read-only views of buffers made for them (never reused), so they can be queued.
    """
    coded = []
    for stripe in range(first, first + count):
        offset = stripe * codec.stripe_size
        length = min(codec.stripe_size, size - offset)
        data = b"".join(handle.read_range(offset, length, length))
        if length < codec.stripe_size:
            data += bytes(codec.stripe_size - length)
        coded.append(codec.encode_stripe(data))
    return coded
