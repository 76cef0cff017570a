"""prefetch-listrange, evict-listrange and evict-remote-bck: the cluster's copies of a remote
bucket's objects (reference "Prefetch", "Evict").

Gateway: for a remote bucket (or an ais bucket with a backend bucket) the selection is checked
and the job started on every target; an ais bucket gets AIS's 400 (`prefetch-listrange:
expecting remote bucket (have ais://b)`, `evict-remote-bck: ...` for evictions). A negative
`blob-threshold` is refused; a positive one is accepted and objects are fetched whole (no blob
downloader). evict-remote-bck is started by the bucket eviction itself
(proxy/remote_buckets.py), not by a bucket action. Targets: jobs/remote_objects.py.
"""

from typing import Final

from pyaistore.cluster.errors import BadRequest
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import object_walk, remote_objects
from pyaistore.jobs.errors import InvalidJobRequest
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
from pyaistore.wire.multi_object import MultiObjectMsg

__all__ = ["EVICT_LISTRANGE", "EVICT_REMOTE_BCK", "PREFETCH_LISTRANGE"]

BLOB_THRESHOLD: Final = "blob-threshold"


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Check a prefetch or evict request and start the job (AIS's 400 for an ais bucket)."""
    action, bucket = request.action, request.bucket
    if bucket is None:
        raise BadRequest(f"{action}: missing bucket")
    ctx.bucket_props(bucket)
    if not remote_buckets.is_remote(ctx, bucket):
        what = actions.EVICT_REMOTE_BCK if action == actions.EVICT_LISTRANGE else action
        raise BadRequest(f"{what}: expecting remote bucket (have {bucket.cname})")
    msg: MultiObjectMsg = job_buckets.parsed(action, MultiObjectMsg.from_json, request.value)
    try:
        object_walk.check_selection(msg.selection)
    except InvalidJobRequest as exc:
        raise BadRequest(f"{action}: {exc.message}") from exc
    threshold = request.value.get(BLOB_THRESHOLD) if isinstance(request.value, dict) else None
    if isinstance(threshold, int) and threshold < 0:
        raise BadRequest(f"{action}: invalid {BLOB_THRESHOLD} {threshold} (must not be negative)")
    return await cluster_jobs.start(ctx, ClusterJob(action, bucket, None, request.value))


def plan_prefetch(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part of a prefetch: fetch the objects it owns."""
    bucket = require_bucket(ctx, msg.bucket, "source")
    multi = MultiObjectMsg.from_json(msg.value, msg.kind)
    object_walk.check_selection(multi.selection)
    ops = TargetObjects(ctx)
    return Job(msg.job_id, msg.kind, bucket=bucket), lambda j: remote_objects.prefetch(j, ops, bucket, multi)


def plan_evict(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part of an eviction: drop its copies of the selection."""
    bucket = require_bucket(ctx, msg.bucket, "source")
    multi = MultiObjectMsg.from_json(msg.value, msg.kind)
    object_walk.check_selection(multi.selection)
    ops = TargetObjects(ctx)
    return Job(msg.job_id, msg.kind, bucket=bucket), lambda j: remote_objects.evict(j, ops, bucket, multi)


async def start_evict_bucket(ctx: NodeContext, request: JobRequest) -> str:
    """Not started by a bucket action: a bucket eviction with keep_bck_md starts it."""
    raise BadRequest(f"{request.action}: evict a bucket with DELETE /v1/buckets/<b> action evict-remote-bck")


def plan_evict_bucket(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part of a bucket eviction: drop all its copies of the bucket's objects."""
    bucket = require_bucket(ctx, msg.bucket, "source")
    ops = TargetObjects(ctx)
    return Job(msg.job_id, msg.kind, bucket=bucket), lambda j: remote_objects.evict_bucket(j, ops, bucket)


PREFETCH_LISTRANGE = JobKind(
    kinds.PREFETCH_LISTRANGE,
    start,
    plan_prefetch,
    (("POST", actions.PREFETCH_LISTRANGE),),
    job_recovery.reattach_or_abort,
)
EVICT_LISTRANGE = JobKind(
    kinds.EVICT_LISTRANGE,
    start,
    plan_evict,
    (("DELETE", actions.EVICT_LISTRANGE),),
    job_recovery.reattach_or_abort,
)
EVICT_REMOTE_BCK = JobKind(kinds.EVICT_REMOTE_BCK, start_evict_bucket, plan_evict_bucket)
