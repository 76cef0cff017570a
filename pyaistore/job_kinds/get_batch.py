"""get-batch: many objects and archived files in one archive (reference ML §4).

Not started by a bucket action or `PUT /v1/cluster`: a client's `GET /v1/ml/moss` is checked on
the gateway (proxy/get_batch.py) and redirected to a designated target, which runs the batch on
its demand job (jobs/batch_job.py: one job per default bucket, reused while it runs, idle between
batches, stopped like any job) and assembles it (target/get_batch.py). The job is what job
queries show under kind `get-batch`.
"""

from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import batch_job
from pyaistore.jobs.errors import NotStartable
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.target import get_batch
from pyaistore.target.get_batch import BatchSink
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.get_batch import MossReq
from pyaistore.wire.jobs import JobStartMsg

__all__ = ["GET_BATCH", "serve"]

_HOW = "get-batch jobs start with GET /v1/ml/moss"


async def serve(ctx: NodeContext, req: MossReq, default: BucketId | None, sink: BatchSink) -> str:
    """Run one batch on this target's get-batch job (designated target); returns the job ID."""
    job = batch_job.acquire(ctx.jobs, default)
    try:
        await get_batch.assemble(ctx, job, req, default, sink)
    finally:
        job.end()
    return job.job_id


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Not startable by a job request."""
    raise NotStartable(f"cannot start {request.action}: {_HOW}")


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """Not started on targets by the gateway."""
    raise NotStartable(f"cannot start {msg.kind}: {_HOW}")


GET_BATCH = JobKind(kinds.GET_BATCH, start, plan)
