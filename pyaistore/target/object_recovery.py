"""A GET or HEAD that misses on the object's owner: bring the object back before answering 404.

Two sources, in this order: a neighbour that still holds it while the cluster is unsettled
(rebalance, target/neighbors.py), then, in an erasure-coded bucket, the replicas or slices other
targets keep (target/ec_restore.py). An object brought back either way makes this target its
main holder: its EC pieces are checked in the background (target/ec_repair.py).
"""

import asyncio
from typing import Final

from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import ec_repair, ec_restore, neighbors
from pyaistore.wire.bucket_id import BucketId

__all__ = ["recover", "recover_meta", "recover_missing"]

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


async def recover_meta(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectMeta | None:
    """The metadata of a missing object wherever it is held now (or its EC pieces say), or None."""
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
