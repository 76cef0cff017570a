"""ETL endpoints: /v1/etl on the proxy (management) and on targets (their part), inline GETs, and
the transform servers' callback route. Each handler: parse, one call, render."""

import logging

from aiohttp import web

from pyaistore.auth import route_access
from pyaistore.cluster.errors import BadRequest
from pyaistore.proxy import etl_admin
from pyaistore.target import etl_control
from pyaistore.web import object_headers, request_parsing, streaming
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import headers, query
from pyaistore.wire.bucket_id import BucketId

log = logging.getLogger(__name__)

NAME_KEY = "etl"
TARGET_KEY = "target"


def _name(request: web.Request) -> str:
    return request.match_info[NAME_KEY]


def _plain(text: str) -> web.Response:
    """A bare ID reply, as AIS writes job IDs."""
    return web.Response(text=text, content_type=headers.TEXT_TYPE)


# Proxy (primary): management.


async def init(request: web.Request) -> web.Response:
    """PUT /v1/etl: define and start an ETL; the body is the init message; answers its instance ID."""
    body = await request_parsing.read_json(request)
    if not isinstance(body, dict):
        raise BadRequest("ETL init: expected a JSON object")
    return _plain(await etl_admin.init(request.app[CONTEXT], body))


async def list_all(request: web.Request) -> web.Response:
    """GET /v1/etl: every ETL with its stage and counters."""
    infos = await etl_admin.list_etls(request.app[CONTEXT])
    return web.json_response([info.to_json() for info in infos])


async def details(request: web.Request) -> web.Response:
    """GET /v1/etl/<name>[?uuid=]: init message and per-object errors."""
    found = await etl_admin.details(request.app[CONTEXT], _name(request), request.query.get(query.UUID, ""))
    return web.json_response(found.to_json())


async def logs(request: web.Request) -> web.Response:
    """GET /v1/etl/<name>/logs[/<target-id>]."""
    found = await etl_admin.logs(request.app[CONTEXT], _name(request), request.match_info.get(TARGET_KEY, ""))
    return web.json_response(found)


async def health(request: web.Request) -> web.Response:
    """GET /v1/etl/<name>/health."""
    return web.json_response(await etl_admin.health(request.app[CONTEXT], _name(request)))


async def start(request: web.Request) -> web.Response:
    """POST /v1/etl/<name>/start: start a stopped ETL; answers its new instance ID."""
    return _plain(await etl_admin.start(request.app[CONTEXT], _name(request)))


async def stop(request: web.Request) -> web.Response:
    """POST /v1/etl/<name>/stop."""
    await etl_admin.stop(request.app[CONTEXT], _name(request))
    return web.Response()


async def delete(request: web.Request) -> web.Response:
    """DELETE /v1/etl/<name>: remove a stopped ETL."""
    await etl_admin.delete(request.app[CONTEXT], _name(request))
    return web.Response()


# Target: its part of management (from the primary).


async def target_start(request: web.Request) -> web.Response:
    """PUT /v1/etl on a target: start the ETL's transform servers here."""
    await etl_control.start(request.app[CONTEXT], await request_parsing.read_json(request))
    return web.Response()


async def target_stop(request: web.Request) -> web.Response:
    """DELETE /v1/etl/<name> on a target: stop its transform servers here."""
    await etl_control.stop(request.app[CONTEXT], _name(request))
    return web.Response()


async def target_list(request: web.Request) -> web.Response:
    """GET /v1/etl on a target: the ETLs running here with counters."""
    return web.json_response(etl_control.infos(request.app[CONTEXT]))


async def target_details(request: web.Request) -> web.Response:
    """GET /v1/etl/<name>/details on a target: per-object errors."""
    ctx = request.app[CONTEXT]
    return web.json_response(etl_control.errors(ctx, _name(request), request.query.get(query.UUID, "")))


async def target_logs(request: web.Request) -> web.Response:
    """GET /v1/etl/<name>/logs on a target: raw transform-server output."""
    return web.Response(body=etl_control.logs(request.app[CONTEXT], _name(request)))


@route_access.no_token  # the ETL's own secret is in the URL
async def callback_object(request: web.Request) -> web.StreamResponse:
    """GET|HEAD /v1/etl/_object/<name>/<secret>/<escaped uname>: a transform server reads an object."""
    ctx = request.app[CONTEXT]
    raw_uname = request.raw_path.split("?", 1)[0].split("/", 6)[-1]
    stream = etl_control.open_callback_object(ctx, _name(request), request.match_info["secret"], raw_uname)
    reply_headers = object_headers.for_get(stream.meta, ctx.node.daemon_id)
    if request.method == "HEAD":
        stream.close()
        reply_headers[headers.CONTENT_LENGTH] = str(stream.length)
        return web.Response(headers=reply_headers)
    return await streaming.send_object(request, stream, 200, reply_headers)


# Target: GET with etl_name.


async def send_transformed(
    request: web.Request, bucket: BucketId, name: str, etl_name: str
) -> web.StreamResponse:
    """Stream an object through an ETL: 1) open (errors before any byte map to status) 2) relay chunks."""
    ctx = request.app[CONTEXT]
    args, pipeline = request.query.get(query.ETL_ARGS, ""), request.query.get(query.ETL_PIPELINE, "")
    transformed = await etl_control.open_transformed(ctx, bucket, name, etl_name, args, pipeline)
    try:
        response = web.StreamResponse(headers={headers.CONTENT_TYPE: transformed.content_type})
        if transformed.length is not None:
            response.content_length = transformed.length
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            async for chunk in transformed.chunks:
                await response.write(chunk)
        except Exception as exc:
            # The status line is out: cut the connection so the client never takes a partial object.
            log.warning("GET %s via ETL %s broke off: %s", bucket.object_cname(name), etl_name, exc)
            if request.transport is not None:
                request.transport.close()
            return response
        await response.write_eof()
        return response
    finally:
        transformed.close()
