"""promote: files on the targets' file system become objects of a bucket (`POST /v1/objects/<b>`).

Gateway: checks the action value as AIS does (a clean absolute source under the promote root, a
known target when one is named, the `name` of the action equal to the source) and starts the
job on the named target, else on every target. Targets: each checks that the source is there
(a directory or a regular file; else the start is refused, 400) and promotes its files
(jobs/promote_files.py). Only buckets whose objects live in this cluster take promoted files: a
remote bucket, or one with a backend, answers 501. The reply is the job's ID; after a primary
restart the job is watched again if its targets still hold their parts.
"""

from pyaistore.cluster.errors import BadRequest, NotSupported
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import promote_files
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs, job_buckets, job_recovery, remote_buckets
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.target.job_ops import TargetObjects
from pyaistore.target.jobs import require_bucket
from pyaistore.wire import actions
from pyaistore.wire import jobs as kinds
from pyaistore.wire.jobs import JobStartMsg
from pyaistore.wire.promote import PromoteMsg, source_problem

__all__ = ["PROMOTE"]


def _check(ctx: NodeContext, request: JobRequest) -> PromoteMsg:
    """The promote request's value, checked (400 malformed, 404 unknown bucket, 501 not local)."""
    bucket = request.bucket
    if bucket is None:
        raise BadRequest(f"{actions.PROMOTE}: missing bucket")
    msg: PromoteMsg = job_buckets.parsed(
        actions.PROMOTE, lambda value, _: PromoteMsg.from_json(value), request.value
    )
    if request.name and request.name != msg.source:
        raise BadRequest(
            f"{actions.PROMOTE}: the action's name {request.name!r} differs from its source {msg.source!r}"
        )
    problem = source_problem(msg.source, ctx.config.promote_root)
    if problem:
        raise BadRequest(f"{actions.PROMOTE}: {problem}")
    ctx.bucket_props(bucket)
    if remote_buckets.is_remote(ctx, bucket):
        raise NotSupported(
            f"{actions.PROMOTE} into {bucket.cname}: a bucket with a backend is not supported yet"
        )
    return msg


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Check a promote request and start the job on the named target, or on every target."""
    msg = _check(ctx, request)
    plan = ClusterJob(kinds.PROMOTE, request.bucket, None, msg.to_json(), node=msg.target_id)
    return await cluster_jobs.start(ctx, plan)


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part: the files it takes of a source it can read."""
    bucket = require_bucket(ctx, msg.bucket, "destination")
    promote = PromoteMsg.from_json(msg.value)
    problem = source_problem(promote.source, ctx.config.promote_root)
    if problem:
        raise ValueError(problem)
    promote_files.check_source(promote)
    every_file = bool(promote.target_id) or promote.not_file_share
    job = Job(msg.job_id, msg.kind, bucket=bucket)
    return job, lambda j: promote_files.run(j, TargetObjects(ctx), bucket, promote, every_file)


PROMOTE = JobKind(
    kinds.PROMOTE, start, plan, recover=job_recovery.reattach_or_abort, object_actions=(actions.PROMOTE,)
)
