"""A write that lands here after the cluster map moved its object elsewhere goes to the owner
before the client is answered.

A client redirected by the previous map may still be streaming its body here when the new map
arrives; the rebalance that the new map started may then have walked past the name already, and
the object would stay on a target that no longer owns it (one that may be about to leave). So
after every write the target checks the object's owner under its current map and, if it is
another target, migrates the object there (synced) and drops its own copy, then answers.

The rebalance may have picked the same copy up meanwhile and sent it to the same owner. When it
then finds the copy gone here it must not read that as a client's delete (whose copies in flight
it deletes at their receiver, so that a delete is never undone): that would delete the object at
its owner too. So the copies handed over are remembered, the most recent ones, and
`was_handed_over` tells the rebalance which disappearance was a move. The record is this
process's: a hand-over done in one of a target's extra HTTP workers is not seen by the rebalance,
which runs in the main process.
"""

import asyncio
from typing import Final

from pyaistore.cluster import placement
from pyaistore.node_context import NodeContext
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import object_ops
from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId

__all__ = ["REMEMBERED", "hand_over", "was_handed_over"]

# How many handed-over copies a target remembers (a rebalance batch settles within seconds).
REMEMBERED: Final = 4096


async def hand_over(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """Move the object just written here to its owner if the map says it is another target."""
    owner = placement.owner(ctx.smap, bucket, name)
    if owner.daemon_id == ctx.node.daemon_id:
        return
    sent = await object_ops.send_to_peer(ctx, owner, bucket, name, bucket, name, query.TRANSFER_MIGRATE)
    key = bucket.object_cname(name)
    ctx.handed_over.pop(key, None)
    ctx.handed_over[key] = sent.meta.to_json()  # before the copy goes: a rebalance may look any time
    while len(ctx.handed_over) > REMEMBERED:
        del ctx.handed_over[next(iter(ctx.handed_over))]
    await asyncio.to_thread(ctx.object_store.delete_if_unchanged, bucket, name, sent.meta)


def was_handed_over(ctx: NodeContext, bucket: BucketId, name: str, meta: ObjectMeta) -> bool:
    """True when a write handed this very copy over to the object's owner (it moved, not deleted)."""
    return ctx.handed_over.get(bucket.object_cname(name)) == meta.to_json()
