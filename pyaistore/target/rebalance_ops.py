"""RebalanceOps on this target: which buckets to walk, sending one object to its owner, and
settling a batch (receivers sync, then this target drops what it sent)."""

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from pyaistore.cluster import cluster_map, placement
from pyaistore.jobs import object_walk
from pyaistore.jobs.job import Job
from pyaistore.jobs.rebalance import Settled, Shipment
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import CorruptMeta, ObjectNotFound, SliceNotFound
from pyaistore.target import ec_placement, ec_repair, object_ops, object_recovery
from pyaistore.target.job_ops import TargetObjects
from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId

__all__ = ["TargetRebalance"]


class TargetRebalance(TargetObjects):
    """The rebalance's view of this target (its listing comes from TargetObjects)."""

    def buckets(self) -> Sequence[BucketId]:
        """Every bucket of the cluster's table."""
        return self._ctx.meta.buckets.bucket_ids()

    async def send(self, bucket: BucketId, name: str) -> Shipment | None:
        """Send a misplaced object to its owner, published there without fsync (settle syncs it)."""
        ctx = self._ctx
        owner = placement.owner(ctx.smap, bucket, name)
        if owner.daemon_id == ctx.node.daemon_id:
            return None
        sent = await object_ops.send_to_peer(
            ctx, owner, bucket, name, bucket, name, query.TRANSFER_MIGRATE, deferred_sync=True
        )
        return Shipment(bucket, name, owner.daemon_id, sent.meta, sent.stored)

    async def settle(self, shipments: Sequence[Shipment]) -> Settled:
        """Sync each receiver once, then drop each copy here that is still exactly what was sent.

        A copy deleted here while it travelled is deleted at the receiver too (if it still holds
        exactly what was sent), so a rebalance never brings a deleted object back.
        """
        ctx, store = self._ctx, self._ctx.object_store
        receivers = {s.receiver for s in shipments}
        nodes = [node for node_id in receivers if (node := cluster_map.find_node(ctx.smap, node_id))]
        if len(nodes) != len(receivers):
            return Settled([], [])  # a receiver left the map: keep everything, a later rebalance moves it
        await asyncio.gather(*(ctx.peer_api.sync(node) for node in nodes))
        moved, changed, vanished = [], [], defaultdict(list)
        for shipment in shipments:
            dropped = await asyncio.to_thread(
                store.delete_if_unchanged, shipment.bucket, shipment.name, shipment.meta
            )
            if dropped:
                await asyncio.to_thread(_drop_record, ctx, shipment.bucket, shipment.name)
                moved.append(shipment)
            elif await self._held(shipment.bucket, shipment.name):
                changed.append(shipment)
            else:
                vanished[shipment.receiver].append(shipment)
        for receiver, gone in vanished.items():
            node = cluster_map.find_node(ctx.smap, receiver)
            for shipment in gone:
                if node is not None:
                    await ctx.peer_api.delete_object(node, shipment.bucket, shipment.name, shipment.meta)
        return Settled(moved, changed)

    async def _held(self, bucket: BucketId, name: str) -> bool:
        try:
            await asyncio.to_thread(self._ctx.object_store.head, bucket, name)
        except ObjectNotFound:
            return False
        return True

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
