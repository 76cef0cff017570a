"""Bucket summary on the gateway: start a `summary-bck` job on every target, then report its result.

Both SDK flows poll: `Bucket.summary()` (GET, 202 until the 200 carries the result) and
`Bucket.info()` (HEAD, 202 until the 200 carries Ais-Bucket-Summ); see the reference §3.3.
"""

from dataclasses import dataclass

from pyaistore.jobs import bucket_summary
from pyaistore.jobs.errors import InvalidJobRequest, JobFailed
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs, job_queries
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.bucket_summary import BucketSummary
from pyaistore.wire.jobs import JobQuery

__all__ = ["Progress", "progress", "start"]


@dataclass(frozen=True, slots=True)
class Progress:
    """A summary job's state: None while it runs, else the summary."""

    job_id: str
    result: BucketSummary | None


async def start(ctx: NodeContext, bucket: BucketId, prefix: str) -> str:
    """Start summarising the bucket (objects under `prefix`); returns the job ID."""
    ctx.bucket_props(bucket)
    return await cluster_jobs.start(ctx, ClusterJob(kinds.SUMMARY_BCK, bucket, value={"prefix": prefix}))


async def progress(ctx: NodeContext, bucket: BucketId, job_id: str) -> Progress:
    """Where the summary job stands; JobNotFound for an unknown ID, JobFailed when it failed."""
    status = await job_queries.status(ctx, JobQuery(job_id=job_id))
    if status.kind != kinds.SUMMARY_BCK:
        raise InvalidJobRequest(f"job {job_id} is {status.kind}, not a bucket summary")
    if not status.end_ns:
        return Progress(job_id, None)
    if status.aborted or status.err:
        raise JobFailed(f"bucket summary {job_id} failed: {status.err or 'aborted'}")
    per_node = await job_queries.node_snapshots(ctx, JobQuery(job_id=job_id))
    snaps = [snap for snaps in per_node.values() for snap in snaps]
    return Progress(job_id, bucket_summary.merge(bucket, snaps))
