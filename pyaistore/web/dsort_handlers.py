"""dsort endpoints: `/v1/sort` on the gateway (start, query, list, abort, remove) and the targets'
`/v1/internal/dsort/<job>/<step>` (record lists, plans, record streams, info, finish, abort)."""

import asyncio
import logging

from aiohttp import web

from pyaistore.job_kinds import dsort as dsort_kind
from pyaistore.job_kinds.kind import JobRequest
from pyaistore.jobs.errors import JobNotFound
from pyaistore.proxy import dsort as gateway
from pyaistore.target import dsort
from pyaistore.web import request_parsing
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import fields, headers, query
from pyaistore.wire.jobs import DSORT

__all__ = ["abort", "internal_get", "internal_post", "query_jobs", "remove", "start"]

log = logging.getLogger(__name__)
JOB_KEY = "job"
STEP_KEY = "step"


async def start(request: web.Request) -> web.Response:
    """POST /v1/sort: start a dsort from its spec; the reply is the job ID."""
    ctx = request.app[CONTEXT]
    spec = await request_parsing.read_json(request)
    job_id = await dsort_kind.start(ctx, JobRequest(DSORT, value=spec))
    return web.Response(text=job_id)


async def query_jobs(request: web.Request) -> web.Response:
    """GET /v1/sort?uuid=<id>: {target: JobInfo}; without an ID, the list of jobs."""
    ctx = request.app[CONTEXT]
    job_id = request.query.get(query.UUID, "")
    if job_id:
        return web.json_response(await gateway.job_infos(ctx, job_id))
    only_active = request.query.get(query.ONLY_ACTIVE, "") in ("true", "1")
    return web.json_response(await gateway.list_jobs(ctx, request.query.get(query.REGEX, ""), only_active))


async def abort(request: web.Request) -> web.Response:
    """DELETE /v1/sort/abort?uuid=<id>."""
    await gateway.abort(request.app[CONTEXT], request.query.get(query.UUID, ""))
    return web.Response()


async def remove(request: web.Request) -> web.Response:
    """DELETE /v1/sort?uuid=<id>."""
    await gateway.remove(request.app[CONTEXT], request.query.get(query.UUID, ""))
    return web.Response()


def _job(request: web.Request) -> dsort.DsortJob:
    ctx = request.app[CONTEXT]
    job_id = request.match_info.get(JOB_KEY, "")
    job = ctx.jobs.get(job_id)
    if not isinstance(job, dsort.DsortJob):
        raise JobNotFound(f'dsort job "{job_id}" does not exist on {ctx.node.display_name}')
    return job


async def internal_get(request: web.Request) -> web.Response:
    """GET /v1/internal/dsort/<job>/meta|info."""
    job = _job(request)
    step = request.match_info.get(STEP_KEY, "")
    if step == "meta":
        ready = job.extracted.is_set()
        records = [record.to_json() for record in job.records] if ready else []
        return web.json_response({"ready": ready, "aborted": job.aborted, "records": records})
    if step == gateway.INFO:
        return web.json_response(dsort.info(job))
    raise web.HTTPNotFound()


async def internal_post(request: web.Request) -> web.StreamResponse:
    """POST /v1/internal/dsort/<job>/create|records|finish|abort."""
    job = _job(request)
    step = request.match_info.get(STEP_KEY, "")
    body = fields.as_dict(await request_parsing.read_json(request, required=False) or {}, "dsort step")
    if step == "create":
        shards = body.get("shards")
        if not isinstance(shards, list):
            raise web.HTTPBadRequest(reason="dsort create: shards must be a list")
        dsort.give(job, shards)
        return web.Response()
    if step == "finish":
        job.released.set()
        return web.Response()
    if step == "abort":
        job.abort(str(body.get("reason") or "aborted by another target"))
        return web.Response()
    if step == "records":
        ids = [int(i) for i in body.get("ids") or []]
        return await _send_records(request, job, ids)
    raise web.HTTPNotFound()


async def _send_records(request: web.Request, job: dsort.DsortJob, ids: list[int]) -> web.StreamResponse:
    blobs = dsort.record_blobs(job, ids)
    response = web.StreamResponse(headers={headers.CONTENT_TYPE: headers.OCTET_TYPE})
    response.enable_chunked_encoding()
    await response.prepare(request)
    try:
        while (blob := await asyncio.to_thread(next, blobs, None)) is not None:
            await response.write(blob)
        await response.write_eof()
    except (ConnectionResetError, asyncio.CancelledError):
        raise
    except Exception:
        log.exception("dsort records of %s failed after the reply started", job.job_id)
        if request.transport is not None:
            request.transport.close()
    return response
