"""A write that lands here after the cluster map moved its object elsewhere goes to the owner
before the client is answered.

A client redirected by the previous map may still be streaming its body here when the new map
arrives; the rebalance that the new map started may then have walked past the name already, and
the object would stay on a target that no longer owns it (one that may be about to leave). So
after every write the target checks the object's owner under its current map and, if it is
another target, migrates the object there (synced) and drops its own copy, then answers.
"""

import asyncio

from pyaistore.cluster import placement
from pyaistore.node_context import NodeContext
from pyaistore.target import object_ops
from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId

__all__ = ["hand_over"]


async def hand_over(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """Move the object just written here to its owner if the map says it is another target."""
    owner = placement.owner(ctx.smap, bucket, name)
    if owner.daemon_id == ctx.node.daemon_id:
        return
    sent = await object_ops.send_to_peer(ctx, owner, bucket, name, bucket, name, query.TRANSFER_MIGRATE)
    await asyncio.to_thread(ctx.object_store.delete_if_unchanged, bucket, name, sent.meta)
