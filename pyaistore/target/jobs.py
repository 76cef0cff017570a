"""A target's part of cluster-wide jobs: start one (as the gateway asks), report snapshots, abort.

The gateway has validated the request already; the checks here repeat only what this target
must see for itself (its bucket table, its running ETLs), so a refusal is a clear 4xx.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Final

from pyaistore.cluster.errors import EtlNotFound
from pyaistore.jobs import (
    archive_objects,
    bucket_summary,
    copy_bucket,
    kinds,
    multi_object,
    object_walk,
    rename_bucket,
)
from pyaistore.jobs.errors import InvalidJobRequest, NotStartable, UnknownKind
from pyaistore.jobs.job import Job
from pyaistore.jobs.node_ops import Transform
from pyaistore.jobs.transform_protocol import ObjectTransformer
from pyaistore.node_context import NodeContext
from pyaistore.target.job_ops import TargetObjects
from pyaistore.wire import jobs as kind_names
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.bucket_summary import SummaryMsg
from pyaistore.wire.job_snapshot import JobSnapshot
from pyaistore.wire.jobs import JobQuery, JobStartMsg
from pyaistore.wire.multi_object import ArchiveMsg, CopyOptions, MultiObjectMsg

__all__ = ["abort", "snapshots", "start"]

log = logging.getLogger(__name__)

# cleanup-store removes work files left this long ago (live appends are younger).
CLEANUP_AGE_S: Final = 3600.0

Body = Callable[[Job], Awaitable[None]]


def start(ctx: NodeContext, msg: JobStartMsg) -> Job:
    """Validate and start this target's part of a job; returns the running job."""
    info = kinds.KINDS.get(msg.kind)
    if info is None:
        raise UnknownKind(msg.kind)
    if not info.implemented:
        raise NotStartable(f"{msg.kind} jobs are not supported by this cluster")
    try:
        job, body = _plan(ctx, msg)
    except ValueError as exc:
        raise InvalidJobRequest(f"{msg.kind}: {exc}") from exc
    task = ctx.jobs.run(job, body)
    ctx.background.add(task)
    task.add_done_callback(ctx.background.discard)
    return job


def snapshots(ctx: NodeContext, query: JobQuery) -> list[JobSnapshot]:
    """Snapshots of this target's jobs matching the query (kind already resolved)."""
    jobs = ctx.jobs.find(query.job_id, query.kind, query.bucket, query.active_only)
    return [job.snapshot() for job in jobs]


def abort(ctx: NodeContext, query: JobQuery) -> list[str]:
    """Abort this target's running jobs matching the query; returns their IDs."""
    return [job.job_id for job in ctx.jobs.abort(query.job_id, query.kind)]


def _bucket(ctx: NodeContext, bucket: BucketId | None, what: str) -> BucketId:
    if bucket is None:
        raise InvalidJobRequest(f"missing {what} bucket")
    ctx.bucket_props(bucket)
    return bucket


def _plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, Body]:
    """The job record and its body for one start message."""
    ops = TargetObjects(ctx)
    kind = msg.kind
    if kind in (kind_names.COPY_BCK, kind_names.ETL_BCK):
        options = CopyOptions.from_json(msg.value, kind)
        src = _bucket(ctx, msg.bucket, "source")
        dst = (
            msg.dst_bucket
            if options.dry_run and msg.dst_bucket
            else _bucket(ctx, msg.dst_bucket, "destination")
        )
        transform = _transform(ctx, options) if kind == kind_names.ETL_BCK else None
        job = Job(msg.job_id, kind, src_bucket=src, dst_bucket=dst, force=options.force)
        return job, lambda j: copy_bucket.run(j, ops, src, dst, options, transform)
    if kind == kind_names.MOVE_BCK:
        src, dst = _bucket(ctx, msg.bucket, "source"), _bucket(ctx, msg.dst_bucket, "destination")
        return Job(msg.job_id, kind, src_bucket=src, dst_bucket=dst), lambda j: rename_bucket.run(
            j, ops, src, dst
        )
    if kind == kind_names.DELETE_LISTRANGE:
        bucket, multi = _bucket(ctx, msg.bucket, "source"), MultiObjectMsg.from_json(msg.value, kind)
        object_walk.check_selection(multi.selection)
        return Job(msg.job_id, kind, bucket=bucket), lambda j: multi_object.delete(j, ops, bucket, multi)
    if kind in (kind_names.COPY_LISTRANGE, kind_names.ETL_LISTRANGE):
        return _plan_copy_objects(ctx, msg, ops)
    if kind == kind_names.SUMMARY_BCK:
        bucket, summary = _bucket(ctx, msg.bucket, "source"), SummaryMsg.from_json(msg.value)
        return Job(msg.job_id, kind, bucket=bucket), lambda j: bucket_summary.run(
            j, ops, bucket, summary.prefix
        )
    if kind == kind_names.ARCHIVE:
        src, archive = _bucket(ctx, msg.bucket, "source"), ArchiveMsg.from_json(msg.value, kind)
        object_walk.check_selection(archive.selection)
        dst = _bucket(ctx, archive.to_bucket or src, "destination")
        job = Job(msg.job_id, kind, src_bucket=src, dst_bucket=dst)
        return job, lambda j: archive_objects.run(j, ops, src, archive)
    return _plan_housekeeping(ctx, msg)


def _plan_copy_objects(ctx: NodeContext, msg: JobStartMsg, ops: TargetObjects) -> tuple[Job, Body]:
    multi = MultiObjectMsg.from_json(msg.value, msg.kind)
    object_walk.check_selection(multi.selection)
    src = _bucket(ctx, msg.bucket, "source")
    if multi.to_bucket is None:
        raise InvalidJobRequest("missing destination bucket (tobck)")
    dst = multi.to_bucket if multi.copy.dry_run else _bucket(ctx, multi.to_bucket, "destination")
    transform = _transform(ctx, multi.copy) if msg.kind == kind_names.ETL_LISTRANGE else None
    job = Job(msg.job_id, msg.kind, src_bucket=src, dst_bucket=dst, force=multi.copy.force)
    return job, lambda j: multi_object.copy(j, ops, src, dst, multi, transform)


def _plan_housekeeping(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, Body]:
    """Startable maintenance kinds: what they mean for a cluster of ais buckets."""
    bucket = _bucket(ctx, msg.bucket, "") if msg.bucket else None
    job = Job(msg.job_id, msg.kind, bucket=bucket)
    if msg.kind == kind_names.CLEANUP_STORE:
        store = ctx.object_store

        async def cleanup(j: Job) -> None:
            removed = await asyncio.to_thread(store.cleanup_work, CLEANUP_AGE_S)
            j.counters.loc_objs += removed

        return job, cleanup

    async def nothing_to_do(_: Job) -> None:
        # lru evicts cached copies of remote objects, load-lom-cache warms a metadata cache:
        # an ais bucket has neither, and this target caches no metadata.
        return None

    return job, nothing_to_do


def _transform(ctx: NodeContext, options: CopyOptions) -> Transform:
    """The ETL pipeline a transform job names, looked up on this target (EtlNotFound if absent)."""
    if not options.etl_names:
        raise InvalidJobRequest("missing ETL name (id)")
    return copy_bucket.pipeline([_lookup(ctx, name) for name in options.etl_names])


def _lookup(ctx: NodeContext, name: str) -> ObjectTransformer:
    if ctx.etl_lookup is None:
        raise EtlNotFound(f"ETL {name} doesn't exist")
    try:
        return ctx.etl_lookup(name)
    except EtlNotFound:
        raise
    except Exception as exc:
        raise EtlNotFound(f"ETL {name} doesn't exist: {exc}") from exc
