"""Restore an erasure-coded object its owner lacks, from the pieces other targets keep (§5.6).

1. Ask every other target (maintenance ones included) for the metadata of its piece, and look at
   this target's own; keep the pieces of the newest generation. None: the object is gone.
2. A full replica: stream it into a work file here. Slices: open D of them at once (this
   target's own first, then data slices, which need no arithmetic) and decode stripe by stripe,
   one piece of each slice in flight, decoding in one executor call per stripe.
3. The work file is published as the object with its metadata (version, checksum, custom, atime)
   only if the checksum of the bytes matches the object's: a mixed-up or corrupt slice fails it.
4. This target keeps the EC record from then on (it is the main holder) and drops its own piece
   if it had one; the caller has the current holders' pieces checked (target/ec_repair.py).

Concurrent misses of one object share one restore.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final, Protocol

from pyaistore.cluster.errors import NodeError
from pyaistore.node_context import NodeContext
from pyaistore.storage.erasure_code import ErasureCodec
from pyaistore.storage.errors import ObjectNotFound, SliceError, SliceNotFound, SliceTruncated, StorageError
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import WriteProps
from pyaistore.storage.slice_file import SliceFile
from pyaistore.target import ec_placement
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta
from pyaistore.wire.messages import Snode

__all__ = ["newest_pieces", "restore", "restored_meta"]

log = logging.getLogger(__name__)

STREAM_CHUNK: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class Found:
    """A piece of the object: where it is (None: here) and its metadata."""

    node: Snode | None
    meta: SliceMeta


class _Reader(Protocol):
    async def read_exact(self, size: int) -> bytes: ...

    def close(self) -> None: ...


class _LocalReader:
    """This target's own piece, read in executor calls."""

    def __init__(self, handle: SliceFile) -> None:
        self._handle = handle

    async def read_exact(self, size: int) -> bytes:
        def read() -> bytes:
            parts, got = [], 0
            while got < size and (part := self._handle.read(size - got)):
                parts.append(part)
                got += len(part)
            return b"".join(parts)

        return await asyncio.to_thread(read)

    def close(self) -> None:
        self._handle.close()


async def newest_pieces(ctx: NodeContext, bucket: BucketId, name: str) -> list[Found]:
    """The pieces of the object's newest generation anywhere in the cluster (this target's own first)."""
    others = [node for node in ctx.smap.targets.values() if node.daemon_id != ctx.node.daemon_id]
    answers = await asyncio.gather(
        *(ctx.peer_api.head_piece(node, bucket, name) for node in others), return_exceptions=True
    )
    found = [
        Found(node, meta) for node, meta in zip(others, answers, strict=True) if isinstance(meta, SliceMeta)
    ]
    try:
        found.insert(0, Found(None, await asyncio.to_thread(ctx.slice_store.head, bucket, name)))
    except (ObjectNotFound, StorageError, ValueError):
        pass
    if not found:
        return []
    newest = max(piece.meta.generation for piece in found)
    return [piece for piece in found if piece.meta.generation == newest]


async def restored_meta(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectMeta | None:
    """The object's metadata as its newest pieces describe it (HEAD of an object its owner lacks)."""
    if ec_placement.conf_of(ctx, bucket) is None:
        return None
    pieces = await newest_pieces(ctx, bucket, name)
    if not pieces:
        return None
    meta = pieces[0].meta
    return ObjectMeta(
        name,
        meta.object_size,
        meta.checksum_type,
        meta.checksum_value,
        meta.version,
        meta.atime_ns,
        dict(meta.custom),
    )


async def restore(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    """Rebuild the missing object here from replicas or slices; True when it is now stored here."""
    if ec_placement.conf_of(ctx, bucket) is None:
        return False
    uname = bucket.object_uname(name)
    running = ctx.ec.restores.get(uname)
    if running is not None:
        return await asyncio.shield(running)
    future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    ctx.ec.restores[uname] = future
    done = False
    try:
        done = await _restore(ctx, bucket, name)
        return done
    finally:
        future.set_result(done)
        del ctx.ec.restores[uname]


async def _restore(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    pieces = await newest_pieces(ctx, bucket, name)
    if not pieces:
        return False
    try:
        meta = await _rebuild(ctx, bucket, name, pieces)
    except (NodeError, StorageError) as exc:
        log.warning("%s: cannot restore %s: %s", ctx.node.display_name, bucket.object_cname(name), exc)
        return False
    if meta is None:
        return False
    ctx.ec.restored += 1
    record = pieces[0].meta
    holders = {piece.node.daemon_id: piece.meta.slice_id for piece in pieces if piece.node is not None}
    await asyncio.to_thread(
        _become_main, ctx, bucket, name, SliceMeta.from_json(record.to_json() | {"nodes": holders})
    )
    log.info(
        "%s: restored %s from %d piece(s)", ctx.node.display_name, bucket.object_cname(name), len(pieces)
    )
    return True


def _become_main(ctx: NodeContext, bucket: BucketId, name: str, record: SliceMeta) -> None:
    """Blocking: keep the record of the restored object; this target's own piece is now redundant."""
    ctx.slice_store.write_record(bucket, name, record)
    try:
        ctx.slice_store.delete(bucket, name)
    except SliceNotFound:
        pass


def _props(meta: SliceMeta) -> WriteProps:
    return WriteProps(
        checksum_type=meta.checksum_type or "none",
        expected_type=meta.checksum_type,
        expected_value=meta.checksum_value,
        custom=dict(meta.custom),
        version=meta.version,
        atime_ns=meta.atime_ns,
        skip_version_check=True,
        keep_newer=True,
    )


async def _rebuild(ctx: NodeContext, bucket: BucketId, name: str, pieces: list[Found]) -> ObjectMeta | None:
    """Write the object from a replica, or from D slices; None when there is not enough to do it."""
    replicas = [piece for piece in pieces if piece.meta.is_replica]
    for replica in replicas:
        try:
            return await _write(ctx, bucket, name, replica.meta, _replica_chunks(ctx, bucket, name, replica))
        except (NodeError, StorageError) as exc:
            log.warning(
                "%s: replica of %s unusable: %s", ctx.node.display_name, bucket.object_cname(name), exc
            )
    by_slice: dict[int, Found] = {}
    for piece in pieces:
        if not piece.meta.is_replica:
            by_slice.setdefault(piece.meta.slice_id, piece)
    first = pieces[0].meta
    if len(by_slice) < first.data_slices:
        if not replicas:
            log.warning(
                "%s: %s has %d slice(s) of generation %d, %d needed",
                ctx.node.display_name,
                bucket.object_cname(name),
                len(by_slice),
                first.generation,
                first.data_slices,
            )
        return None
    chosen = sorted(by_slice, key=lambda sid: (by_slice[sid].node is not None, sid))[: first.data_slices]
    readers: dict[int, _Reader] = {}
    try:
        for slice_id in chosen:
            readers[slice_id] = await _open(ctx, bucket, name, by_slice[slice_id])
        return await _write(ctx, bucket, name, first, _decoded(ctx, first, readers))
    finally:
        for reader in readers.values():
            reader.close()


async def _open(ctx: NodeContext, bucket: BucketId, name: str, piece: Found) -> _Reader:
    if piece.node is None:
        return _LocalReader(await asyncio.to_thread(ctx.slice_store.open, bucket, name))
    remote = await ctx.peer_api.fetch_piece(piece.node, bucket, name)
    if remote is None or remote.meta.generation != piece.meta.generation:
        if remote is not None:
            remote.close()
        raise SliceError(
            f"slice {piece.meta.slice_id} of {bucket.object_cname(name)} changed on {piece.node.display_name}"
        )
    return remote


async def _replica_chunks(
    ctx: NodeContext, bucket: BucketId, name: str, replica: Found
) -> AsyncIterator[bytes]:
    reader = await _open(ctx, bucket, name, replica)
    try:
        left = replica.meta.object_size
        while left > 0:
            chunk = await reader.read_exact(min(STREAM_CHUNK, left))
            if not chunk:
                raise SliceTruncated(f"the replica of {bucket.object_cname(name)} ends {left} bytes early")
            left -= len(chunk)
            yield chunk
    finally:
        reader.close()


async def _decoded(ctx: NodeContext, meta: SliceMeta, readers: dict[int, _Reader]) -> AsyncIterator[bytes]:
    """The object's bytes, stripe by stripe, from D slice readers."""
    codec = ec_placement.codec_for(ctx, meta.data_slices, meta.parity_slices, meta.piece_size)
    left = meta.object_size
    for _ in range(codec.stripe_count(meta.object_size)):
        ids = list(readers)
        parts = await asyncio.gather(*(readers[slice_id].read_exact(meta.piece_size) for slice_id in ids))
        for slice_id, part in zip(ids, parts, strict=True):
            if len(part) != meta.piece_size:
                raise SliceTruncated(f"slice {slice_id} ends early")
        stripe = await asyncio.to_thread(_decode_stripe, codec, dict(zip(ids, parts, strict=True)), left)
        left -= len(stripe)
        yield stripe


def _decode_stripe(codec: ErasureCodec, pieces: dict[int, bytes], left: int) -> bytes:
    data = b"".join(codec.decode_stripe(pieces))
    return data[:left] if len(data) > left else data


async def _write(
    ctx: NodeContext, bucket: BucketId, name: str, meta: SliceMeta, chunks: AsyncIterator[bytes]
) -> ObjectMeta:
    """Store the bytes as the object with the pieces' metadata (checksum verified), atomically."""
    writer = await asyncio.to_thread(ctx.object_store.writer, bucket, name, _props(meta))
    try:
        async for chunk in chunks:
            await asyncio.to_thread(writer.write, chunk)
        return await asyncio.to_thread(writer.commit)
    except BaseException:
        await asyncio.to_thread(writer.abort)
        raise
