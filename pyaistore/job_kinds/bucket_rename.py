"""move-bck: rename an ais bucket (see jobs/rename_bucket.py for the steps).

Gateway: ais to ais only, the destination must differ (400) and must not exist (409); prepare adds
the new bucket and marks the old one, rollback undoes that, finalize drops the old bucket (or
only clears the mark after an error or abort). Targets: each copies what it holds to the new name.
"""

from pyaistore.cluster.errors import BadRequest, BucketAlreadyExists
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import rename_bucket as renaming
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs, job_buckets
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.target.job_ops import TargetObjects
from pyaistore.target.jobs import require_bucket
from pyaistore.wire import actions
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import JobStartMsg

__all__ = ["MOVE_BCK", "finish_rename"]


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Check a rename, add the new bucket and mark the old one, start the job."""
    src, dst = request.bucket, request.dst_bucket
    if src is None or dst is None:
        raise BadRequest(f"{actions.MOVE_BCK}: missing bck_to")
    if src.is_remote:
        raise BadRequest(f"can only rename AIS ('ais://') bucket ({src.cname!r} is not)")
    if dst.is_remote:
        raise BadRequest(f"can only rename to AIS ('ais://') bucket ({dst.cname!r} is remote)")
    if src == dst:
        raise BadRequest(f"cannot rename bucket {src.cname!r} to itself ({dst.cname!r})")
    ctx.bucket_props(src)
    if ctx.meta.buckets.view(dst) is not None:
        raise BucketAlreadyExists(dst)
    owner = job_buckets.meta_owner(ctx)

    async def prepare() -> None:
        def begin(table: BucketTable) -> BucketTable:
            if table.get(dst) is not None:
                raise BucketAlreadyExists(dst)
            return renaming.begin(table, src, dst, job_buckets.cloned_props(table, src, dst))

        await owner.update_buckets(begin)

    async def rollback() -> None:
        await owner.update_buckets(lambda table: renaming.finish(table.without(dst), src, False))

    async def finalize(succeeded: bool) -> None:
        await finish_rename(ctx, src, succeeded)

    job_plan = ClusterJob(kinds.MOVE_BCK, src, dst, None, False, prepare, rollback, finalize)
    return await cluster_jobs.start(ctx, job_plan)


async def finish_rename(ctx: NodeContext, src: BucketId, succeeded: bool) -> None:
    """The rename's last step: drop the old bucket, or only clear its mark."""
    await job_buckets.meta_owner(ctx).update_buckets(lambda table: renaming.finish(table, src, succeeded))


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part: copy what it holds of the old bucket to the new name."""
    src = require_bucket(ctx, msg.bucket, "source")
    dst = require_bucket(ctx, msg.dst_bucket, "destination")
    ops = TargetObjects(ctx)
    job = Job(msg.job_id, msg.kind, src_bucket=src, dst_bucket=dst)
    return job, lambda j: renaming.run(j, ops, src, dst)


MOVE_BCK = JobKind(kinds.MOVE_BCK, start, plan, (("POST", actions.MOVE_BCK),))
