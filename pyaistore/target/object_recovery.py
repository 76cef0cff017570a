"""A GET or HEAD that misses on the object's owner: bring the object back before answering 404.

Three sources, in this order: a neighbour that still holds it while the cluster is unsettled
(rebalance, target/neighbors.py), then, in an erasure-coded bucket, the replicas or slices other
targets keep (target/ec_restore.py), then, in a remote bucket, its backend: a cold GET that
streams to the client while it stores the object (target/cold_get.py), or for HEAD the backend's
attributes. An object brought back from the cluster makes this target its main holder: its EC
pieces are checked in the background (target/ec_repair.py).
"""

import asyncio
from typing import Final

from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import (
    cold_get,
    ec_repair,
    ec_restore,
    get_object,
    neighbors,
    remote_objects,
    remote_refs,
)
from pyaistore.target.cold_get import ColdStream
from pyaistore.target.get_object import ObjectStream
from pyaistore.wire.bucket_id import BucketId

__all__ = ["open_missing", "recover", "recover_meta", "recover_missing", "remote_meta"]

# Objects restored at once by `recover_missing`.
RESTORE_WORKERS: Final = 4


async def recover(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    """Bring a missing object here; True when it is now stored on this target."""
    if neighbors.unsettled(ctx):
        if await neighbors.fetch(ctx, bucket, name):
            return True
        # A rebalance may have delivered it while we looked (it commits here before the sender drops it).
        if await _held_here(ctx, bucket, name):
            return True
    if await ec_restore.restore(ctx, bucket, name):
        ec_repair.schedule(ctx, bucket, name)
        return True
    return False


async def open_missing(
    ctx: NodeContext, bucket: BucketId, name: str, range_header: str | None
) -> ObjectStream | ColdStream | None:
    """A GET miss: the object recovered from the cluster and opened, or a cold GET of a remote
    bucket's object; None when a plain ais bucket does not have it anywhere."""
    if await recover(ctx, bucket, name):
        return get_object.open_object(ctx, bucket, name, range_header)
    if not remote_refs.is_remote(ctx, bucket):
        return None
    return await cold_get.open_cold(ctx, bucket, name, range_header)


async def remote_meta(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectMeta | None:
    """A HEAD miss in a remote bucket, found nowhere in the cluster: the backend's attributes
    (404 when it has no such object); None for a plain ais bucket."""
    if not remote_refs.is_remote(ctx, bucket):
        return None
    return await remote_objects.head_remote(ctx, bucket, name)


async def recover_meta(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectMeta | None:
    if neighbors.unsettled(ctx):
        found = await neighbors.head(ctx, bucket, name)
        if found is not None:
            return found
        try:
            return await asyncio.to_thread(ctx.object_store.head, bucket, name)
        except ObjectNotFound:
            pass
    return await ec_restore.restored_meta(ctx, bucket, name)


async def recover_missing(ctx: NodeContext, bucket: BucketId, names: list[str]) -> int:
    """Recover those of `names` this target (their owner) lacks; how many it brought back."""
    ctx.bucket_props(bucket)
    slots = asyncio.Semaphore(RESTORE_WORKERS)

    async def one(name: str) -> bool:
        async with slots:
            if await _held_here(ctx, bucket, name):
                return False
            return await recover(ctx, bucket, name)

    return sum(await asyncio.gather(*(one(name) for name in names)))


async def _held_here(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    try:
        await asyncio.to_thread(ctx.object_store.head, bucket, name)
    except ObjectNotFound:
        return False
    return True
