"""Cluster-wide jobs on the gateway: one ID, started on every target (or on the one a
single-node job names), watched to the end, stopped.

1. The gateway registers its own record of the job (conflict rules apply here, cluster-wide),
   hidden from queries until it is persisted.
2. An optional `prepare` step changes cluster metadata (e.g. creates the destination bucket).
3. Every target is asked to start its part (internal jobs endpoint). If any refuses, the others
   are stopped, `rollback` undoes step 2, and the refusal is the client's answer.
4. A watcher polls the targets until every part has finished, runs `finalize(succeeded)` (e.g.
   drops a renamed bucket) and only then marks the record finished: clients never see a job
   done before its last step.

The record is persisted too (`proxy/job_records.py`): written before step 2, so that a primary
that dies at any later point finds it at its next start (`proxy/job_recovery.py`), and written
again when the job ends. A watcher cancelled because the primary stops leaves it running.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from pyaistore.cluster import cluster_map
from pyaistore.cluster.errors import NodeNotFound, NoTargets, PeerFailed, PeerRejected
from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import error_text, new_job_id
from pyaistore.node_context import NodeContext
from pyaistore.proxy import job_records
from pyaistore.proxy.job_records import JobRecord
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.job_snapshot import JobSnapshot
from pyaistore.wire.jobs import USER_ABORT, JobQuery, JobStartMsg, is_valid_id
from pyaistore.wire.messages import Snode

__all__ = ["ClusterJob", "Finalize", "Step", "start", "stop", "stop_on", "watch"]

log = logging.getLogger(__name__)

FIRST_POLL_S: Final = 0.02
MAX_POLL_S: Final = 0.5

Step = Callable[[], Awaitable[None]]
Finalize = Callable[[bool], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ClusterJob:
    """What to start: the kind, its buckets and action value, and the gateway's own steps."""

    kind: str
    bucket: BucketId | None = None
    dst_bucket: BucketId | None = None
    value: Any = None
    force: bool = False
    prepare: Step | None = None
    rollback: Step | None = None
    finalize: Finalize | None = None
    # A job ID the kind names itself (a rebalance is g<N>); empty: a fresh one.
    job_id: str = ""
    # The one target a single-node job runs on (a resilver); empty: every target.
    node: str = ""


async def start(ctx: NodeContext, plan: ClusterJob) -> str:
    """Start the job on every target (or `plan.node`) and return its ID (steps 1-4 above)."""
    if plan.node:
        node = ctx.smap.targets.get(plan.node)
        if node is None:
            raise NodeNotFound(
                f"{ctx.node.display_name}: node {plan.node} not present in smap v{ctx.smap.version}"
            )
        targets = [node]
    else:
        targets = cluster_map.working_targets(ctx.smap)
    if not targets:
        raise NoTargets()
    job_id = plan.job_id or new_job_id()
    job = Job(job_id, plan.kind, src_bucket=plan.bucket, dst_bucket=plan.dst_bucket, force=plan.force)
    job.listed = False  # registered now (the conflict rules), shown once recorded
    ctx.jobs.add(job)
    msg = JobStartMsg(job.job_id, plan.kind, plan.bucket, plan.dst_bucket, plan.value, plan.force)
    record = JobRecord.started(job, msg, tuple(t.daemon_id for t in targets))
    try:
        await job_records.save(ctx, record)
        job.listed = True
        if plan.prepare is not None:
            await plan.prepare()
        await _start_everywhere(ctx, targets, msg, plan.rollback)
    except BaseException as exc:
        job.add_error(error_text(exc))
        job.finish()
        if isinstance(exc, Exception):  # cancelled: the node stops, the next start recovers it
            await _save_end(ctx, job, record)
        raise
    watch(ctx, job, record, targets, plan.finalize)
    return job.job_id


def watch(
    ctx: NodeContext, job: Job, record: JobRecord, targets: list[Snode], finalize: Finalize | None
) -> None:
    """Watch the job's parts on `targets` in the background (step 4), then persist its end."""
    task = asyncio.create_task(_watch(ctx, job, record, targets, finalize), name=f"watch {job!r}")
    ctx.background.add(task)
    task.add_done_callback(ctx.background.discard)


async def _start_everywhere(
    ctx: NodeContext, targets: list[Snode], msg: JobStartMsg, rollback: Step | None
) -> None:
    results = await asyncio.gather(*(_start_on(ctx, t, msg) for t in targets), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    if not failures:
        return
    await stop_on(ctx, targets, JobQuery(job_id=msg.job_id), USER_ABORT)
    if rollback is not None:
        await rollback()
    # A deterministic refusal (4xx) is the better answer than a node that did not reply.
    refusals = [f for f in failures if isinstance(f, PeerRejected)]
    raise (refusals or failures)[0]


async def _start_on(ctx: NodeContext, node: Snode, msg: JobStartMsg) -> None:
    await ctx.peer_api.start_job(node, msg)


async def stop_on(ctx: NodeContext, targets: list[Snode], query: JobQuery, reason: str) -> None:
    """Abort matching jobs on the targets (best effort: an unreachable target is logged)."""
    replies = await asyncio.gather(
        *(ctx.peer_api.stop_jobs(t, query) for t in targets), return_exceptions=True
    )
    for node, reply in zip(targets, replies, strict=True):
        if isinstance(reply, BaseException):
            log.warning("could not stop %s on %s: %s", query.job_id or query.kind, node.display_name, reply)


async def stop(ctx: NodeContext, query: JobQuery, reason: str = USER_ABORT) -> None:
    """Abort every matching job on every target and the gateway's records of them.

    As in AIS, an ID no node knows stops nothing and is no error; one that cannot be a job ID is
    refused (InvalidJobRequest).
    """
    if query.job_id and not is_valid_id(query.job_id):
        raise InvalidJobRequest(f'invalid xaction (job) UUID "{query.job_id}"')
    await stop_on(ctx, cluster_map.working_targets(ctx.smap), query, reason)
    ctx.jobs.abort(query.job_id, query.kind, reason)


async def _watch(
    ctx: NodeContext, job: Job, record: JobRecord, targets: list[Snode], finalize: Finalize | None
) -> None:
    """Wait for every target's part, then run the last step and finish the gateway's record.

    Cancelled (the primary stops), it leaves the persisted record running for the next start.
    """
    try:
        parts = await _wait_for_parts(ctx, job, targets)
        for snap in parts:
            if snap.err:
                job.add_error(snap.err)
            if snap.aborted:
                job.abort(snap.abort_err or USER_ABORT)
        if finalize is not None:
            await finalize(not job.aborted and not job.error_count)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.exception("%r: watching the job failed", job)
        job.add_error(error_text(exc))
    job.finish()
    await _save_end(ctx, job, record)


async def _save_end(ctx: NodeContext, job: Job, record: JobRecord) -> None:
    """Persist the end of a job (a failure to write is logged: the job has ended regardless)."""
    try:
        await job_records.save(ctx, record.ended(job))
    except Exception:
        log.exception("%r: could not persist the end of the job", job)


async def _wait_for_parts(ctx: NodeContext, job: Job, targets: list[Snode]) -> list[JobSnapshot]:
    """Poll the targets until each has finished its part (or gone idle, done with its work); a target
    that lost it counts as failed."""
    pause = FIRST_POLL_S
    pending = {t.daemon_id: t for t in targets}
    done: list[JobSnapshot] = []
    query = JobQuery(job_id=job.job_id)
    while pending:
        await asyncio.sleep(pause)
        pause = min(pause * 1.5, MAX_POLL_S)
        for node_id, node in list(pending.items()):
            if node_id not in ctx.smap.targets:
                job.add_error(f"{node.display_name} left the cluster during the job")
                del pending[node_id]
                continue
            try:
                snaps = await ctx.peer_api.query_jobs(node, query)
            except PeerRejected:
                snaps = []
            except PeerFailed:
                continue  # down for now: keepalives decide whether it left
            if not snaps:
                job.add_error(f"{node.display_name} lost its part of the job (restarted?)")
                del pending[node_id]
                continue
            if snaps[0].finished or snaps[0].is_idle:  # idle: its work is done (demand-based kinds)
                done.append(snaps[0])
                del pending[node_id]
    return done
