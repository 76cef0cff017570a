"""move-bck: rename an ais bucket (see jobs/rename_bucket.py for the steps).

Gateway: ais to ais only, the destination must differ (400) and must not exist (409); prepare adds
the new bucket and marks the old one, rollback undoes that, finalize drops the old bucket (or
only clears the mark after an error or abort). Targets: each copies what it holds to the new name.
After a primary restart a rename found running is resumed (see `recover`).
"""

from pyaistore.cluster.errors import BadRequest, BucketAlreadyExists
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import rename_bucket as renaming
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs, job_buckets, job_recovery
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.proxy.job_records import JobRecord
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.target.job_ops import TargetObjects
from pyaistore.target.jobs import require_bucket
from pyaistore.wire import actions
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import RENAMED_PROP, JobStartMsg

__all__ = ["MOVE_BCK", "finish_rename", "recover", "undo_rename"]


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
        await undo_rename(ctx, src, dst)

    async def finalize(succeeded: bool) -> None:
        await finish_rename(ctx, src, succeeded)

    job_plan = ClusterJob(kinds.MOVE_BCK, src, dst, None, False, prepare, rollback, finalize)
    return await cluster_jobs.start(ctx, job_plan)


async def finish_rename(ctx: NodeContext, src: BucketId, succeeded: bool) -> None:
    """The rename's last step: drop the old bucket, or only clear its mark."""
    await job_buckets.meta_owner(ctx).update_buckets(lambda table: renaming.finish(table, src, succeeded))


async def undo_rename(ctx: NodeContext, src: BucketId, dst: BucketId) -> None:
    """Not renamed after all: the new bucket removed, the old one unmarked (it was never touched)."""
    owner = job_buckets.meta_owner(ctx)
    await owner.update_buckets(lambda table: renaming.finish(table.without(dst), src, False))


async def recover(ctx: NodeContext, record: JobRecord) -> None:
    """A rename the primary's record says was running at its restart: resumed, never left half done.

    The bucket table tells how far it got. The old bucket marked and the new one there: under
    way. The parts the targets still hold are watched again, the lost ones (restarted targets)
    start again with the same ID (copying is idempotent, and the old objects stay until the
    end), and the last step runs when all have ended; if a part cannot start again, the rename
    is undone. The old bucket gone and the new one there: the last step had run, the job is
    finished. Anything else: it had not begun, or had been undone or had failed; the old bucket
    stays as it is (unmarked) and the job ends aborted.
    """
    src, dst = record.msg.bucket, record.msg.dst_bucket
    if src is None or dst is None:
        await job_recovery.abort_on_restart(ctx, record)
        return
    old, new = ctx.meta.buckets.view(src), ctx.meta.buckets.view(dst)
    marked = old is not None and old.get(RENAMED_PROP) == dst.uname
    if marked and new is not None:

        async def finalize(succeeded: bool) -> None:
            await finish_rename(ctx, src, succeeded)

        async def undo() -> None:
            await undo_rename(ctx, src, dst)

        await job_recovery.resume(ctx, record, finalize, undo)
    elif old is None and new is not None:
        await job_recovery.end(ctx, record)
    else:
        if marked:
            await finish_rename(ctx, src, False)
        reason = f"{job_recovery.PRIMARY_RESTARTED}; the rename was not under way ({src.cname} kept)"
        await job_recovery.end_aborted(ctx, record, reason)


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part: copy what it holds of the old bucket to the new name."""
    src = require_bucket(ctx, msg.bucket, "source")
    dst = require_bucket(ctx, msg.dst_bucket, "destination")
    ops = TargetObjects(ctx)
    job = Job(msg.job_id, msg.kind, src_bucket=src, dst_bucket=dst)
    return job, lambda j: renaming.run(j, ops, src, dst)


MOVE_BCK = JobKind(kinds.MOVE_BCK, start, plan, (("POST", actions.MOVE_BCK),), recover)
