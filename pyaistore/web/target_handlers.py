"""Target endpoints for one object, plus the internal listing. Each: parse, one call, render."""

import asyncio

import msgpack
from aiohttp import web

from pyaistore.cluster import placement, redirect_url
from pyaistore.cluster.errors import BadRequest, UnknownAction
from pyaistore.monitoring import request_counters
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.target import (
    cold_get,
    etl_control,
    get_archived,
    get_object,
    list_objects,
    misplaced_writes,
    object_ops,
    object_recovery,
    put_archived,
    put_object,
    remote_objects,
    rename_reads,
    table_catchup,
)
from pyaistore.web import etl_handlers, multipart_handlers, object_headers, request_parsing, streaming
from pyaistore.web.app_keys import CONTEXT
from pyaistore.web.custom_md import validate_custom
from pyaistore.wire import actions, headers, query
from pyaistore.wire.bucket_id import BucketId, parse_uname
from pyaistore.wire.messages import DEFAULT_PAGE_SIZE, LsoMsg


def _redirect_if_not_owner(request: web.Request, bucket: BucketId, name: str, status: int) -> None:
    """A client that came straight here for an object another target owns is sent there."""
    ctx = request.app[CONTEXT]
    if request_parsing.is_redirected(request):
        return
    owner = placement.owner(ctx.smap, bucket, name)
    if owner.daemon_id != ctx.node.daemon_id:
        url = redirect_url.signed_location(
            owner, request.path_qs, ctx.node.daemon_id, request.method, _key(request)
        )
        raise web.HTTPTemporaryRedirect(url) if status == 307 else web.HTTPMovedPermanently(url)


def _key(request: web.Request) -> bytes:
    """The redirect key when client auth is on (b"": off), to sign a redirect to another target."""
    redirects = request.app[CONTEXT].redirects
    return redirects.key() if redirects is not None else b""


def _renamed_from(request: web.Request, bucket: BucketId, name: str) -> BucketId | None:
    """On a miss in a bucket being renamed into: the old bucket if held here, else a redirect (or None)."""
    ctx = request.app[CONTEXT]
    found = rename_reads.fallback(ctx, bucket, name)
    if found is None:
        return None
    source, owner = found
    if owner.daemon_id == ctx.node.daemon_id:
        return source
    path_qs = rename_reads.fallback_path(source, name, dict(request.query))
    url = redirect_url.signed_location(owner, path_qs, ctx.node.daemon_id, request.method, _key(request))
    raise web.HTTPTemporaryRedirect(url)


async def get(request: web.Request) -> web.StreamResponse:
    """GET object: 1) parse 2) owner check 3) validate a remote copy if asked 4) open (inline:
    microseconds), or on a miss recover it (cluster, then a remote bucket's backend) 5) stream."""
    ctx = request.app[CONTEXT]
    bucket, name = request_parsing.bucket_id(request), request_parsing.object_name(request)
    bucket = await table_catchup.await_bucket(ctx, bucket, request_parsing.is_redirected(request))
    _redirect_if_not_owner(request, bucket, name, 301)
    latest = query.parse_bool(request.query.get(query.LATEST_VER))
    if (latest or bucket.is_remote) and remote_objects.wants_validation(ctx, bucket, latest):
        await remote_objects.validate(ctx, bucket, name)
    etl_name = request.query.get(query.ETL_NAME)
    if etl_name:
        return await etl_handlers.send_transformed(request, bucket, name, etl_name)
    archive_query = request_parsing.archive_query(request)
    if archive_query is not None:
        return await _get_archived(request, bucket, name, archive_query)
    byte_range = request.headers.get(headers.RANGE)
    stream: get_object.ObjectStream | cold_get.ColdStream
    try:
        stream = await get_object.open_on_loop(ctx, bucket, name, byte_range)
    except ObjectNotFound:
        found = await object_recovery.open_missing(ctx, bucket, name, byte_range)
        if found is not None:
            stream = found
        else:
            source = _renamed_from(request, bucket, name)
            if source is None:
                raise
            stream = await get_object.open_on_loop(ctx, source, name, byte_range)
    reply_headers = object_headers.for_get(stream.meta, ctx.node.daemon_id)
    if stream.partial:
        end = stream.start + stream.length - 1
        reply_headers[headers.CONTENT_RANGE] = f"bytes {stream.start}-{end}/{stream.meta.size}"
    status = 206 if stream.partial else 200
    if isinstance(stream, cold_get.ColdStream):
        return await streaming.send_cold(request, stream, status, reply_headers)
    return await streaming.send_object(request, stream, status, reply_headers)


async def _get_archived(
    request: web.Request, bucket: BucketId, name: str, archive_query: get_archived.ArchiveQuery
) -> web.StreamResponse:
    """GET inside a shard: one file (archpath) or a tar of the matching files (archregx + archmode)."""
    ctx = request.app[CONTEXT]
    if request.headers.get(headers.RANGE):
        raise BadRequest(f"GET {bucket.object_cname(name)}: range-read of archived content is not supported")
    if archive_query.archpath:
        archived = await get_archived.open_archived_file(ctx, bucket, name, archive_query)
        return await streaming.send_archived_file(request, archived)
    selection = await get_archived.open_selection(ctx, bucket, name, archive_query)
    return await streaming.send_selection(request, selection)


async def head(request: web.Request) -> web.Response:
    """HEAD object: selective (props=...) or full; Content-Length carries the size."""
    ctx = request.app[CONTEXT]
    bucket, name = request_parsing.bucket_id(request), request_parsing.object_name(request)
    bucket = await table_catchup.await_bucket(ctx, bucket, request_parsing.is_redirected(request))
    _redirect_if_not_owner(request, bucket, name, 307)
    props = object_headers.head_props(request_parsing.props_list(request))
    latest = query.parse_bool(request.query.get(query.LATEST_VER))
    if latest and remote_objects.wants_validation(ctx, bucket, latest):
        await remote_objects.validate_head(ctx, bucket, name)
    held_in = bucket
    present = True
    try:
        meta = await object_ops.head(ctx, bucket, name)
    except ObjectNotFound:
        found = await object_recovery.recover_meta(ctx, bucket, name)
        if found is None:
            found = await object_recovery.remote_meta(ctx, bucket, name)
            present = found is None
        if found is not None:
            meta = found
        else:
            source = _renamed_from(request, bucket, name)
            if source is None:
                raise
            meta = await object_ops.head(ctx, source, name)
            held_in = source
    wants_copies = present and object_headers.wants_copies(props)
    copies = await object_ops.copy_roots(ctx, held_in, meta) if wants_copies else ()
    reply = web.Response(
        headers=object_headers.for_head(meta, bucket, props, ctx.node.daemon_id, copies, present)
    )
    if props is not None or meta.size:
        reply.headers[headers.CONTENT_LENGTH] = str(meta.size)
    return reply


async def put(request: web.Request) -> web.Response:
    """PUT object, append/flush, copy (object_to), or a multipart upload's part. The body is never
    read before the owner check (an upload's parts go to the target holding the upload)."""
    ctx = request.app[CONTEXT]
    bucket, name = request_parsing.bucket_id(request), request_parsing.object_name(request)
    bucket = await table_catchup.await_bucket(ctx, bucket, request_parsing.is_redirected(request))
    if query.UPLOAD_ID in request.query:
        return await multipart_handlers.put_part(request, bucket, name)
    _redirect_if_not_owner(request, bucket, name, 307)
    args = request_parsing.put_args(request, bucket, name)
    archpath = request.query.get(query.ARCHPATH)
    if archpath:
        flags_value = request.headers.get(headers.PUT_ARCH_FLAGS)
        flags = put_archived.parse_flags(flags_value, bucket.object_cname(name))
        archmime = request.query.get(query.ARCHMIME, "")
        body = streaming.body_chunks(request)
        meta = await put_archived.put_archived(ctx, args, archpath, archmime, flags, body)
        return web.Response(headers=object_headers.for_put(meta, ctx.node.daemon_id))
    append_type = request.query.get(query.APPEND_TYPE)
    if append_type is not None:
        return await _append(request, args, append_type)
    if query.OBJECT_TO in request.query:
        dst_bucket, dst_name = _parse_object_to(request.query[query.OBJECT_TO])
        dst_bucket = ctx.meta.buckets.canonical(dst_bucket)
        ctx.bucket_props(dst_bucket)
        etl_name = request.query.get(query.ETL_NAME, "")
        if etl_name:
            etl_args, pipeline = (
                request.query.get(query.ETL_ARGS, ""),
                request.query.get(query.ETL_PIPELINE, ""),
            )
            await etl_control.copy_transformed(
                ctx, bucket, name, dst_bucket, dst_name, etl_name, etl_args, pipeline
            )
            return web.Response()
        latest = query.parse_bool(request.query.get(query.LATEST_VER))
        synchronize = query.parse_bool(request.query.get(query.SYNCHRONIZE))
        await object_ops.copy(ctx, bucket, name, dst_bucket, dst_name, latest, synchronize)
        return web.Response()
    if args.size is not None and args.size <= put_object.SMALL_BODY:
        data = await streaming.read_small_body(request, args.size)
        meta = await put_object.put_small(ctx, args, data)
    else:
        meta = await put_object.put_stream(ctx, args, streaming.body_chunks(request))
    await misplaced_writes.hand_over(ctx, bucket, name)
    return web.Response(headers=object_headers.for_put(meta, ctx.node.daemon_id))


def _parse_object_to(uname: str) -> tuple[BucketId, str]:
    try:
        bucket, name = parse_uname(uname)
    except ValueError as exc:
        raise BadRequest(f"invalid object_to: {exc}") from exc
    if not name:
        raise BadRequest(f'invalid object_to "{uname}": no object name')
    return bucket, name


async def _append(request: web.Request, args: put_object.PutArgs, append_type: str) -> web.Response:
    ctx = request.app[CONTEXT]
    wire_handle = request.query.get(query.APPEND_HANDLE, "")
    token = query.split_append_handle(wire_handle)[1]
    if append_type == query.APPEND:
        token = await put_object.append(ctx, args, token, streaming.body_chunks(request))
        return web.Response(
            headers={headers.APPEND_HANDLE: query.make_append_handle(ctx.node.daemon_id, token)}
        )
    if append_type == query.FLUSH:
        if not token:
            raise BadRequest(f"flush {args.bucket.object_cname(args.name)}: missing append handle")
        if await streaming.has_body(request):
            # AIS ignores a flush's body; refusing it keeps those bytes from being lost unseen.
            raise BadRequest(
                f"flush {args.bucket.object_cname(args.name)}: a flush takes no body; "
                "append the bytes first, then flush"
            )
        meta = await put_object.flush(ctx, args, token)
        await misplaced_writes.hand_over(ctx, args.bucket, args.name)
        return web.Response(headers=object_headers.for_put(meta, ctx.node.daemon_id))
    raise BadRequest(f'invalid append_type "{append_type}" (expected "append" or "flush")')


async def delete(request: web.Request) -> web.Response:
    """DELETE object, or abort a multipart upload (uploadId)."""
    ctx = request.app[CONTEXT]
    bucket, name = request_parsing.bucket_id(request), request_parsing.object_name(request)
    bucket = await table_catchup.await_bucket(ctx, bucket, request_parsing.is_redirected(request))
    if query.UPLOAD_ID in request.query:
        return await multipart_handlers.abort(request, bucket, name)
    _redirect_if_not_owner(request, bucket, name, 307)
    await object_ops.delete(ctx, bucket, name)
    return web.Response()


async def patch(request: web.Request) -> web.Response:
    """PATCH object: set custom metadata (merge, or replace with set-new-custom)."""
    ctx = request.app[CONTEXT]
    bucket, name = request_parsing.bucket_id(request), request_parsing.object_name(request)
    _redirect_if_not_owner(request, bucket, name, 307)
    msg = await request_parsing.required_action(request)
    custom = validate_custom(bucket, name, msg.value)
    replace = query.parse_bool(request.query.get(query.SET_NEW_CUSTOM))
    await object_ops.set_custom(ctx, bucket, name, custom, replace)
    return web.Response()


async def post(request: web.Request) -> web.Response:
    """POST object actions: rename-obj, check-lock, and multipart upload start and completion."""
    ctx = request.app[CONTEXT]
    bucket, name = request_parsing.bucket_id(request), request_parsing.object_name(request)
    if query.UPLOAD_ID in request.query:
        return await multipart_handlers.complete(request, bucket, name)
    _redirect_if_not_owner(request, bucket, name, 307)
    msg = await request_parsing.required_action(request)
    if msg.action == actions.MPT_UPLOAD:
        return await multipart_handlers.create(request, bucket, name)
    if msg.action == actions.RENAME_OBJ:
        request_counters.count_as(request, request_counters.RENAME)
        await object_ops.rename(ctx, bucket, name, msg.name)
        return web.Response()
    if msg.action == actions.CHECK_LOCK:
        # Writers publish by atomic rename and hold no lock a reader could observe.
        await object_ops.head(ctx, bucket, name)
        return web.Response()
    raise UnknownAction(msg.action)


async def list_page(request: web.Request) -> web.Response:
    """Internal: this target's share of a listing page, as a msgpack array of entries."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    msg = await request_parsing.read_message(request, LsoMsg.from_json)
    size = msg.page_size or DEFAULT_PAGE_SIZE
    entries = await asyncio.to_thread(list_objects.wire_page, ctx, bucket, msg, size)
    data = msgpack.packb(entries)
    return web.Response(body=data, content_type=headers.MSGPACK_TYPE)
