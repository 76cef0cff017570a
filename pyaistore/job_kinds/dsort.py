"""dsort: reshard a dataset's records in a new order (jobs reference §6).

Gateway: `POST /v1/sort` with the spec (proxy/dsort.py checks it, creates the output bucket and
starts the job on every target). Targets: target/dsort.py (extract, sort on the coordinator,
create shards). After a primary restart the job is watched again if every target still holds
its part, else ended aborted.
"""

import os

from pyaistore.cluster.errors import BadRequest
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import dsort as gateway
from pyaistore.proxy import job_recovery
from pyaistore.target import dsort
from pyaistore.wire import dsort as wire
from pyaistore.wire import jobs as kinds
from pyaistore.wire.jobs import JobStartMsg

__all__ = ["DSORT", "total_memory"]


def total_memory() -> int:
    """This machine's memory, in bytes (the base of a `max_mem_usage` percentage)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Parse the spec and start the job."""
    try:
        spec = wire.DsortSpec.from_json(request.value)
    except ValueError as exc:
        raise BadRequest(f"dsort: {exc}") from exc
    return await gateway.start(ctx, spec)


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part."""
    spec = wire.DsortSpec.from_json(msg.value)
    mem_limit = wire.parse_mem_limit(spec.max_mem_usage, total_memory())
    job = dsort.DsortJob(msg.job_id, spec, mem_limit, dsort.work_dir(ctx, msg.job_id))

    async def body(_: Job) -> None:
        await dsort.run(ctx, job)

    return job, body


DSORT = JobKind(kinds.DSORT, start, plan, (), job_recovery.reattach_or_abort)
