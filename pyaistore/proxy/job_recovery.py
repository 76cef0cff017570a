"""Cluster jobs across a restart of the primary: the steps each kind's recovery is made of.

At startup, before the primary turns ready, `job_kinds/registry.py` reads the persisted records
back (`load`): finished ones are registered again, so queries answer for them as before; each
one still running is handed to its kind's `recover`, built from these steps:

- `find_parts`: which of the job's targets still hold their part (running or finished): those
  did not restart; the others lost it (a restarted target forgets its jobs) or left the map;
- `reattach`: watch the parts again under the same ID, so the job's last step runs when they end;
- `resume`: start the lost parts again with the same ID (for kinds whose work is idempotent),
  then reattach; undo the job's metadata if a part cannot start again;
- `end_aborted`: stop whatever parts still run and end the record aborted, with the reason as
  the job's error (queries then show it, and the SDK's waits end with a failure).

`reattach_or_abort` (copies, multi-object jobs, archives) and `abort_on_restart` (everything
else) are complete recoveries; a rename resumes (job_kinds/bucket_rename.py), a rebalance is
aborted and a new generation started (proxy/rebalance.py).
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Final

from pyaistore.cluster.errors import PeerFailed, PeerRejected
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import error_text
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs, job_records
from pyaistore.proxy.cluster_jobs import Finalize, Step
from pyaistore.proxy.job_records import JobRecord
from pyaistore.wire.jobs import JobQuery
from pyaistore.wire.messages import Snode

__all__ = [
    "PRIMARY_RESTARTED",
    "Parts",
    "abort_on_restart",
    "end",
    "end_aborted",
    "find_parts",
    "load",
    "reattach",
    "reattach_or_abort",
    "resume",
    "revive",
]

log = logging.getLogger(__name__)

# The reason every recovered job that did not go on reports (as AIS words an abort, lowercase).
PRIMARY_RESTARTED: Final = "primary restarted"


@dataclass(frozen=True, slots=True)
class Parts:
    """Where a recovered job's parts stand: targets holding theirs, and those without one."""

    held: list[Snode]
    # Targets of the map that lost their part (restarted), as nodes to start it on again.
    lost: list[Snode]
    # Display names (or IDs) of the job's targets the map no longer holds.
    gone: list[str]

    @property
    def missing_names(self) -> list[str]:
        """Every target without its part, by name."""
        return [n.display_name for n in self.lost] + self.gone


async def load(ctx: NodeContext) -> list[JobRecord]:
    """Read the persisted records; register the finished ones again; return those still running."""
    running = []
    for record in await job_records.load(ctx):
        if record.running:
            running.append(record)
        elif ctx.jobs.get(record.job_id) is None:
            ctx.jobs.restore(record.revive())
    return running


def revive(ctx: NodeContext, record: JobRecord) -> Job:
    """The gateway's in-memory job of a recovered record (registered once)."""
    return ctx.jobs.get(record.job_id) or ctx.jobs.restore(record.revive())


async def find_parts(ctx: NodeContext, record: JobRecord) -> Parts:
    """Ask each of the job's targets whether it still holds its part."""
    targets = ctx.smap.targets
    nodes = [targets[t] for t in record.targets if t in targets]
    gone = [t for t in record.targets if t not in targets]
    held = await asyncio.gather(*(_holds(ctx, node, record.job_id) for node in nodes))
    return Parts(
        [n for n, has in zip(nodes, held, strict=True) if has],
        [n for n, has in zip(nodes, held, strict=True) if not has],
        gone,
    )


async def _holds(ctx: NodeContext, node: Snode, job_id: str) -> bool:
    """True when `node` knows the job (a target that did not answer is taken to have lost it)."""
    try:
        return bool(await ctx.peer_api.query_jobs(node, JobQuery(job_id=job_id)))
    except (PeerFailed, PeerRejected) as exc:
        log.warning("recovering job %s: %s", job_id, exc)
        return False


def reattach(ctx: NodeContext, record: JobRecord, nodes: list[Snode], finalize: Finalize | None) -> Job:
    """Watch the parts on `nodes` again; `finalize` runs when they have all ended."""
    job = revive(ctx, record)
    log.info("recovered %r: watching its parts on %s again", job, [n.display_name for n in nodes])
    cluster_jobs.watch(ctx, job, record, nodes, finalize)
    return job


async def resume(ctx: NodeContext, record: JobRecord, finalize: Finalize | None, undo: Step | None) -> None:
    """Start the lost parts again (same ID), then watch every part; if the job cannot go on
    (a target left, or refuses), stop it, run `undo` and end it with the error."""
    parts = await find_parts(ctx, record)
    failure = ""
    if parts.gone:
        failure = f"{', '.join(parts.gone)} left the cluster"
    elif parts.lost:
        log.info("recovered job %s: starting its parts on %s again", record.job_id, parts.missing_names)
        results = await asyncio.gather(
            *(ctx.peer_api.start_job(node, record.msg) for node in parts.lost), return_exceptions=True
        )
        failure = "; ".join(error_text(r) for r in results if isinstance(r, BaseException))
    if not failure:
        reattach(ctx, record, parts.held + parts.lost, finalize)
        return
    await _stop(ctx, record)
    if undo is not None:
        await undo()
    await end(ctx, record, f"{PRIMARY_RESTARTED}; could not resume: {failure}", aborted=True)


async def reattach_or_abort(ctx: NodeContext, record: JobRecord) -> None:
    """Watch the parts again when every target still holds its part; else end the job aborted."""
    parts = await find_parts(ctx, record)
    if parts.missing_names:
        await end_aborted(ctx, record, f"{PRIMARY_RESTARTED}; parts lost on {', '.join(parts.missing_names)}")
        return
    reattach(ctx, record, parts.held, None)


async def abort_on_restart(ctx: NodeContext, record: JobRecord) -> None:
    """Stop whatever parts still run and end the job aborted: the primary restarted."""
    await end_aborted(ctx, record, PRIMARY_RESTARTED)


async def end_aborted(ctx: NodeContext, record: JobRecord, reason: str) -> None:
    """Stop the job's parts still running and end it aborted with `reason`."""
    await _stop(ctx, record)
    await end(ctx, record, reason, aborted=True)


async def end(ctx: NodeContext, record: JobRecord, error: str = "", aborted: bool = False) -> None:
    """End a recovered job: with `error` (when given), aborted or not, and persist its end."""
    job = revive(ctx, record)
    if error:
        job.add_error(error)
    if aborted:
        job.abort(error)
    job.finish()
    log.info("recovered %r: ended%s%s", job, " aborted" if job.aborted else "", f": {error}" if error else "")
    await job_records.save(ctx, record.ended(job))


async def _stop(ctx: NodeContext, record: JobRecord) -> None:
    """Abort the job's parts on those of its targets the map still holds (best effort)."""
    targets = ctx.smap.targets
    nodes = [targets[t] for t in record.targets if t in targets]
    await cluster_jobs.stop_on(ctx, nodes, JobQuery(job_id=record.job_id), PRIMARY_RESTARTED)
