"""RebalanceOps on this target: which buckets to walk, and one object's migration to its owner."""

import asyncio
import logging
from collections.abc import Sequence
from typing import Final

from pyaistore.cluster import placement
from pyaistore.jobs import object_walk
from pyaistore.jobs.job import Job
from pyaistore.jobs.rebalance import Moved
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import CorruptMeta, ObjectNotFound, SliceNotFound
from pyaistore.target import ec_placement, ec_repair, object_ops, object_recovery
from pyaistore.target.job_ops import TargetObjects
from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId

__all__ = ["TargetRebalance"]

log = logging.getLogger(__name__)

# A copy that changed here while it travelled is sent again, at most this many times.
RESENDS: Final = 3


class TargetRebalance(TargetObjects):
    """The rebalance's view of this target (its listing comes from TargetObjects)."""

    def buckets(self) -> Sequence[BucketId]:
        """Every bucket of the cluster's table."""
        return self._ctx.meta.buckets.bucket_ids()

    async def migrate(self, bucket: BucketId, name: str) -> Moved | None:
        """Send a misplaced object to its owner, then drop it here if it did not change meanwhile."""
        ctx, store = self._ctx, self._ctx.object_store
        for _ in range(RESENDS):
            owner = placement.owner(ctx.smap, bucket, name)
            if owner.daemon_id == ctx.node.daemon_id:
                return None
            sent = await object_ops.send_to_peer(
                ctx, owner, bucket, name, bucket, name, query.TRANSFER_MIGRATE
            )
            if await asyncio.to_thread(store.delete_if_unchanged, bucket, name, sent.meta):
                await asyncio.to_thread(_drop_record, ctx, bucket, name)
                return Moved(sent.size, sent.stored)
            if not await _still_here(ctx, bucket, name):
                # Deleted here while it travelled: the owner must not keep what it just received.
                await ctx.peer_api.delete_object(owner, bucket, name, sent.meta)
                return None
            # Rewritten here while it travelled (a writer with an older map): send the new one.
        log.warning("rebalance: %s keeps changing here; left in place", bucket.object_cname(name))
        return None

    async def repair_erasure_coded(self, job: Job) -> None:
        """Every EC bucket: pieces of the objects owned here to their current holders, and owners
        told to restore what they lack of the pieces kept here (target/ec_repair.py)."""
        ctx = self._ctx
        for bucket in self.buckets():
            if ec_placement.conf_of(ctx, bucket) is None:
                continue

            async def repair(names: list[str], bucket: BucketId = bucket) -> None:
                await ec_repair.repair_page(ctx, bucket, names)

            await object_walk.for_each_page(
                job, object_walk.local_names(self, bucket, "", True), ec_repair.PAGE, repair
            )

            async def recover_here(bucket: BucketId, names: list[str]) -> int:
                return await object_recovery.recover_missing(ctx, bucket, names)

            await ec_repair.notify_owners(ctx, bucket, recover_here, job.check)


def _drop_record(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """Blocking: the EC record of an object that moved to its new owner (which keeps its own)."""
    try:
        ctx.slice_store.delete_record(bucket, name)
    except (SliceNotFound, CorruptMeta):
        pass


async def _still_here(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    try:
        await asyncio.to_thread(ctx.object_store.head, bucket, name)
    except ObjectNotFound:
        return False
    return True
