"""The pieces this target keeps for other targets' objects (the internal EC routes' side).

A replica or slice arrives with its SliceMeta and is stored through a work file (a newer
generation already here wins); reads, heads and deletes see only this target's own piece. A
delete also drops the EC record kept when this target was the object's main holder. The batch
calls serve the repair pass: which of a page of names this target keeps pieces of, and an
owner's restore of the objects peers keep pieces of while it lacks them.
"""

import asyncio
import logging
from collections.abc import AsyncIterator

from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import CorruptMeta, ObjectNotFound, SliceNotFound
from pyaistore.storage.slice_file import SliceFile
from pyaistore.target.put_object import batches
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta

__all__ = ["delete", "head", "held", "open_piece", "receive"]

log = logging.getLogger(__name__)


async def receive(
    ctx: NodeContext, bucket: BucketId, name: str, meta: SliceMeta, body: AsyncIterator[bytes]
) -> SliceMeta:
    """Store a replica or slice a peer sent; returns the metadata kept (a newer piece here wins)."""
    ctx.bucket_props(bucket)
    writer = await asyncio.to_thread(ctx.slice_store.writer, bucket, name, meta)
    try:
        async for batch in batches(body):
            await asyncio.to_thread(writer.write, batch)
        return await asyncio.to_thread(writer.commit)
    except BaseException:
        await asyncio.to_thread(writer.abort)
        raise


def open_piece(ctx: NodeContext, bucket: BucketId, name: str) -> SliceFile:
    """Blocking: the piece kept here (SliceNotFound when none)."""
    ctx.bucket_props(bucket)
    return ctx.slice_store.open(bucket, name)


async def head(ctx: NodeContext, bucket: BucketId, name: str) -> SliceMeta:
    """The metadata of the piece kept here (SliceNotFound when none)."""
    ctx.bucket_props(bucket)
    return await asyncio.to_thread(ctx.slice_store.head, bucket, name)


async def delete(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """Remove the piece and the EC record kept here; SliceNotFound when there was neither."""
    ctx.bucket_props(bucket)
    store = ctx.slice_store

    def remove() -> bool:
        found = False
        for drop in (store.delete, store.delete_record):
            try:
                drop(bucket, name)
                found = True
            except SliceNotFound:
                continue
        return found

    if not await asyncio.to_thread(remove):
        raise SliceNotFound(bucket, name)


def held(ctx: NodeContext, bucket: BucketId, names: list[str]) -> dict[str, SliceMeta]:
    """Blocking: name -> metadata of the piece kept here, for those of `names` this target has one of."""
    ctx.bucket_props(bucket)
    found: dict[str, SliceMeta] = {}
    for name in names:
        try:
            found[name] = ctx.slice_store.head(bucket, name)
        except (ObjectNotFound, CorruptMeta, ValueError):
            continue
    return found
