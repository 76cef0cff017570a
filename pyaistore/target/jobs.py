"""A target's part of cluster-wide jobs: run one (planned by its kind's entry), report snapshots, abort.

The gateway has validated the request already; a kind's target plan repeats only what this
target must see for itself (its bucket table, its running ETLs), so a refusal is a clear 4xx.
"""

from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.job_snapshot import JobSnapshot
from pyaistore.wire.jobs import JobQuery

__all__ = ["abort", "require_bucket", "run", "snapshots"]


def run(ctx: NodeContext, job: Job, body: JobBody) -> Job:
    """Register and start this target's part of a job; returns the running job."""
    task = ctx.jobs.run(job, body)
    ctx.background.add(task)
    task.add_done_callback(ctx.background.discard)
    return job


def snapshots(ctx: NodeContext, query: JobQuery) -> list[JobSnapshot]:
    """Snapshots of this target's jobs matching the query (kind already resolved)."""
    jobs = ctx.jobs.find(query.job_id, query.kind, query.bucket, query.active_only)
    return [job.snapshot() for job in jobs]


def abort(ctx: NodeContext, query: JobQuery) -> list[str]:
    """Abort this target's running jobs matching the query; returns their IDs."""
    return [job.job_id for job in ctx.jobs.abort(query.job_id, query.kind)]


def require_bucket(ctx: NodeContext, bucket: BucketId | None, what: str) -> BucketId:
    """The bucket, which this target's table must know (BucketNotFound otherwise)."""
    if bucket is None:
        raise InvalidJobRequest(f"missing {what} bucket")
    ctx.bucket_props(bucket)
    return bucket
