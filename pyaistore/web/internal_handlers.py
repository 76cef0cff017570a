"""Target endpoints the gateway calls to run cluster-wide jobs (/v1/internal/jobs on the control port)."""

from aiohttp import web

from pyaistore.cluster.errors import BadRequest
from pyaistore.target import jobs
from pyaistore.web import request_parsing
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire.jobs import JobQuery, JobStartMsg

__all__ = ["query_jobs", "start_job", "stop_jobs"]


async def _job_query(request: web.Request) -> JobQuery:
    try:
        return JobQuery.from_json(await request_parsing.read_json(request, required=False))
    except ValueError as exc:
        raise BadRequest(f"invalid job query: {exc}") from exc


async def start_job(request: web.Request) -> web.Response:
    """POST: start this target's part of a job (JobStartMsg)."""
    ctx = request.app[CONTEXT]
    try:
        msg = JobStartMsg.from_json(await request_parsing.read_json(request))
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    job = jobs.start(ctx, msg)
    return web.Response(text=job.job_id)


async def query_jobs(request: web.Request) -> web.Response:
    """GET: snapshots of this target's matching jobs (a JSON list)."""
    ctx = request.app[CONTEXT]
    snaps = jobs.snapshots(ctx, await _job_query(request))
    return web.json_response([s.to_json() for s in snaps])


async def stop_jobs(request: web.Request) -> web.Response:
    """PUT: abort this target's matching running jobs; replies with their IDs."""
    ctx = request.app[CONTEXT]
    return web.json_response(jobs.abort(ctx, await _job_query(request)))
