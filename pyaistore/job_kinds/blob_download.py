"""blob-download: one remote object fetched into the cluster by a job on its owner target.

Gateway: `POST /v1/objects/<b>` action `blob-download` (the object's name in the action's name)
for a remote bucket, or an ais bucket with a backend; an ais bucket gets AIS's 400 (`blob-download:
expecting remote bucket`). The job runs on the object's HRW owner alone, which fetches the object
as a cold GET does (one stream: `chunk-size` and `num-workers` are checked as AIS checks them and
otherwise not used), unless it is stored already (and current, with `latest-ver`).
"""

from pyaistore.cluster import placement
from pyaistore.cluster.errors import BadRequest
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs, job_buckets, job_recovery, remote_buckets
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.target.job_ops import TargetObjects
from pyaistore.target.jobs import require_bucket
from pyaistore.wire import actions
from pyaistore.wire import jobs as kinds
from pyaistore.wire.blob_download import BlobDownloadMsg
from pyaistore.wire.jobs import JobStartMsg

__all__ = ["BLOB_DOWNLOAD"]


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Check a blob download and start it on the object's owner."""
    bucket = request.bucket
    if bucket is None:
        raise BadRequest(f"{actions.BLOB_DOWNLOAD}: missing bucket")
    ctx.bucket_props(bucket)
    if not remote_buckets.is_remote(ctx, bucket):
        raise BadRequest(f"{actions.BLOB_DOWNLOAD}: expecting remote bucket (have {bucket.cname})")
    msg: BlobDownloadMsg = job_buckets.parsed(
        actions.BLOB_DOWNLOAD, lambda value, _: BlobDownloadMsg.from_json(value, request.name), request.value
    )
    owner = placement.owner(ctx.smap, bucket, msg.object_name)
    plan = ClusterJob(kinds.BLOB_DOWNLOAD, bucket, None, msg.to_json(), node=owner.daemon_id)
    return await cluster_jobs.start(ctx, plan)


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """The owner's part: fetch the object unless it is stored (and current, with `latest-ver`)."""
    bucket = require_bucket(ctx, msg.bucket, "source")
    blob = BlobDownloadMsg.from_json(msg.value)
    ops = TargetObjects(ctx)

    async def body(job: Job) -> None:
        fetched = await ops.fetch(bucket, blob.object_name, blob.latest)
        if fetched is not None:
            job.counters.add_local(fetched)

    return Job(msg.job_id, msg.kind, bucket=bucket), body


BLOB_DOWNLOAD = JobKind(
    kinds.BLOB_DOWNLOAD,
    start,
    plan,
    recover=job_recovery.reattach_or_abort,
    object_actions=(actions.BLOB_DOWNLOAD,),
)
