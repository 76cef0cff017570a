"""Bucket and multi-object jobs on the gateway: check the request as AIS does, then start the job.

copy-bck / etl-bck (§2.5): `bck_to` is required; copying an ais bucket onto itself needs a dry
run; a missing ais destination is created with the source's properties (and removed again if
no target takes the job). move-bck: ais to ais, the destination must differ (400) and must not
exist (409); see jobs/rename_bucket.py for the steps. Multi-object actions (§2.2) take their
selection and options from the action value; evict and prefetch are for remote buckets only.
"""

import copy
import time
from typing import Any

from pyaistore.cluster.errors import BadRequest, BucketAlreadyExists, BucketNotFound, NotSupported
from pyaistore.cluster.meta_owner import MetaOwner
from pyaistore.jobs import object_walk
from pyaistore.jobs import rename_bucket as renaming
from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.wire import actions
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import RENAMED_PROP
from pyaistore.wire.multi_object import ArchiveMsg, CopyOptions, MultiObjectMsg

__all__ = ["archive", "copy_bucket", "multi_object", "rename_bucket"]


def _owner(ctx: NodeContext) -> MetaOwner:
    if ctx.owner is None:
        raise NotSupported("bucket jobs go to the primary proxy")
    return ctx.owner


def _parsed(action: str, parse: Any, value: Any) -> Any:
    try:
        return parse(value, action)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc


def _require_local(bucket: BucketId, action: str) -> None:
    if bucket.is_remote:
        raise NotSupported(
            f"{action} {bucket.cname}: remote buckets need a backend for provider {bucket.provider!r}, "
            "and none is configured"
        )


def _cloned_props(table: BucketTable, src: BucketId, dst: BucketId) -> dict[str, Any]:
    """The source's properties for a new destination bucket (own ID and creation time)."""
    props = table.get(src)
    if props is None:
        raise BucketNotFound(src)
    props = copy.deepcopy(props)
    props.pop(RENAMED_PROP, None)
    props.update(provider=dst.provider, bid=str(table.version + 1), created=str(time.time_ns()))
    return props


def _destination_steps(ctx: NodeContext, src: BucketId, dst: BucketId, dry_run: bool) -> dict[str, Any]:
    """prepare/rollback that create a missing ais destination (cloning the source) and undo it."""
    if dry_run or ctx.meta.buckets.view(dst) is not None:
        return {}
    _require_local(dst, "create")
    owner = _owner(ctx)

    async def prepare() -> None:
        def add(table: BucketTable) -> BucketTable:
            if table.get(dst) is not None:
                return table  # created meanwhile by someone else: copy into it
            return table.with_bucket(dst, _cloned_props(table, src, dst))

        await owner.update_buckets(add)

    async def rollback() -> None:
        await owner.update_buckets(lambda table: table.without(dst))

    return {"prepare": prepare, "rollback": rollback}


async def copy_bucket(ctx: NodeContext, action: str, src: BucketId, dst: BucketId, value: Any) -> str:
    """copy-bck or etl-bck from `src` to `dst`; returns the job ID."""
    options: CopyOptions = _parsed(action, CopyOptions.from_json, value)
    ctx.bucket_props(src)
    if action == actions.ETL_BCK and not options.etl_name:
        raise BadRequest(f"{action} {src.cname}: missing ETL name (id)")
    if src == dst and not options.dry_run:
        raise BadRequest(f'cannot {action} bucket "{src.cname}" onto itself')
    steps = _destination_steps(ctx, src, dst, options.dry_run)
    plan = ClusterJob(action, src, dst, value, options.force, **steps)
    return await cluster_jobs.start(ctx, plan)


async def rename_bucket(ctx: NodeContext, src: BucketId, dst: BucketId) -> str:
    """move-bck `src` to `dst`; returns the job ID."""
    if src.is_remote:
        raise BadRequest(f"can only rename AIS ('ais://') bucket ({src.cname!r} is not)")
    if dst.is_remote:
        raise BadRequest(f"can only rename to AIS ('ais://') bucket ({dst.cname!r} is remote)")
    if src == dst:
        raise BadRequest(f"cannot rename bucket {src.cname!r} to itself ({dst.cname!r})")
    ctx.bucket_props(src)
    if ctx.meta.buckets.view(dst) is not None:
        raise BucketAlreadyExists(dst)
    owner = _owner(ctx)

    async def prepare() -> None:
        def begin(table: BucketTable) -> BucketTable:
            if table.get(dst) is not None:
                raise BucketAlreadyExists(dst)
            return renaming.begin(table, src, dst, _cloned_props(table, src, dst))

        await owner.update_buckets(begin)

    async def rollback() -> None:
        await owner.update_buckets(lambda table: renaming.finish(table.without(dst), src, False))

    async def finalize(succeeded: bool) -> None:
        await owner.update_buckets(lambda table: renaming.finish(table, src, succeeded))

    plan = ClusterJob(kinds.MOVE_BCK, src, dst, None, False, prepare, rollback, finalize)
    return await cluster_jobs.start(ctx, plan)


async def multi_object(ctx: NodeContext, action: str, bucket: BucketId, value: Any) -> str:
    """delete/evict/prefetch/copy/etl-listrange over a selection in `bucket`; returns the job ID."""
    if action in (actions.EVICT_LISTRANGE, actions.PREFETCH_LISTRANGE):
        _require_local(bucket, action)
        ctx.bucket_props(bucket)
        what = actions.EVICT_REMOTE_BCK if action == actions.EVICT_LISTRANGE else action
        raise BadRequest(f"{what}: expecting remote bucket (have {bucket.cname})")
    msg: MultiObjectMsg = _parsed(action, MultiObjectMsg.from_json, value)
    ctx.bucket_props(bucket)
    try:
        object_walk.check_selection(msg.selection)
    except InvalidJobRequest as exc:
        raise BadRequest(f"{action}: {exc.message}") from exc
    if action == actions.DELETE_LISTRANGE:
        return await cluster_jobs.start(ctx, ClusterJob(action, bucket, None, value))
    if msg.to_bucket is None:
        raise BadRequest(f"{action} {bucket.cname}: missing destination bucket (tobck)")
    if action == actions.ETL_LISTRANGE and not msg.copy.etl_name:
        raise BadRequest(f"{action} {bucket.cname}: missing ETL name (id)")
    steps = _destination_steps(ctx, bucket, msg.to_bucket, msg.copy.dry_run)
    plan = ClusterJob(action, bucket, msg.to_bucket, value, msg.copy.force, **steps)
    return await cluster_jobs.start(ctx, plan)


async def archive(ctx: NodeContext, bucket: BucketId, value: Any) -> str:
    """archive a selection of `bucket` into one shard; returns the job ID."""
    msg: ArchiveMsg = _parsed(actions.ARCHIVE, ArchiveMsg.from_json, value)
    ctx.bucket_props(bucket)
    dst = msg.to_bucket or bucket
    ctx.bucket_props(dst)
    try:
        object_walk.check_selection(msg.selection)
    except InvalidJobRequest as exc:
        raise BadRequest(f"{actions.ARCHIVE}: {exc.message}") from exc
    return await cluster_jobs.start(ctx, ClusterJob(actions.ARCHIVE, bucket, dst, value))
