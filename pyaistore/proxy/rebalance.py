"""Global rebalance on the primary: when to start one, and its generations (reference §2.1-2.2, §2.6).

Any change of the set of active targets (a join after startup, maintenance, decommission, a
different set of targets after a restart) starts a new generation N, job ID g<N>: the running
one, if any, is aborted first (renewed), the rebalance record (RMD) is pushed with running=true,
and every target in the map runs its part (maintenance and decommissioning targets included:
they hold the objects that must leave). When the job ends the record says whether it completed;
until a generation completes, targets look for missing objects on their neighbours.

A generation the primary finds running after its own restart is ended aborted ("primary
restarted", `recover`) and recorded incomplete; `Triggers.on_ready` then starts the next one.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Final

from pyaistore.cluster.cluster_meta import active_target_ids
from pyaistore.cluster.errors import BadRequest, NotSupported
from pyaistore.jobs.errors import JobConflict
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs, job_recovery
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.proxy.job_records import JobRecord
from pyaistore.wire import hrw
from pyaistore.wire import jobs as kinds
from pyaistore.wire import rebalance as wire_rebalance
from pyaistore.wire.jobs import JobQuery
from pyaistore.wire.messages import Smap, Snode

__all__ = [
    "SMAP_VERSION_KEY",
    "AfterRebalance",
    "Triggers",
    "moves_objects",
    "recover",
    "start",
    "start_by_hand",
]

log = logging.getLogger(__name__)

# Seconds joins are collected before one rebalance starts for all of them.
COALESCE_S: Final = 0.5
# The start message's value: the map version a target must hold before it walks its objects.
SMAP_VERSION_KEY: Final = "smap_version"

# Called with True when the rebalance completed (every object moved), False otherwise.
AfterRebalance = Callable[[bool], Awaitable[None]]


def holds_objects(ctx: NodeContext) -> bool:
    """False while the cluster has no bucket at all (then no map change can move anything)."""
    return bool(ctx.meta.buckets.buckets)


def moves_objects(old: Smap, new: Smap) -> bool:
    """True when the change moves ownership: the active targets differ and some remain."""
    before, after = active_target_ids(old), active_target_ids(new)
    return before != after and bool(after) and bool(before | after)


async def start(ctx: NodeContext, reason: str, after: AfterRebalance | None = None) -> str:
    """Start the next generation (aborting a running one); returns its job ID g<N>."""
    owner = ctx.owner
    if owner is None:
        raise NotSupported("rebalance is started by the primary proxy")
    if ctx.jobs.find(kind=kinds.REBALANCE, active_only=True):
        await cluster_jobs.stop(ctx, JobQuery(kind=kinds.REBALANCE), "renewed: " + reason)
    smap_version = ctx.smap.version
    rmd = await owner.update_rmd(lambda current: current.started(smap_version))
    generation = rmd.generation

    async def finalize(completed: bool) -> None:
        await owner.update_rmd(lambda current: current.finished(generation, completed))
        if after is not None:
            await after(completed)
        for listener in ctx.rebalance_listeners:
            await listener(completed)

    job_id = wire_rebalance.job_id(generation)
    value = {SMAP_VERSION_KEY: smap_version}
    log.info("starting rebalance %s: %s", job_id, reason)
    try:
        return await cluster_jobs.start(
            ctx, ClusterJob(kinds.REBALANCE, value=value, finalize=finalize, job_id=job_id)
        )
    except BaseException:
        await owner.update_rmd(lambda current: current.finished(generation, False))
        raise


async def start_by_hand(ctx: NodeContext) -> str:
    """`PUT /v1/cluster` start of kind rebalance: 400 with fewer than two targets, 409 while busy."""
    active = active_target_ids(ctx.smap)
    if len(active) < 2:
        raise BadRequest(f"not enough targets: {ctx.smap.version}, need 2, have {len(active)}")
    if ctx.membership_lock.locked() or ctx.jobs.find(kind=kinds.REBALANCE, active_only=True):
        raise JobConflict("cannot start rebalance: a membership change or rebalance is in progress")
    async with ctx.membership_lock:
        return await start(ctx, "started by hand")


async def recover(ctx: NodeContext, record: JobRecord) -> None:
    """A generation running when the primary restarted: its parts stopped, the job ended aborted,
    and the rebalance record marked incomplete (so that `Triggers.on_ready` starts the next one)."""
    await job_recovery.abort_on_restart(ctx, record)
    generation = wire_rebalance.generation_of(record.job_id)
    owner = ctx.owner
    if generation is not None and owner is not None:
        await owner.update_rmd(lambda current: current.finished(generation, False))


class Triggers:
    """The primary's membership hooks that start rebalances (set on Membership at startup).

    Joins arriving together (several targets started at once) are coalesced into one generation
    after a short pause; the gap is covered by the targets' get-from-neighbour grace period.
    """

    def __init__(self, ctx: NodeContext, pause: float = COALESCE_S) -> None:
        self._ctx = ctx
        self._pause = pause
        self._pending: asyncio.Task[None] | None = None
        self._reasons: list[str] = []
        # The newest map version a pending request wants covered.
        self._wanted = 0

    async def on_ready(self, persisted: frozenset[str], current: frozenset[str]) -> None:
        """After startup: rebalance when targets were added since the last run, or one was unfinished.

        A target of the last run that did not come back takes its objects with it: HRW moves only
        that target's objects, and there is nothing to move them from, so it needs no rebalance.
        """
        rmd = self._ctx.meta.rmd
        if len(active_target_ids(self._ctx.smap)) < 2:
            return
        added = current - persisted
        if persisted and added:
            await self._start_now(f"{len(added)} target(s) added since the last run")
        elif rmd.unsettled:
            await self._start_now(f"rebalance g{rmd.generation} did not finish before the restart")

    async def on_join(self, node: Snode, is_new: bool, restarted: bool) -> None:
        """A target joined after startup: a new owner (or one whose disks may have changed)."""
        if len(active_target_ids(self._ctx.smap)) < 2:
            return
        if node.flags & hrw.EXCLUDED_FLAGS or not holds_objects(self._ctx):
            return  # a node out of placement, or a cluster with no bucket yet: nothing to move
        if is_new or restarted:
            self.request(f"{node.display_name} {'joined' if is_new else 'restarted'}")

    def request(self, reason: str) -> None:
        """Start a generation soon (requests within the pause become one)."""
        self._reasons.append(reason)
        self._wanted = max(self._wanted, self._ctx.smap.version)
        if self._pending is None or self._pending.done():
            self._pending = asyncio.create_task(self._start_later())

    async def _start_later(self) -> None:
        await asyncio.sleep(self._pause)
        reasons, self._reasons = self._reasons, []
        try:
            await self._start_now("; ".join(reasons), self._wanted)
        except Exception:
            log.exception("could not start a rebalance (%s)", "; ".join(reasons))

    async def _start_now(self, reason: str, smap_version: int = 0) -> None:
        async with self._ctx.membership_lock:
            if smap_version and self._ctx.meta.rmd.smap_version >= smap_version:
                return  # a generation started since (e.g. by a membership change) covers this map
            if not holds_objects(self._ctx):
                return  # no bucket, no object: nothing can move
            await start(self._ctx, reason)
