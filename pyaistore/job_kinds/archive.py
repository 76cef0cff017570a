"""archive: a selection of objects into one shard (jobs reference §2.4).

Gateway: `PUT /v1/buckets/<b>` with an ArchiveMsg; the destination bucket must exist. Targets: the
owner of the shard's name builds it, streaming members from their owners in selection order.
After a primary restart the job is watched again if every target still holds its part, else
ended aborted.
"""

from pyaistore.cluster.errors import BadRequest
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import archive_objects, object_walk
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
from pyaistore.wire.multi_object import ArchiveMsg

__all__ = ["ARCHIVE"]


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Check an archive request and start the job."""
    bucket = request.bucket
    if bucket is None:
        raise BadRequest(f"{actions.ARCHIVE}: missing bucket")
    msg: ArchiveMsg = job_buckets.parsed(actions.ARCHIVE, ArchiveMsg.from_json, request.value)
    ctx.bucket_props(bucket)
    dst = msg.to_bucket or bucket
    ctx.bucket_props(dst)
    try:
        object_walk.check_selection(msg.selection)
    except InvalidJobRequest as exc:
        raise BadRequest(f"{actions.ARCHIVE}: {exc.message}") from exc
    return await cluster_jobs.start(ctx, ClusterJob(actions.ARCHIVE, bucket, dst, request.value))


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part: build the shard if it owns its name."""
    src, archive = require_bucket(ctx, msg.bucket, "source"), ArchiveMsg.from_json(msg.value, msg.kind)
    object_walk.check_selection(archive.selection)
    dst = require_bucket(ctx, archive.to_bucket or src, "destination")
    ops = TargetObjects(ctx)
    job = Job(msg.job_id, msg.kind, src_bucket=src, dst_bucket=dst)
    return job, lambda j: archive_objects.run(j, ops, src, archive)


ARCHIVE = JobKind(kinds.ARCHIVE, start, plan, (("PUT", actions.ARCHIVE),), job_recovery.reattach_or_abort)
