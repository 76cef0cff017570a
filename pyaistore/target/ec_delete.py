"""DELETE of an object in an erasure-coded bucket: the object, its record, and every piece anywhere.

Every target is asked (not only the record's holders: pieces of older generations and of
holders from before a membership change may sit elsewhere). The object counts as found when
any copy or piece was deleted, so a DELETE also removes an object whose owner lost it.
A target that is down keeps its pieces (there are no tombstones); if it comes back with a
piece of a deleted object, the next repair pass restores the object.
"""

import asyncio

from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.target import ec_pieces, neighbors, peer_objects
from pyaistore.wire.bucket_id import BucketId

__all__ = ["delete_everywhere"]


async def delete_everywhere(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """Remove the object and its pieces cluster-wide; ObjectNotFound when there was nothing."""
    try:
        await peer_objects.delete_own(ctx, bucket, name)
        found = True
    except ObjectNotFound:
        found = False
    try:
        await ec_pieces.delete(ctx, bucket, name)
        found = True
    except ObjectNotFound:
        pass
    others = [node for node in ctx.smap.targets.values() if node.daemon_id != ctx.node.daemon_id]
    results = await asyncio.gather(
        *(ctx.peer_api.delete_piece(node, bucket, name) for node in others), return_exceptions=True
    )
    found = found or any(result is True for result in results)
    if neighbors.unsettled(ctx):
        found = await neighbors.delete_elsewhere(ctx, bucket, name) or found
    if not found:
        raise ObjectNotFound(bucket, name)
