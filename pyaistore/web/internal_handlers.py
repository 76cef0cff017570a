"""Target endpoints only other nodes call (control port): job parts and objects moved between targets.

/v1/internal/jobs: POST starts this target's part of a job, GET queries, PUT stops.
/v1/internal/objects/<bucket>/<name>: this target's own copy of an object; PUT stores what a peer
sends (copy or migration), GET/HEAD read it with its whole metadata, DELETE removes it.
"""

import asyncio

from aiohttp import web
from multidict import CIMultiDict

from pyaistore.cluster import object_frames
from pyaistore.cluster.errors import BadRequest
from pyaistore.cluster.peer_api import KEPT, STORED, decode_meta, encode_meta
from pyaistore.job_kinds import registry
from pyaistore.storage.names import validate_object_name
from pyaistore.target import jobs, peer_objects
from pyaistore.web import request_parsing, streaming
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import headers, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import JobQuery, JobStartMsg

__all__ = [
    "delete_object",
    "get_object",
    "head_object",
    "put_object",
    "put_objects_batch",
    "query_jobs",
    "start_job",
    "stop_jobs",
    "sync",
]


async def _job_query(request: web.Request) -> JobQuery:
    data = await request_parsing.read_json(request, required=False)
    return request_parsing.parse_value(data, JobQuery.from_json, "invalid job query")


async def start_job(request: web.Request) -> web.Response:
    """POST: start this target's part of a job (JobStartMsg)."""
    ctx = request.app[CONTEXT]
    msg = await request_parsing.read_message(request, JobStartMsg.from_json)
    job = jobs.run(ctx, *registry.plan(ctx, msg))
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


def _object_ref(request: web.Request) -> tuple[BucketId, str]:
    bucket = request_parsing.bucket_id(request)
    return bucket, request_parsing.object_name(request, request_parsing.INTERNAL_OBJECTS_PREFIX)


async def put_object(request: web.Request) -> web.Response:
    """PUT: store an object a peer sends; the body says whether it was stored or a newer one kept."""
    ctx = request.app[CONTEXT]
    bucket, name = _object_ref(request)
    try:
        meta = decode_meta(request.headers.get(headers.OBJECT_META, ""))
    except ValueError as exc:
        raise BadRequest(f"{bucket.object_cname(name)}: {exc}") from exc
    transfer = request.query.get(query.TRANSFER, query.TRANSFER_COPY)
    deferred = query.parse_bool(request.query.get(query.DEFERRED_SYNC))
    body = streaming.body_chunks(request)
    size = request.content_length
    stored = await peer_objects.receive(ctx, bucket, name, meta, transfer, body, size, deferred)
    return web.Response(text=STORED if stored else KEPT)


async def put_objects_batch(request: web.Request) -> web.Response:
    """POST: many small objects a peer migrates here in one body; a JSON list of stored flags."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    size = request.content_length
    if size is None or size > object_frames.MAX_BODY:
        raise BadRequest(f"object batch: a Content-Length up to {object_frames.MAX_BODY} is required")
    body = await streaming.read_small_body(request, size)
    try:
        objects = object_frames.decode(body)
        for meta, _ in objects:
            validate_object_name(bucket, meta.name)
    except ValueError as exc:
        raise BadRequest(f"{bucket.cname}: {exc}") from exc
    deferred = query.parse_bool(request.query.get(query.DEFERRED_SYNC))
    return web.json_response(await peer_objects.receive_batch(ctx, bucket, objects, deferred))


async def get_object(request: web.Request) -> web.StreamResponse:
    """GET: this target's own copy, with its metadata in one header."""
    ctx = request.app[CONTEXT]
    bucket, name = _object_ref(request)
    stream = await asyncio.to_thread(peer_objects.open_own, ctx, bucket, name)
    reply_headers = CIMultiDict(
        {headers.OBJECT_META: encode_meta(stream.meta), headers.CONTENT_TYPE: headers.OCTET_TYPE}
    )
    return await streaming.send_object(request, stream, 200, reply_headers)


async def head_object(request: web.Request) -> web.Response:
    """HEAD: the metadata of this target's own copy."""
    ctx = request.app[CONTEXT]
    bucket, name = _object_ref(request)
    meta = await peer_objects.head_own(ctx, bucket, name)
    return web.Response(headers={headers.OBJECT_META: encode_meta(meta)})


async def delete_object(request: web.Request) -> web.Response:
    """DELETE: remove this target's own copy (only if it matches the metadata header, when sent)."""
    ctx = request.app[CONTEXT]
    bucket, name = _object_ref(request)
    expected = request.headers.get(headers.OBJECT_META)
    if expected is None:
        await peer_objects.delete_own(ctx, bucket, name)
        return web.Response()
    try:
        meta = decode_meta(expected)
    except ValueError as exc:
        raise BadRequest(f"{bucket.object_cname(name)}: {exc}") from exc
    deleted = await peer_objects.delete_own_if(ctx, bucket, name, meta)
    return web.Response(text="deleted" if deleted else KEPT)


async def sync(request: web.Request) -> web.Response:
    """POST: make the writes published here without fsync durable."""
    await peer_objects.sync(request.app[CONTEXT])
    return web.Response()
