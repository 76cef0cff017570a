"""RebalanceOps on this target: which buckets to walk, sending one object to its owner, and
settling a batch (receivers sync, then this target drops what it sent)."""

import asyncio
import dataclasses
from collections import defaultdict
from collections.abc import Awaitable, Sequence
from typing import Final

from pyaistore.cluster import cluster_map, placement
from pyaistore.cluster.errors import PeerFailed
from pyaistore.jobs import object_walk
from pyaistore.jobs.job import Job
from pyaistore.jobs.rebalance import Sent, Settled, Shipment
from pyaistore.jobs.registry import error_text
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import CorruptMeta, ObjectNotFound, SliceNotFound
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import ec_placement, ec_repair, misplaced_writes, object_ops, object_recovery
from pyaistore.target.job_ops import TargetObjects
from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Snode

__all__ = ["TargetRebalance"]


class TargetRebalance(TargetObjects):
    """The rebalance's view of this target (its listing comes from TargetObjects)."""

    def buckets(self) -> Sequence[BucketId]:
        """Every bucket of the cluster's table."""
        return self._ctx.meta.buckets.bucket_ids()

    async def send(self, bucket: BucketId, names: Sequence[str], workers: int) -> Sent:
        """Send every named object this target does not own to its owner, published there
        without fsync (settle syncs it): small ones in one request per owner and per
        BATCH_REQUEST_BYTES, larger ones one by one, at most `workers` requests at a time."""
        ctx = self._ctx
        owners = {}
        for name in names:
            owner = placement.owner(ctx.smap, bucket, name)
            if owner.daemon_id != ctx.node.daemon_id:
                owners[name] = owner
        if not owners:
            return Sent([], {})
        small, large = await asyncio.to_thread(_read_small, ctx, bucket, list(owners))
        requests: list[Awaitable[tuple[list[Shipment], dict[str, str]]]] = []
        by_owner: dict[str, list[tuple[ObjectMeta, bytes]]] = defaultdict(list)
        for meta, data in small:
            by_owner[owners[meta.name].daemon_id].append((meta, data))
        for objects in by_owner.values():
            for group in _groups(objects):
                requests.append(self._send_small(owners[group[0][0].name], bucket, group))
        requests += [self._send_one(owners[name], bucket, name) for name in large]
        gate = asyncio.Semaphore(workers)

        async def gated(
            request: Awaitable[tuple[list[Shipment], dict[str, str]]],
        ) -> tuple[list[Shipment], dict[str, str]]:
            async with gate:
                return await request

        shipments: list[Shipment] = []
        failed: dict[str, str] = {}
        for done, errors in await asyncio.gather(*(gated(r) for r in requests)):
            shipments += done
            failed |= errors
        return Sent(shipments, failed)

    async def _send_small(
        self, owner: Snode, bucket: BucketId, objects: list[tuple[ObjectMeta, bytes]]
    ) -> tuple[list[Shipment], dict[str, str]]:
        try:
            stored = await self._ctx.peer_api.send_batch(owner, bucket, objects, deferred_sync=True)
        except PeerFailed as exc:
            return [], {meta.name: error_text(exc) for meta, _ in objects}
        shipments = [
            Shipment(bucket, meta.name, owner.daemon_id, meta, flag)
            for (meta, _), flag in zip(objects, stored, strict=True)
        ]
        return shipments, {}

    async def _send_one(
        self, owner: Snode, bucket: BucketId, name: str
    ) -> tuple[list[Shipment], dict[str, str]]:
        try:
            sent = await object_ops.send_to_peer(
                self._ctx, owner, bucket, name, bucket, name, query.TRANSFER_MIGRATE, deferred_sync=True
            )
        except ObjectNotFound:
            return [], {}  # deleted meanwhile: nothing to move
        except PeerFailed as exc:
            return [], {name: error_text(exc)}
        return [Shipment(bucket, name, owner.daemon_id, sent.meta, sent.stored)], {}

    async def settle(self, shipments: Sequence[Shipment]) -> Settled:
        """Sync each receiver once, then drop each copy here that is still exactly what was sent.

        A copy deleted here while it travelled is deleted at the receiver too (if it still holds
        exactly what was sent), so a rebalance never brings a deleted object back; but not one a
        write handed over to its owner meanwhile (misplaced_writes): that one moved.
        """
        ctx = self._ctx
        receivers = {s.receiver for s in shipments}
        nodes = [node for node_id in receivers if (node := cluster_map.find_node(ctx.smap, node_id))]
        if len(nodes) != len(receivers):
            return Settled([], [])  # a receiver left the map: keep everything, a later rebalance moves it
        await asyncio.gather(*(ctx.peer_api.sync(node) for node in nodes))
        outcomes = await asyncio.to_thread(_drop_sent, ctx, shipments)
        moved, changed, vanished = [], [], defaultdict(list)
        for shipment, outcome in zip(shipments, outcomes, strict=True):
            if outcome == _DROPPED:
                moved.append(shipment)
            elif outcome == _CHANGED:
                changed.append(shipment)
            elif not misplaced_writes.was_handed_over(ctx, shipment.bucket, shipment.name, shipment.meta):
                vanished[shipment.receiver].append(shipment)
        for receiver, gone in vanished.items():
            node = cluster_map.find_node(ctx.smap, receiver)
            for shipment in gone:
                if node is not None:
                    await ctx.peer_api.delete_object(node, shipment.bucket, shipment.name, shipment.meta)
        return Settled(moved, changed)

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


_DROPPED, _CHANGED, _VANISHED = "dropped", "changed", "vanished"
# Objects up to this size travel many to a request; a request carries at most this much.
SMALL_OBJECT: Final = 64 << 10
BATCH_REQUEST_BYTES: Final = 4 << 20


def _read_small(
    ctx: NodeContext, bucket: BucketId, names: list[str]
) -> tuple[list[tuple[ObjectMeta, bytes]], list[str]]:
    """Blocking, one executor call: the metadata and bytes of every small object (those gone are
    skipped), and the names of the larger ones (sent one by one)."""
    store = ctx.object_store
    small: list[tuple[ObjectMeta, bytes]] = []
    large: list[str] = []
    for name in names:
        try:
            handle = store.open(bucket, name)
        except ObjectNotFound:
            continue
        with handle:
            if handle.size > SMALL_OBJECT:
                large.append(name)
                continue
            data = handle.read_all_small(SMALL_OBJECT)
            small.append((dataclasses.replace(handle.meta, size=len(data), mountpath=""), data))
    return small, large


def _groups(objects: list[tuple[ObjectMeta, bytes]]) -> list[list[tuple[ObjectMeta, bytes]]]:
    """Objects in groups of at most BATCH_REQUEST_BYTES."""
    groups: list[list[tuple[ObjectMeta, bytes]]] = [[]]
    held = 0
    for meta, data in objects:
        if groups[-1] and held + len(data) > BATCH_REQUEST_BYTES:
            groups.append([])
            held = 0
        groups[-1].append((meta, data))
        held += len(data)
    return [group for group in groups if group]


def _drop_sent(ctx: NodeContext, shipments: Sequence[Shipment]) -> list[str]:
    """Blocking, one executor call per batch: drop each copy still exactly as sent (and its EC
    record); say for each whether it was dropped, changed meanwhile, or gone meanwhile."""
    store = ctx.object_store
    outcomes = []
    for shipment in shipments:
        if store.delete_if_unchanged(shipment.bucket, shipment.name, shipment.meta):
            _drop_record(ctx, shipment.bucket, shipment.name)
            outcomes.append(_DROPPED)
            continue
        try:
            store.head(shipment.bucket, shipment.name)
        except ObjectNotFound:
            outcomes.append(_VANISHED)
            continue
        outcomes.append(_CHANGED)
    return outcomes


def _drop_record(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """Blocking: the EC record of an object that moved to its new owner (which keeps its own)."""
    try:
        ctx.slice_store.delete_record(bucket, name)
    except (SliceNotFound, CorruptMeta):
        pass
