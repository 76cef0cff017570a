"""rebalance: move every object to its HRW owner under the current cluster map (reference §2).

Gateway: started by map changes (proxy/rebalance.py) or by hand (`PUT /v1/cluster` start, kind
rebalance). Targets: a newer generation aborts an older one still running here; each target
waits until it holds the map the generation was started for, then sends what it no longer owns
(jobs/rebalance.py).
"""

import asyncio
import time
from typing import Final

from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import rebalance
from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import rebalance as rebalancing
from pyaistore.target.rebalance_ops import TargetRebalance
from pyaistore.wire import jobs as kinds
from pyaistore.wire.jobs import JobStartMsg

__all__ = ["REBALANCE"]

# Seconds a target waits for the map its rebalance generation was started for.
MAP_WAIT_S: Final = 15.0


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """A rebalance started by hand."""
    del request  # a rebalance covers the whole cluster
    return await rebalancing.start_by_hand(ctx)


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part of generation g<N>."""
    value = msg.value if isinstance(msg.value, dict) else {}
    needed = value.get(rebalancing.SMAP_VERSION_KEY, 0)
    if type(needed) is not int:
        raise InvalidJobRequest(f"{kinds.REBALANCE}: {rebalancing.SMAP_VERSION_KEY} must be an integer")
    for older in ctx.jobs.find(kind=kinds.REBALANCE, active_only=True):
        older.abort(f"renewed by {msg.job_id}")
    ops = TargetRebalance(ctx)

    async def body(job: Job) -> None:
        await _wait_for_map(ctx, job, needed)
        await rebalance.run(job, ops, max(1, ctx.config.rebalance_workers))

    return Job(msg.job_id, kinds.REBALANCE), body


async def _wait_for_map(ctx: NodeContext, job: Job, version: int) -> None:
    deadline = time.monotonic() + MAP_WAIT_S
    while ctx.smap.version < version:
        job.check()
        if time.monotonic() > deadline:
            raise InvalidJobRequest(f"cluster map v{version} did not arrive (have v{ctx.smap.version})")
        await asyncio.sleep(0.05)


REBALANCE = JobKind(kinds.REBALANCE, start, plan, recover=rebalancing.recover)
