"""The registry of job kinds this cluster runs: the only dispatcher of job starts and target plans.

A new kind is one entry here plus its module in this package. Kinds AIS has but this cluster
does not run stay in jobs/kinds.py's table (display names, flags) with no entry here: starting
one answers 501. At a primary's startup, `recover_jobs` hands each job its persisted record says
was running to its kind's `recover`.
"""

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from pyaistore.job_kinds import (
    archive,
    blob_download,
    bucket_copy,
    bucket_rename,
    bucket_summary,
    dsort,
    ec_encode,
    get_batch,
    housekeeping,
    make_n_copies,
    promote,
    rebalance,
    remote_cache,
    resilver,
)
from pyaistore.job_kinds import multi_object as multi
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import kinds
from pyaistore.jobs.errors import InvalidJobRequest, NotStartable, UnknownKind
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody, error_text
from pyaistore.node_context import NodeContext
from pyaistore.proxy import job_recovery
from pyaistore.proxy.job_records import JobRecord
from pyaistore.wire.jobs import JobQuery, JobStartMsg

__all__ = ["KINDS", "bucket_action", "objects_action", "plan", "recover", "recover_jobs", "start_kind"]

log = logging.getLogger(__name__)

KINDS: Final[Mapping[str, JobKind]] = MappingProxyType(
    {
        entry.kind: entry
        for entry in (
            bucket_copy.COPY_BCK,
            bucket_copy.ETL_BCK,
            bucket_rename.MOVE_BCK,
            multi.DELETE_LISTRANGE,
            multi.COPY_LISTRANGE,
            multi.ETL_LISTRANGE,
            remote_cache.EVICT_LISTRANGE,
            remote_cache.PREFETCH_LISTRANGE,
            remote_cache.EVICT_REMOTE_BCK,
            archive.ARCHIVE,
            bucket_summary.SUMMARY_BCK,
            housekeeping.LRU,
            housekeeping.CLEANUP_STORE,
            housekeeping.LOAD_LOM_CACHE,
            rebalance.REBALANCE,
            resilver.RESILVER,
            make_n_copies.MAKE_N_COPIES,
            ec_encode.EC_ENCODE,
            get_batch.GET_BATCH,
            dsort.DSORT,
            promote.PROMOTE,
            blob_download.BLOB_DOWNLOAD,
        )
    }
)

_BY_ACTION: Final[Mapping[tuple[str, str], JobKind]] = MappingProxyType(
    {pair: entry for entry in KINDS.values() for pair in entry.bucket_actions}
)


_BY_OBJECTS_ACTION: Final[Mapping[str, JobKind]] = MappingProxyType(
    {action: entry for entry in KINDS.values() for action in entry.object_actions}
)


def bucket_action(method: str, action: str) -> JobKind | None:
    """The kind a bucket action starts (`POST|DELETE|PUT /v1/buckets/<b>`), or None."""
    return _BY_ACTION.get((method, action))


def objects_action(action: str) -> JobKind | None:
    """The kind an action of `POST /v1/objects/<b>` starts (promote), or None."""
    return _BY_OBJECTS_ACTION.get(action)


async def start_kind(ctx: NodeContext, query: JobQuery, force: bool) -> str:
    """`PUT /v1/cluster` start: a job of a startable kind (by kind or display name)."""
    kind = kinds.resolve(query.kind)
    if kind is None:
        raise UnknownKind(query.kind)
    info = kinds.KINDS[kind]
    if not info.startable:
        raise InvalidJobRequest(f"cannot start {kind}: not a startable job kind")
    entry = KINDS.get(kind)
    if entry is None:
        raise NotStartable(f"cannot start {kind}: not supported by this cluster")
    bucket = query.bucket or (query.buckets[0] if query.buckets else None)
    if bucket is None and info.scope == kinds.BUCKET:
        raise InvalidJobRequest(f"cannot start {kind}: a bucket is required")
    node = query.daemon_id or query.node
    return await entry.start(ctx, JobRequest(kind, bucket, None, force=force, node=node))


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's job record and body for a start message from the gateway."""
    entry = KINDS.get(msg.kind)
    if entry is None:
        if msg.kind in kinds.KINDS:
            raise NotStartable(f"{msg.kind} jobs are not supported by this cluster")
        raise UnknownKind(msg.kind)
    try:
        return entry.plan(ctx, msg)
    except ValueError as exc:
        raise InvalidJobRequest(f"{msg.kind}: {exc}") from exc


async def recover(ctx: NodeContext, record: JobRecord) -> None:
    """A job found running after a primary restart: its kind's recovery (default: ended aborted)."""
    entry = KINDS.get(record.kind)
    if entry is not None and entry.recover is not None:
        await entry.recover(ctx, record)
    else:
        await job_recovery.abort_on_restart(ctx, record)


async def recover_jobs(ctx: NodeContext) -> None:
    """Primary startup: bring the persisted job records back, recovering each one still running.

    A recovery that fails ends its job aborted with the error; the others go on.
    """
    for record in await job_recovery.load(ctx):
        try:
            await recover(ctx, record)
        except Exception as exc:
            log.exception("recovering %s[%s] failed", record.kind, record.job_id)
            reason = f"{job_recovery.PRIMARY_RESTARTED}; recovery failed: {error_text(exc)}"
            try:
                await job_recovery.end(ctx, record, reason, aborted=True)
            except Exception:
                log.exception("could not end %s[%s]", record.kind, record.job_id)
