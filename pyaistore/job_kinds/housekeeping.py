"""Startable maintenance kinds and what they mean for a cluster of ais buckets (jobs reference §1.5).

cleanup-store removes stale work files and trash; lru evicts cached copies of remote objects and
load-lom-cache warms a metadata cache: an ais bucket has neither, and targets cache no metadata,
so those two finish at once with nothing done.
"""

import asyncio
from typing import Final

from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.target.jobs import require_bucket
from pyaistore.wire import jobs as kinds
from pyaistore.wire.jobs import JobStartMsg

__all__ = ["CLEANUP_STORE", "LOAD_LOM_CACHE", "LRU"]

# cleanup-store removes work files left this long ago (live appends are younger).
CLEANUP_AGE_S: Final = 3600.0


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Start the kind on every target (optionally scoped to a bucket)."""
    if request.bucket is not None:
        ctx.bucket_props(request.bucket)
    return await cluster_jobs.start(ctx, ClusterJob(request.action, request.bucket, force=request.force))


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part."""
    bucket = require_bucket(ctx, msg.bucket, "") if msg.bucket else None
    job = Job(msg.job_id, msg.kind, bucket=bucket)
    if msg.kind == kinds.CLEANUP_STORE:
        store = ctx.object_store

        async def cleanup(j: Job) -> None:
            removed = await asyncio.to_thread(store.cleanup_work, CLEANUP_AGE_S)
            j.counters.loc_objs += removed

        return job, cleanup

    async def nothing_to_do(_: Job) -> None:
        return None

    return job, nothing_to_do


LRU = JobKind(kinds.LRU, start, plan)
CLEANUP_STORE = JobKind(kinds.CLEANUP_STORE, start, plan)
LOAD_LOM_CACHE = JobKind(kinds.LOAD_LOM_CACHE, start, plan)
