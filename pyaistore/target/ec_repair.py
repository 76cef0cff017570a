"""Repair: the current holders of every erasure-coded object get their pieces back.

Runs during every rebalance (after this target's moves) and, in the background, for an object
that arrived here by rebalance or get-from-neighbour, or was restored here: this target is then
its main holder.

- `repair_page`: for a page of objects this target owns, one call per other active target asks
  which pieces of them it keeps (and of which generation); then, per object, the EC record is
  checked against the object (a missing or stale record is adopted from the pieces of the
  object's own version, or made anew), and every current holder (HRW ranks 1..P or 1..D+P) that
  lacks its piece of the record's generation is sent it, coded from the local object.
- `notify_owners`: for the pieces this target keeps, a page of names per current owner tells
  that owner to restore the objects it lacks (an owner that lost its disk, or a new owner),
  so objects come back without waiting for a GET.
"""

import asyncio
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Final

from pyaistore.cluster import placement
from pyaistore.cluster.cluster_meta import active_target_ids
from pyaistore.cluster.errors import NodeError
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import CorruptMeta, ObjectNotFound, StorageError
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import ec_placement, ec_put
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import REPLICA, SliceMeta

__all__ = ["PAGE", "notify_owners", "repair_page", "schedule"]

log = logging.getLogger(__name__)

PAGE: Final = 256
Holdings = dict[str, dict[str, SliceMeta] | None]  # node id -> name -> its piece (None: did not answer)
RecoverHere = Callable[[BucketId, list[str]], Awaitable[int]]


def schedule(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """Check the pieces of one object owned here, in the background."""
    if ec_placement.conf_of(ctx, bucket) is None:
        return

    async def run() -> None:
        try:
            await repair_page(ctx, bucket, [name])
        except (NodeError, StorageError) as exc:
            log.warning("%s: EC repair of %s: %s", ctx.node.display_name, bucket.object_cname(name), exc)

    task = asyncio.create_task(run(), name=f"ec repair {bucket.object_cname(name)}")
    ctx.ec.tasks.add(task)
    task.add_done_callback(ctx.ec.tasks.discard)


async def repair_page(ctx: NodeContext, bucket: BucketId, names: list[str]) -> int:
    """Send the pieces current holders lack for `names` (objects owned here); how many were sent."""
    conf = ec_placement.conf_of(ctx, bucket)
    if conf is None or not names:
        return 0
    holdings = await _holdings(ctx, bucket, names)
    sent = 0
    for name in names:
        sent += await _repair_object(ctx, bucket, name, conf, holdings)
    return sent


async def _holdings(ctx: NodeContext, bucket: BucketId, names: list[str]) -> Holdings:
    active = active_target_ids(ctx.smap)
    others = [
        node
        for node in ctx.smap.targets.values()
        if node.daemon_id in active and node.daemon_id != ctx.node.daemon_id
    ]
    answers = await asyncio.gather(
        *(ctx.peer_api.list_pieces(node, bucket, names) for node in others), return_exceptions=True
    )
    return {
        node.daemon_id: (None if isinstance(found, BaseException) else found)
        for node, found in zip(others, answers, strict=True)
    }


async def _repair_object(
    ctx: NodeContext, bucket: BucketId, name: str, conf: ec_placement.EcConf, holdings: Holdings
) -> int:
    if placement.owner(ctx.smap, bucket, name).daemon_id != ctx.node.daemon_id:
        return 0  # a rebalance moves it to its owner, which repairs it
    try:
        meta = await asyncio.to_thread(ctx.object_store.head, bucket, name)
    except ObjectNotFound:
        return 0
    record = await asyncio.to_thread(_record, ctx, bucket, name)
    changed = False
    if record is None or (record.version, record.checksum_value) != (meta.version, meta.checksum_value):
        record = _adopted(conf, meta, name, holdings) or ec_put.record_for(ctx, conf, meta, time.time_ns())
        changed = True
    targets = ec_placement.assignment(ctx, bucket, name, conf, meta.size)
    missing: dict[str, int] = {}
    for node_id, slice_id in (targets or {}).items():
        held = holdings.get(node_id)
        if held is None:
            continue  # did not answer: the next pass
        piece = held.get(name)
        if piece is None or piece.generation < record.generation or piece.slice_id != slice_id:
            missing[node_id] = slice_id
    if missing:
        await ec_put.send_pieces(ctx, bucket, name, record, missing)
    elif changed:
        await asyncio.to_thread(ctx.slice_store.write_record, bucket, name, record)
    return len(missing)


def _record(ctx: NodeContext, bucket: BucketId, name: str) -> SliceMeta | None:
    try:
        return ctx.slice_store.head_record(bucket, name)
    except (ObjectNotFound, CorruptMeta):
        return None


def _adopted(conf: ec_placement.EcConf, meta: ObjectMeta, name: str, holdings: Holdings) -> SliceMeta | None:
    """The record of the newest pieces that code this very object (version and checksum), if any."""
    replicated = conf.replicated(meta.size)
    pieces = {
        node_id: piece
        for node_id, held in holdings.items()
        if held is not None
        and (piece := held.get(name)) is not None
        and (piece.version, piece.checksum_value) == (meta.version, meta.checksum_value)
        and (piece.data_slices, piece.parity_slices) == (conf.data_slices, conf.parity_slices)
        and piece.is_replica == replicated
    }
    if not pieces:
        return None
    newest = max(piece.generation for piece in pieces.values())
    nodes = {node_id: piece.slice_id for node_id, piece in pieces.items() if piece.generation == newest}
    sample = next(piece for piece in pieces.values() if piece.generation == newest)
    return SliceMeta.from_json(
        sample.to_json() | {"slice_id": REPLICA, "nodes": nodes, "slice_checksum_value": ""}
    )


async def notify_owners(
    ctx: NodeContext, bucket: BucketId, recover_here: RecoverHere, check: Callable[[], None]
) -> int:
    """Have each current owner restore the objects it lacks among those this target keeps pieces of."""
    if ec_placement.conf_of(ctx, bucket) is None:
        return 0
    after, restored = "", 0
    while True:
        check()
        page = await asyncio.to_thread(_piece_names, ctx, bucket, after)
        if not page:
            return restored
        after = page[-1]
        by_owner: dict[str, list[str]] = {}
        for name in page:
            by_owner.setdefault(placement.owner(ctx.smap, bucket, name).daemon_id, []).append(name)
        for owner_id, names in by_owner.items():
            if owner_id == ctx.node.daemon_id:
                restored += await recover_here(bucket, names)
                continue
            try:
                restored += await ctx.peer_api.notify_owner(ctx.smap.targets[owner_id], bucket, names)
            except NodeError as exc:
                log.warning("%s: %s", ctx.node.display_name, exc)


def _piece_names(ctx: NodeContext, bucket: BucketId, after: str) -> list[str]:
    return [name for name, _ in itertools.islice(ctx.slice_store.iterate(bucket, after=after), PAGE)]
