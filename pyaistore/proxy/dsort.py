"""dsort on the gateway: start (check the spec, create the output bucket), query, abort, remove.

A dsort is a cluster job (proxy/cluster_jobs.py) of kind `dsort`: every target runs its part
(target/dsort.py). Queries ask every target for its JobInfo (`GET /v1/internal/dsort/<id>/info`).
"""

import asyncio
import re

from pyaistore.cluster import cluster_map
from pyaistore.cluster.errors import BadRequest, BucketAlreadyExists, PeerFailed, PeerRejected
from pyaistore.jobs.errors import JobNotFound
from pyaistore.node_context import NodeContext
from pyaistore.proxy import buckets, cluster_jobs
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.wire import dsort as wire
from pyaistore.wire.jobs import DSORT, JobQuery
from pyaistore.wire.messages import Snode

__all__ = ["abort", "job_infos", "list_jobs", "remove", "start"]

INFO = "info"


async def start(ctx: NodeContext, spec: wire.DsortSpec) -> str:
    """Check the spec and start the job on every target; its ID."""
    ctx.bucket_props(spec.input_bucket)
    if spec.output_bucket != spec.input_bucket:
        try:
            ctx.bucket_props(spec.output_bucket)
        except Exception:
            try:
                await buckets.create(ctx, spec.output_bucket, None)
            except BucketAlreadyExists:
                pass
    if spec.output_template:
        from pyaistore.jobs import templates

        try:
            templates.parse(spec.output_template)
        except Exception as exc:
            raise BadRequest(f"dsort: invalid output_format: {exc}") from exc
    plan = ClusterJob(DSORT, spec.input_bucket, spec.output_bucket, spec.to_json())
    return await cluster_jobs.start(ctx, plan)


async def _info_of(ctx: NodeContext, node: Snode, job_id: str) -> dict[str, object] | None:
    try:
        found = await ctx.peer_api.dsort_call(node, "GET", job_id, INFO)
    except PeerRejected as exc:
        if exc.status == 404:
            return None
        raise
    except PeerFailed:
        return None
    return found if isinstance(found, dict) else None


async def job_infos(ctx: NodeContext, job_id: str) -> dict[str, object]:
    """{target ID: JobInfo} of one job; JobNotFound when no target knows it."""
    targets = cluster_map.working_targets(ctx.smap)
    infos = await asyncio.gather(*(_info_of(ctx, node, job_id) for node in targets))
    found: dict[str, object] = {
        node.daemon_id: info for node, info in zip(targets, infos, strict=True) if info is not None
    }
    if not found:
        raise JobNotFound(f'dsort job "{job_id}" does not exist')
    return found


async def list_jobs(ctx: NodeContext, regex: str, only_active: bool) -> list[object]:
    """One JobInfo per dsort job the gateway knows, filtered by description."""
    pattern = re.compile(regex) if regex else None
    out: list[object] = []
    for job in ctx.jobs.find(kind=DSORT, active_only=only_active):
        try:
            infos = await job_infos(ctx, job.job_id)
        except JobNotFound:
            continue
        first = next(iter(infos.values()))
        description = str(first.get("Metrics", {}).get("description", "")) if isinstance(first, dict) else ""
        if pattern is None or pattern.search(description):
            out.append(first)
    return out


async def abort(ctx: NodeContext, job_id: str) -> None:
    """Stop the job everywhere; JobNotFound for an unknown ID."""
    if not job_id or not ctx.jobs.find(job_id, DSORT):
        raise JobNotFound(f'dsort job "{job_id}" does not exist')
    await cluster_jobs.stop(ctx, JobQuery(job_id=job_id, kind=DSORT), "dsort aborted by the user")


async def remove(ctx: NodeContext, job_id: str) -> None:
    """Forget a finished job (AIS removes its metrics); 404 unknown, 400 while it runs."""
    jobs = ctx.jobs.find(job_id, DSORT)
    if not job_id or not jobs:
        raise JobNotFound(f'dsort job "{job_id}" does not exist')
    if jobs[0].running:
        raise BadRequest(f"dsort job {job_id} is still running")
