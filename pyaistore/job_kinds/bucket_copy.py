"""copy-bck and etl-bck: copy (or transform) a bucket into another (jobs reference §2.5).

Gateway: `bck_to` is required; copying an ais bucket onto itself needs a dry run; etl-bck needs
an ETL name; a missing ais destination is created with the source's properties (and removed
again if no target takes the job). Targets: each copies the objects it holds (jobs/copy_bucket.py),
through the named ETL pipeline for etl-bck. After a primary restart the job is watched again if
every target still holds its part, else ended aborted (proxy/job_recovery.py).
"""

from pyaistore.cluster.errors import BadRequest, EtlNotFound
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import copy_bucket
from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.jobs.job import Job
from pyaistore.jobs.node_ops import Transform
from pyaistore.jobs.registry import JobBody
from pyaistore.jobs.transform_protocol import ObjectTransformer
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs, job_buckets, job_recovery
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.target.job_ops import TargetObjects
from pyaistore.target.jobs import require_bucket
from pyaistore.wire import actions
from pyaistore.wire import jobs as kinds
from pyaistore.wire.jobs import JobStartMsg
from pyaistore.wire.multi_object import CopyOptions

__all__ = ["COPY_BCK", "ETL_BCK", "transform_for"]


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Check a copy-bck/etl-bck request, create a missing destination, start the job."""
    src, dst, action = request.bucket, request.dst_bucket, request.action
    if src is None:
        raise BadRequest(f"{action}: missing source bucket")
    if dst is None:
        raise BadRequest(f"{action} {src.cname}: missing bck_to")
    options: CopyOptions = job_buckets.parsed(action, CopyOptions.from_json, request.value)
    ctx.bucket_props(src)
    if action == actions.ETL_BCK and not options.etl_name:
        raise BadRequest(f"{action} {src.cname}: missing ETL name (id)")
    if src == dst and not options.dry_run:
        raise BadRequest(f'cannot {action} bucket "{src.cname}" onto itself')
    prepare, rollback = job_buckets.destination_steps(ctx, src, dst, options.dry_run)
    job_plan = ClusterJob(action, src, dst, request.value, options.force, prepare, rollback)
    return await cluster_jobs.start(ctx, job_plan)


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part: copy the objects it holds under the prefix."""
    options = CopyOptions.from_json(msg.value, msg.kind)
    src = require_bucket(ctx, msg.bucket, "source")
    if options.dry_run and msg.dst_bucket:
        dst = msg.dst_bucket
    else:
        dst = require_bucket(ctx, msg.dst_bucket, "destination")
    transform = transform_for(ctx, options, msg.job_id) if msg.kind == kinds.ETL_BCK else None
    ops = TargetObjects(ctx)
    job = Job(msg.job_id, msg.kind, src_bucket=src, dst_bucket=dst, force=options.force)
    return job, lambda j: copy_bucket.run(j, ops, src, dst, options, transform)


def transform_for(ctx: NodeContext, options: CopyOptions, job_id: str) -> Transform:
    """The ETL pipeline transform job `job_id` names, looked up on this target (EtlNotFound if
    absent); its failures are recorded under the job."""
    if not options.etl_names:
        raise InvalidJobRequest("missing ETL name (id)")
    return copy_bucket.pipeline([_lookup(ctx, name, job_id) for name in options.etl_names])


def _lookup(ctx: NodeContext, name: str, job_id: str) -> ObjectTransformer:
    if ctx.etl_lookup is None:
        raise EtlNotFound(f"ETL {name} doesn't exist")
    try:
        return ctx.etl_lookup(name, job_id)
    except EtlNotFound:
        raise
    except Exception as exc:
        raise EtlNotFound(f"ETL {name} doesn't exist: {exc}") from exc


COPY_BCK = JobKind(kinds.COPY_BCK, start, plan, (("POST", actions.COPY_BCK),), job_recovery.reattach_or_abort)
ETL_BCK = JobKind(kinds.ETL_BCK, start, plan, (("POST", actions.ETL_BCK),), job_recovery.reattach_or_abort)
