"""Multi-object jobs over a list, template or prefix (jobs reference §2.2): delete, copy, transform.

Gateway: the selection and options come from the action value; copy and transform need a
destination (`tobck`, created like a bucket copy's when missing) and transform an ETL name
(evict and prefetch are in remote_cache.py).
Targets: each handles its share of the selection (jobs/object_walk.py). After a primary restart
the job is watched again if every target still holds its part, else ended aborted.
"""

from pyaistore.cluster.errors import BadRequest
from pyaistore.job_kinds.bucket_copy import transform_for
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import multi_object, object_walk
from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs, job_buckets, job_recovery
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.target.job_ops import TargetObjects
from pyaistore.target.jobs import require_bucket
from pyaistore.wire import actions
from pyaistore.wire import jobs as kinds
from pyaistore.wire.jobs import JobStartMsg
from pyaistore.wire.multi_object import MultiObjectMsg

__all__ = ["COPY_LISTRANGE", "DELETE_LISTRANGE", "ETL_LISTRANGE"]


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Check a multi-object request and start the job."""
    action, bucket = request.action, request.bucket
    if bucket is None:
        raise BadRequest(f"{action}: missing bucket")
    msg: MultiObjectMsg = job_buckets.parsed(action, MultiObjectMsg.from_json, request.value)
    ctx.bucket_props(bucket)
    try:
        object_walk.check_selection(msg.selection)
    except InvalidJobRequest as exc:
        raise BadRequest(f"{action}: {exc.message}") from exc
    if action == actions.DELETE_LISTRANGE:
        return await cluster_jobs.start(ctx, ClusterJob(action, bucket, None, request.value))
    if msg.to_bucket is None:
        raise BadRequest(f"{action} {bucket.cname}: missing destination bucket (tobck)")
    if action == actions.ETL_LISTRANGE and not msg.copy.etl_name:
        raise BadRequest(f"{action} {bucket.cname}: missing ETL name (id)")
    prepare, rollback = job_buckets.destination_steps(ctx, bucket, msg.to_bucket, msg.copy.dry_run)
    job_plan = ClusterJob(action, bucket, msg.to_bucket, request.value, msg.copy.force, prepare, rollback)
    return await cluster_jobs.start(ctx, job_plan)


def plan_delete(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part of a delete: its share of the selection."""
    bucket = require_bucket(ctx, msg.bucket, "source")
    multi = MultiObjectMsg.from_json(msg.value, msg.kind)
    object_walk.check_selection(multi.selection)
    ops = TargetObjects(ctx)
    return Job(msg.job_id, msg.kind, bucket=bucket), lambda j: multi_object.delete(j, ops, bucket, multi)


def plan_copy(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part of a copy or transform: its share of the selection."""
    multi = MultiObjectMsg.from_json(msg.value, msg.kind)
    object_walk.check_selection(multi.selection)
    src = require_bucket(ctx, msg.bucket, "source")
    if multi.to_bucket is None:
        raise InvalidJobRequest("missing destination bucket (tobck)")
    dst = multi.to_bucket if multi.copy.dry_run else require_bucket(ctx, multi.to_bucket, "destination")
    transform = transform_for(ctx, multi.copy, msg.job_id) if msg.kind == kinds.ETL_LISTRANGE else None
    ops = TargetObjects(ctx)
    job = Job(msg.job_id, msg.kind, src_bucket=src, dst_bucket=dst, force=multi.copy.force)
    return job, lambda j: multi_object.copy(j, ops, src, dst, multi, transform)


DELETE_LISTRANGE = JobKind(
    kinds.DELETE_LISTRANGE,
    start,
    plan_delete,
    (("DELETE", actions.DELETE_LISTRANGE),),
    job_recovery.reattach_or_abort,
)
COPY_LISTRANGE = JobKind(
    kinds.COPY_LISTRANGE,
    start,
    plan_copy,
    (("POST", actions.COPY_LISTRANGE),),
    job_recovery.reattach_or_abort,
)
ETL_LISTRANGE = JobKind(
    kinds.ETL_LISTRANGE,
    start,
    plan_copy,
    (("POST", actions.ETL_LISTRANGE),),
    job_recovery.reattach_or_abort,
)
