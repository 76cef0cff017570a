"""A GET or HEAD that misses on the object's owner: bring the object back before answering 404.

Today one source: a neighbour that still holds it while the cluster is unsettled (rebalance,
target/neighbors.py). Erasure-coded and mirrored buckets add theirs here.
"""

import asyncio

from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import neighbors
from pyaistore.wire.bucket_id import BucketId

__all__ = ["recover", "recover_meta"]


async def recover(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    """Bring a missing object here; True when it is now stored on this target."""
    if not neighbors.unsettled(ctx):
        return False
    if await neighbors.fetch(ctx, bucket, name):
        return True
    # A rebalance may have delivered it while we looked (it commits here before the sender drops it).
    return await _held_here(ctx, bucket, name)


async def recover_meta(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectMeta | None:
    """The metadata of a missing object wherever it is held now, or None."""
    if not neighbors.unsettled(ctx):
        return None
    found = await neighbors.head(ctx, bucket, name)
    if found is not None:
        return found
    try:
        return await asyncio.to_thread(ctx.object_store.head, bucket, name)
    except ObjectNotFound:
        return None


async def _held_here(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    try:
        await asyncio.to_thread(ctx.object_store.head, bucket, name)
    except ObjectNotFound:
        return False
    return True
