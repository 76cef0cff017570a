"""This target's resilver and make-n-copies jobs: planned, preempted, started (reference sections 3.2, 4.2).

A resilver reconciles every object of every bucket in the table with the bucket's copies
(`mirror.copies` when `mirror.enabled`, else 1); make-n-copies does it for one bucket with a
given number. A new resilver preempts a running one (aborted as renewed; the new one waits until
the old walk has stopped), and so does a new make-n-copies of the same bucket. A disk that fails
midway is reported through `NodeContext.on_disk_failure` (which disables it and resilvers again).
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Final

from pyaistore.jobs import resilver as resilver_job
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody, new_job_id
from pyaistore.node_context import NodeContext
from pyaistore.storage import bucket_meta, resilver
from pyaistore.storage.errors import MountpathUnavailable
from pyaistore.storage.resilver import ResilverStats
from pyaistore.target import jobs
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import BucketId

__all__ = ["copies_by_bucket", "plan_make_n_copies", "plan_resilver", "start_resilver"]

log = logging.getLogger(__name__)

# How often a new job looks whether the walk it preempted has stopped.
PREEMPT_POLL_S: Final = 0.02


def copies_by_bucket(ctx: NodeContext) -> dict[BucketId, int]:
    """Every bucket of the table with the copies its objects should have."""
    table = ctx.meta.buckets
    return {bucket: bucket_meta.mirror_copies(table.buckets[bucket.uname]) for bucket in table.bucket_ids()}


def plan_resilver(ctx: NodeContext, job_id: str, reason: str) -> tuple[Job, JobBody]:
    """A resilver of every bucket, preempting the one running (if any)."""
    older = _preempt(ctx, kinds.RESILVER, None, f"renewed: {reason}" if reason else "renewed")
    store = ctx.object_store

    def walk(abort: Callable[[], bool], progress: Callable[[ResilverStats], None]) -> ResilverStats:
        return resilver.resilver(store, copies_by_bucket(ctx), abort, progress)

    return Job(job_id, kinds.RESILVER, ctlmsg=reason), _body(ctx, older, walk)


def start_resilver(ctx: NodeContext, reason: str) -> Job:
    """Start a resilver on this target now (after a mountpath change, or FSHC)."""
    job = jobs.run(ctx, *plan_resilver(ctx, new_job_id(), reason))
    log.info("started %r: %s", job, reason)
    return job


def plan_make_n_copies(ctx: NodeContext, job_id: str, bucket: BucketId, copies: int) -> tuple[Job, JobBody]:
    """Give every object of `bucket` here `copies` copies (refused at once when they cannot be made)."""
    store = ctx.object_store
    resilver.check_copies(store, copies)
    older = _preempt(ctx, kinds.MAKE_N_COPIES, bucket, f"renewed: {copies} copies")

    def walk(abort: Callable[[], bool], progress: Callable[[ResilverStats], None]) -> ResilverStats:
        return resilver.make_n_copies(store, bucket, copies, abort, progress)

    return Job(job_id, kinds.MAKE_N_COPIES, bucket=bucket, ctlmsg=f"{copies} copies"), _body(ctx, older, walk)


def _preempt(ctx: NodeContext, kind: str, bucket: BucketId | None, reason: str) -> list[Job]:
    """Abort the running jobs of `kind` (on `bucket`, when given); returns them."""
    running = ctx.jobs.find(kind=kind, bucket=bucket, active_only=True)
    for job in running:
        job.abort(reason)
    return running


def _body(ctx: NodeContext, older: Sequence[Job], walk: resilver_job.Walk) -> JobBody:
    """Wait for the preempted walks to stop, then walk; a failing disk goes to FSHC."""

    async def body(job: Job) -> None:
        while any(other.running for other in older):
            job.check()
            await asyncio.sleep(PREEMPT_POLL_S)
        try:
            await resilver_job.run(job, walk)
        except MountpathUnavailable as exc:
            if ctx.on_disk_failure is not None:
                ctx.on_disk_failure(exc.path)
            raise

    return body
