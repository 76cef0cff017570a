"""summary-bck: object counts and sizes of a bucket (reference §3.3).

Gateway: started by the summary flows of GET/HEAD on a bucket (proxy/bucket_summary.py).
Targets: each sums the objects it holds under the prefix (jobs/bucket_summary.py).
"""

from pyaistore.cluster.errors import BadRequest
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import bucket_summary
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import bucket_summary as summaries
from pyaistore.target.job_ops import TargetObjects
from pyaistore.target.jobs import require_bucket
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_summary import SummaryMsg
from pyaistore.wire.jobs import JobStartMsg

__all__ = ["SUMMARY_BCK"]


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Start summarising the request's bucket."""
    if request.bucket is None:
        raise BadRequest(f"{kinds.SUMMARY_BCK}: missing bucket")
    try:
        prefix = SummaryMsg.from_json(request.value).prefix
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    return await summaries.start(ctx, request.bucket, prefix)


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part: sum what it holds under the prefix."""
    bucket, summary = require_bucket(ctx, msg.bucket, "source"), SummaryMsg.from_json(msg.value)
    ops = TargetObjects(ctx)
    return Job(msg.job_id, msg.kind, bucket=bucket), lambda j: bucket_summary.run(
        j, ops, bucket, summary.prefix
    )


SUMMARY_BCK = JobKind(kinds.SUMMARY_BCK, start, plan)
