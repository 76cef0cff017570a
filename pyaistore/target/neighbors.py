"""Get-from-neighbour: while the cluster is unsettled, an object its owner lacks may sit elsewhere.

After a map change the proxy sends requests to the new HRW owner at once, while the rebalance
moves objects there over time (reference §2.4). So, while a rebalance runs, or ended before every
object moved, or the active targets changed moments ago, a target that misses an object it owns
asks every other target (maintenance and decommissioning ones included: they are the likely
previous owners) and, if one has it, takes it over the way a rebalance would (version and times
kept; an object written here meanwhile wins), then serves it. A DELETE in that window also removes
the copies neighbours still hold, so a rebalance cannot bring a deleted object back.
"""

import asyncio
import logging
import time
from typing import Final

from pyaistore.cluster.errors import PeerFailed
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import peer_objects
from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Snode

__all__ = ["GRACE_S", "delete_elsewhere", "delete_everywhere", "fetch", "head", "unsettled"]

log = logging.getLogger(__name__)

# Seconds after the active targets change during which misses are looked for on neighbours even
# before the primary's rebalance record arrives (the two are pushed one after the other).
GRACE_S: Final = 30.0


def unsettled(ctx: NodeContext) -> bool:
    """True while objects may sit on a target other than their owner."""
    changed = ctx.meta.active_changed
    return ctx.meta.rmd.unsettled or (changed > 0 and time.monotonic() - changed < GRACE_S)


def _others(ctx: NodeContext) -> list[Snode]:
    return [node for node in ctx.smap.targets.values() if node.daemon_id != ctx.node.daemon_id]


async def _holders(ctx: NodeContext, bucket: BucketId, name: str) -> list[tuple[Snode, ObjectMeta]]:
    """Every other target that holds the object, newest copy first (unreachable ones are skipped)."""
    nodes = _others(ctx)
    found = await asyncio.gather(
        *(ctx.peer_api.head_object(node, bucket, name) for node in nodes), return_exceptions=True
    )
    holders = [(node, meta) for node, meta in zip(nodes, found, strict=True) if isinstance(meta, ObjectMeta)]
    return sorted(holders, key=lambda pair: pair[1].atime_ns, reverse=True)


async def head(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectMeta | None:
    """The metadata of the newest copy a neighbour holds, or None."""
    holders = await _holders(ctx, bucket, name)
    return holders[0][1] if holders else None


async def fetch(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    """Take the object over from a neighbour that holds it; True when it is now stored here."""
    for node, _ in await _holders(ctx, bucket, name):
        try:
            found = await ctx.peer_api.fetch_object(node, bucket, name)
        except PeerFailed as exc:
            log.warning("get-from-neighbour: %s", exc)
            continue
        if found is None:
            continue  # moved on meanwhile (to us, perhaps): the caller looks here again
        try:
            await peer_objects.receive(
                ctx, bucket, name, found.meta, query.TRANSFER_MIGRATE, found.chunks, found.meta.size
            )
        except PeerFailed as exc:
            log.warning("get-from-neighbour: %s", exc)
            continue
        finally:
            await found.close()
        log.info("get-from-neighbour: took %s from %s", bucket.object_cname(name), node.display_name)
        return True
    return False


async def delete_elsewhere(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    """Delete every copy other targets hold; True when at least one was deleted."""
    nodes = _others(ctx)
    results = await asyncio.gather(
        *(ctx.peer_api.delete_object(node, bucket, name) for node in nodes), return_exceptions=True
    )
    return any(result is True for result in results)


async def delete_everywhere(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """DELETE while unsettled: the local object and every neighbour's copy; ObjectNotFound if none."""
    try:
        await peer_objects.delete_own(ctx, bucket, name)
        deleted_here = True
    except ObjectNotFound:
        deleted_here = False
    if not await delete_elsewhere(ctx, bucket, name) and not deleted_here:
        raise ObjectNotFound(bucket, name)
