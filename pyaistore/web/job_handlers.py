"""Gateway endpoints of jobs: queries (GET /v1/cluster?what=...), start/stop (PUT /v1/cluster) and
the bucket actions that start jobs (copy, rename, multi-object, archive). Each: parse, one call, render.

Job-starting replies carry the bare job ID as a text body (jobs reference §0). Until the primary
is ready they answer 503: the jobs of its previous run are recovered as its last startup step.
"""

import json
from typing import Final

from aiohttp import web

from pyaistore.cluster.errors import BadRequest, UnknownAction
from pyaistore.job_kinds import make_n_copies, registry
from pyaistore.job_kinds.kind import JobRequest
from pyaistore.jobs import kinds
from pyaistore.jobs.errors import InvalidJobRequest, UnknownKind
from pyaistore.node_context import NodeContext
from pyaistore.proxy import bucket_summary as summaries
from pyaistore.proxy import cluster_jobs, job_queries, node_lifecycle, remote_buckets
from pyaistore.web import config_handlers, request_parsing
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import actions, headers, query
from pyaistore.wire.bucket_id import BucketId, parse_uname
from pyaistore.wire.bucket_summary import SummaryMsg
from pyaistore.wire.jobs import JobQuery
from pyaistore.wire.membership import RemoveNodeValue
from pyaistore.wire.messages import ActionMsg

__all__ = [
    "JOB_QUERIES",
    "PREFIX_KEY",
    "bucket_info",
    "bucket_job",
    "bucket_put",
    "bucket_summary",
    "cluster_put",
    "query_jobs",
    "set_bucket_props",
]

# The route's name of the optional prefix in HEAD /v1/buckets/<b>/<prefix>.
PREFIX_KEY: Final = "prefix"
JOB_QUERIES: Final = frozenset(
    {
        query.WHAT_ONE_XACT_STATUS,
        query.WHAT_QUERY_XACT_STATS,
        query.WHAT_ALL_XACT_STATUS,
        query.WHAT_ALL_RUNNING_STATUS,
    }
)


def job_id_reply(job_id: str) -> web.Response:
    """200 with the bare ID as the body."""
    return web.Response(text=job_id, content_type=headers.TEXT_TYPE)


def _require_ready(ctx: NodeContext) -> None:
    """NotReady (503) while the primary starts up and its jobs are not recovered yet."""
    if ctx.membership is not None:
        ctx.membership.raise_unless_ready(ctx.node.display_name)


def _job_query(data: object) -> JobQuery:
    return request_parsing.parse_value(data, JobQuery.from_json, "invalid job query")


async def query_jobs(request: web.Request) -> web.Response:
    """GET /v1/cluster?what=status|qryxstats|status_all|running_all with a JobArgs/QueryMsg body."""
    ctx = request.app[CONTEXT]
    _require_ready(ctx)
    what = request.query.get(query.WHAT, "")
    job_query = _job_query(await request_parsing.read_json(request, required=False))
    if what == query.WHAT_ONE_XACT_STATUS:
        return web.json_response((await job_queries.status(ctx, job_query)).to_json())
    if what == query.WHAT_QUERY_XACT_STATS:
        return web.json_response(await job_queries.details(ctx, job_query))
    if what == query.WHAT_ALL_XACT_STATUS:
        found = await job_queries.status_all(ctx, job_query)
        return web.json_response([s.to_json() for s in found] or None)
    if what == query.WHAT_ALL_RUNNING_STATUS:
        return web.json_response(await job_queries.running_all(ctx, job_query))
    raise BadRequest(f'invalid query what="{what}"')


async def cluster_put(request: web.Request) -> web.Response:
    """PUT /v1/cluster: start (a startable kind) or stop (by ID and/or kind) jobs; membership changes."""
    ctx = request.app[CONTEXT]
    _require_ready(ctx)
    msg = await request_parsing.required_action(request)
    if msg.action == actions.SET_CONFIG:
        return await config_handlers.set_cluster_message(request, msg)
    if msg.action in node_lifecycle.NODE_ACTIONS or msg.action in node_lifecycle.CLUSTER_ACTIONS:
        return await _membership(request, msg)
    job_query = _job_query(msg.value)
    if msg.action == actions.START:
        force = query.parse_bool(request.query.get(query.FORCE))
        return job_id_reply(await registry.start_kind(ctx, job_query, force))
    if msg.action == actions.STOP:
        if not job_query.job_id and not job_query.kind:
            raise InvalidJobRequest("stop: need a job ID or kind")
        kind = kinds.resolve(job_query.kind) if job_query.kind else ""
        if kind is None:
            raise UnknownKind(job_query.kind)
        await cluster_jobs.stop(ctx, JobQuery(job_id=job_query.job_id, kind=kind))
        return web.Response()
    raise UnknownAction(msg.action)


async def _membership(request: web.Request, msg: ActionMsg) -> web.Response:
    """PUT /v1/cluster membership actions: the rebalance ID as text (or empty), as AIS replies."""
    ctx = request.app[CONTEXT]
    value = request_parsing.parse_value(msg.value, RemoveNodeValue.from_json)
    if msg.action in node_lifecycle.CLUSTER_ACTIONS:
        await node_lifecycle.shutdown_cluster(ctx, msg.action, value)
        return web.Response()
    return job_id_reply(await node_lifecycle.change(ctx, msg.action, value))


def _destination(request: web.Request, bucket: BucketId, action: str) -> BucketId | None:
    raw = request.query.get(query.BCK_TO)
    if not raw:
        return None
    try:
        dst, _ = parse_uname(raw)
    except ValueError as exc:
        raise BadRequest(f"{action} {bucket.cname}: invalid bck_to: {exc}") from exc
    return dst


async def bucket_job(request: web.Request, bucket: BucketId, msg: ActionMsg) -> web.Response | None:
    """A bucket action that starts a job: start it and reply with its ID; None for other actions."""
    entry = registry.bucket_action(request.method, msg.action)
    if entry is None:
        return None
    ctx = request.app[CONTEXT]
    _require_ready(ctx)
    job_request = JobRequest(
        msg.action,
        bucket,
        msg.value,
        dst_bucket=_destination(request, bucket, msg.action),
        force=query.parse_bool(request.query.get(query.FORCE)),
    )
    return job_id_reply(await entry.start(ctx, job_request))


async def objects_post(request: web.Request) -> web.Response:
    """POST /v1/objects/<b>: an object action that starts a job (promote, blob-download): its ID."""
    bucket = request_parsing.bucket_id(request)
    msg = await request_parsing.required_action(request)
    entry = registry.objects_action(msg.action)
    if entry is None:
        raise UnknownAction(msg.action)
    ctx = request.app[CONTEXT]
    _require_ready(ctx)
    await remote_buckets.ensure(ctx, bucket)  # a remote bucket's first use adds it (else 404)
    return job_id_reply(await entry.start(ctx, JobRequest(msg.action, bucket, msg.value, name=msg.name)))


async def bucket_put(request: web.Request) -> web.Response:
    """PUT /v1/buckets/<b>: an action that starts a job (archive)."""
    bucket = request_parsing.bucket_id(request)
    msg = await request_parsing.required_action(request)
    reply = await bucket_job(request, bucket, msg)
    if reply is None:
        raise UnknownAction(msg.action)
    return reply


async def set_bucket_props(request: web.Request, bucket: BucketId, msg: ActionMsg) -> web.Response:
    """PATCH /v1/buckets/<b> set-bprops: 200, with the ID of the make-n-copies job it started, if any."""
    job_id = await make_n_copies.set_bucket_props(request.app[CONTEXT], bucket, msg.value)
    return job_id_reply(job_id) if job_id else web.Response()


async def bucket_summary(request: web.Request, bucket: BucketId, msg: ActionMsg) -> web.Response:
    """GET /v1/buckets/<b> summary-bck: 202 + job ID to start, 202 while running, 200 + [summary]."""
    ctx = request.app[CONTEXT]
    summary_msg = request_parsing.parse_value(msg.value, SummaryMsg.from_json)
    if not summary_msg.uuid:
        job_id = await summaries.start(ctx, bucket, summary_msg.prefix)
        return web.Response(status=202, text=job_id, content_type=headers.TEXT_TYPE)
    found = await summaries.progress(ctx, bucket, summary_msg.uuid)
    if found.result is None:
        return web.Response(status=202)
    return web.json_response([found.result.to_json()])


async def bucket_info(request: web.Request, bucket: BucketId, props: str) -> web.Response:
    """HEAD /v1/buckets/<b>[/<prefix>] with bsumm_remote: 202 + Ais-Xaction-Id, then 200 + Ais-Bucket-Summ."""
    ctx = request.app[CONTEXT]
    reply_headers = {headers.BUCKET_PROPS: props}
    job_id = request.query.get(query.UUID, "").strip('"')
    if not job_id:
        job_id = await summaries.start(ctx, bucket, request.match_info.get(PREFIX_KEY, ""))
        return web.Response(status=202, headers=reply_headers | {headers.XACTION_ID: job_id})
    found = await summaries.progress(ctx, bucket, job_id)
    reply_headers[headers.XACTION_ID] = job_id
    if found.result is None:
        return web.Response(status=202, headers=reply_headers)
    reply_headers[headers.BUCKET_SUMMARY] = json.dumps(found.result.to_json(), separators=(",", ":"))
    return web.Response(headers=reply_headers)
