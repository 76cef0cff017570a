"""Objects other targets send or ask for (the internal object routes): this target's own copy only.

A copy arrives as a new write (the destination's checksum type and version rule apply; custom
metadata and the sender's checksum come along and the checksum is verified). A migration
(rebalance, get-from-neighbour) arrives as the object it is: version, times and checksum kept, and
an equal or newer object already here wins, so an object PUT during a rebalance is never replaced
by an older copy. Reads, heads and deletes never redirect and never look elsewhere.
"""

import asyncio
import dataclasses
from collections.abc import AsyncIterator

from pyaistore.cluster.errors import BadRequest
from pyaistore.node_context import NodeContext
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import WriteProps
from pyaistore.target import ec_put, ec_repair
from pyaistore.target.get_object import ObjectStream
from pyaistore.target.put_object import (
    PEER_WHOLE,
    PutArgs,
    mirror_copies,
    write_props,
    write_small,
    write_stream,
)
from pyaistore.wire import jobs as kinds
from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId

__all__ = ["delete_own", "delete_own_if", "head_own", "open_own", "receive", "receive_batch", "sync"]


def _props(ctx: NodeContext, bucket: BucketId, name: str, meta: ObjectMeta, transfer: str) -> WriteProps:
    """How to store what a peer sent (its checksum, when it has one, is verified on arrival)."""
    verified = bool(meta.checksum_value) and meta.checksum_type not in ("", "none")
    expected_type = meta.checksum_type if verified else ""
    expected_value = meta.checksum_value if verified else ""
    if transfer == query.TRANSFER_COPY:
        base = write_props(ctx, PutArgs(bucket, name, custom=dict(meta.custom)))
        return dataclasses.replace(base, expected_type=expected_type, expected_value=expected_value)
    if transfer == query.TRANSFER_MIGRATE:
        bucket_props = ctx.bucket_props(bucket)
        return WriteProps(
            checksum_type=meta.checksum_type or "none",
            expected_type=expected_type,
            expected_value=expected_value,
            custom=dict(meta.custom),
            version=meta.version,
            atime_ns=meta.atime_ns,
            skip_version_check=True,
            keep_newer=True,
            copies=mirror_copies(ctx, bucket_props),
        )
    raise BadRequest(f'invalid {query.TRANSFER} "{transfer}" (expected copy or migrate)')


async def receive(
    ctx: NodeContext,
    bucket: BucketId,
    name: str,
    meta: ObjectMeta,
    transfer: str,
    body: AsyncIterator[bytes],
    size: int | None,
    deferred_sync: bool = False,
) -> bool:
    """Store an object a peer sent; False when a newer (or the same) object here was kept.

    With `deferred_sync` it is published without its fsync: the sender calls `sync` before it
    relies on it (a rebalance drops its copies only then).
    """
    props = dataclasses.replace(_props(ctx, bucket, name, meta, transfer), deferred_sync=deferred_sync)
    if size is not None and size <= PEER_WHOLE:
        parts = [chunk async for chunk in body]
        stored = await write_small(ctx, bucket, name, props, parts)
    else:
        stored = await write_stream(ctx, bucket, name, props, body)
    if transfer == query.TRANSFER_COPY:
        await ec_put.protect(ctx, bucket, name, stored)
        return True
    # Taken over (rebalance, get-from-neighbour): this target is now its main holder.
    ec_repair.schedule(ctx, bucket, name)
    for job in ctx.jobs.find(kind=kinds.REBALANCE, active_only=True):
        job.counters.add_received(meta.size)
    return stored.atime_ns == meta.atime_ns and stored.checksum_value == meta.checksum_value


async def receive_batch(
    ctx: NodeContext, bucket: BucketId, objects: list[tuple[ObjectMeta, memoryview]], deferred_sync: bool
) -> list[bool]:
    """Store many small migrated objects (one executor call for all); for each, whether it was
    stored (False: an equal or newer object here was kept)."""
    plans = [
        (
            meta,
            data,
            dataclasses.replace(
                _props(ctx, bucket, meta.name, meta, query.TRANSFER_MIGRATE), deferred_sync=deferred_sync
            ),
        )
        for meta, data in objects
    ]
    store = ctx.object_store

    def write_all() -> list[ObjectMeta]:
        written = []
        for meta, data, props in plans:
            with store.writer(bucket, meta.name, props) as writer:
                writer.write(bytes(data))
                written.append(writer.commit())
        return written

    stored = await asyncio.to_thread(write_all)
    jobs = ctx.jobs.find(kind=kinds.REBALANCE, active_only=True)
    flags = []
    for (meta, _), result in zip(objects, stored, strict=True):
        ec_repair.schedule(ctx, bucket, meta.name)
        for job in jobs:
            job.counters.add_received(meta.size)
        flags.append(result.atime_ns == meta.atime_ns and result.checksum_value == meta.checksum_value)
    return flags


def open_own(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectStream:
    """Blocking: this target's own copy, whole (ObjectNotFound when it has none)."""
    ctx.bucket_props(bucket)
    handle = ctx.object_store.open(bucket, name)
    return ObjectStream(handle, 0, handle.size, partial=False)


async def head_own(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectMeta:
    """The metadata of this target's own copy."""
    ctx.bucket_props(bucket)
    return await asyncio.to_thread(ctx.object_store.head, bucket, name)


async def delete_own(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """Remove this target's own copy."""
    ctx.bucket_props(bucket)
    await asyncio.to_thread(ctx.object_store.delete, bucket, name)


async def delete_own_if(ctx: NodeContext, bucket: BucketId, name: str, expected: ObjectMeta) -> bool:
    """Remove this target's own copy only if it still is exactly `expected`; True if removed."""
    ctx.bucket_props(bucket)
    return await asyncio.to_thread(ctx.object_store.delete_if_unchanged, bucket, name, expected)


async def sync(ctx: NodeContext) -> None:
    """Make every write published here without fsync durable."""
    await asyncio.to_thread(ctx.object_store.sync)
