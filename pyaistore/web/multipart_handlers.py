"""Target endpoints of multipart uploads (AIS's native `mpt-upload`; S3's arrive the same way from the
gateway). Each: parse, one call into target/multipart_upload.py, render.

- POST   /v1/objects/<b>/<o>  {"action": "mpt-upload"}         -> 200, the upload ID as text
- PUT    /v1/objects/<b>/<o>?uploadId=U&partNumber=N  (body)    -> 200, ETag of the part
- POST   /v1/objects/<b>/<o>?uploadId=U {"action": "mpt-complete", "value": [parts]} -> 200, ETag
- DELETE /v1/objects/<b>/<o>?uploadId=U [{"action": "mpt-abort"}] -> 200
- GET    /v1/internal/uploads/<b>                 uploads of the bucket held here (JSON)
- GET    /v1/internal/uploads/<b>/<o>?uploadId=U  the upload and its parts (JSON)
"""

from aiohttp import web

from pyaistore.cluster import cluster_map, redirect_url
from pyaistore.cluster.errors import BadRequest, UnknownAction
from pyaistore.target import multipart_upload
from pyaistore.web import object_headers, request_parsing, streaming
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import actions, headers, paths, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.multipart import parse_completed_parts

__all__ = ["abort", "complete", "create", "list_parts", "list_uploads", "put_part"]

_INTERNAL_UPLOADS_PREFIX = paths.url_path(paths.INTERNAL, paths.INTERNAL_UPLOADS) + "/"


def _upload_id(request: web.Request) -> str:
    upload_id = request.query.get(query.UPLOAD_ID, "")
    if not upload_id:
        raise BadRequest("empty uploadId")
    return upload_id


def _to_holder(request: web.Request, upload_id: str) -> None:
    """A request for an upload another target holds (named in its ID) is sent there."""
    ctx = request.app[CONTEXT]
    node_id, _ = query.split_upload_id(upload_id)
    if not node_id or node_id == ctx.node.daemon_id:
        return
    node = cluster_map.find_node(ctx.smap, node_id)
    if node is not None:
        key = ctx.redirects.key() if ctx.redirects is not None else b""
        url = redirect_url.signed_location(node, request.path_qs, ctx.node.daemon_id, request.method, key)
        raise web.HTTPTemporaryRedirect(url)


async def create(request: web.Request, bucket: BucketId, name: str) -> web.Response:
    """mpt-upload: start an upload; its custom metadata (Ais-Custom-Md) goes to the object."""
    ctx = request.app[CONTEXT]
    upload_id = await multipart_upload.create(
        ctx, bucket, name, request_parsing.custom_metadata(request, bucket, name)
    )
    return web.Response(text=upload_id)


async def put_part(request: web.Request, bucket: BucketId, name: str) -> web.Response:
    """One part: 1) parse 2) the holder check 3) stream it in 4) its ETag."""
    ctx = request.app[CONTEXT]
    upload_id = _upload_id(request)
    number = multipart_upload.parse_part_number(request.query.get(query.PART_NUMBER))
    _to_holder(request, upload_id)
    body = streaming.body_chunks(request)
    part = await multipart_upload.put_part(ctx, bucket, name, upload_id, number, request.content_length, body)
    return web.Response(headers={headers.ETAG: part.etag})


async def complete(request: web.Request, bucket: BucketId, name: str) -> web.Response:
    """mpt-complete: assemble the listed parts into the object."""
    ctx = request.app[CONTEXT]
    upload_id = _upload_id(request)
    _to_holder(request, upload_id)
    msg = await request_parsing.action_msg(request)
    assert msg is not None
    if msg.action != actions.MPT_COMPLETE:
        raise UnknownAction(msg.action)
    try:
        requested = parse_completed_parts(msg.value)
    except ValueError as exc:
        raise BadRequest(f"{actions.MPT_COMPLETE} {bucket.object_cname(name)}: {exc}") from exc
    meta, etag = await multipart_upload.complete(ctx, bucket, name, upload_id, requested)
    reply = object_headers.for_put(meta, ctx.node.daemon_id)
    reply[headers.ETAG] = f'"{etag}"'
    return web.Response(headers=reply)


async def abort(request: web.Request, bucket: BucketId, name: str) -> web.Response:
    """mpt-abort (the action body is optional: the uploadId says it all)."""
    ctx = request.app[CONTEXT]
    upload_id = _upload_id(request)
    _to_holder(request, upload_id)
    msg = await request_parsing.action_msg(request, required=False)
    if msg is not None and msg.action != actions.MPT_ABORT:
        raise UnknownAction(msg.action)
    await multipart_upload.abort(ctx, bucket, name, upload_id)
    return web.Response()


async def list_uploads(request: web.Request) -> web.Response:
    """Internal: the bucket's uploads in progress on this target."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    found = await multipart_upload.list_uploads(ctx, bucket)
    return web.json_response([info.to_json() for info in found])


async def list_parts(request: web.Request) -> web.Response:
    """Internal: one upload and its parts."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    name = request_parsing.object_name(request, _INTERNAL_UPLOADS_PREFIX)
    info, parts = await multipart_upload.list_parts(ctx, bucket, name, _upload_id(request))
    return web.json_response({"upload": info.to_json(), "parts": [part.to_json() for part in parts]})
