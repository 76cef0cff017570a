"""S3 requests on one object: GetObject (ranges), HeadObject, PutObject, DeleteObject, CopyObject.

Each resolves the bucket, calls the native operation on the object's owner through the gateway's
relay (bytes streamed both ways, never held whole), and renders S3's headers or XML.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from email.utils import parsedate_to_datetime
from typing import Final
from urllib.parse import unquote

from aiohttp import web

from pyaistore.cluster.errors import PeerRejected
from pyaistore.node_context import NodeContext
from pyaistore.proxy import buckets, object_relay
from pyaistore.proxy.object_relay import ObjectAttrs, RelayedRead
from pyaistore.s3 import payload, xml_render
from pyaistore.s3.addressing import S3Request
from pyaistore.s3.object_headers import etag, object_headers, requested_metadata
from pyaistore.s3.s3_errors import S3Error
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.wire import headers, s3

__all__ = ["copy_object", "delete_object", "get_object", "head_object", "put_object", "write_body"]

log = logging.getLogger(__name__)

# Objects up to this size are read whole by the gateway and sent in one write.
SMALL_GET: Final = 1 << 20


async def get_object(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """GetObject: 1) resolve 2) open on the owner (Range passed on) 3) S3 headers 4) the bytes:
    small ones read whole, the rest spliced from the owner's connection into the client's."""
    bucket = buckets.by_name(ctx, req.bucket)
    relayed = await object_relay.open_read(ctx, bucket, req.key, req.header(headers.RANGE) or None, SMALL_GET)
    try:
        _check_conditions(req, relayed.attrs)
        reply_headers = object_headers(relayed.attrs, req)
        if relayed.partial:
            reply_headers[headers.CONTENT_RANGE] = relayed.content_range
        status = 206 if relayed.partial else 200
        if relayed.length <= SMALL_GET:
            return web.Response(status=status, headers=reply_headers, body=await relayed.read_small())
        response = web.StreamResponse(status=status, headers=reply_headers)
        response.content_length = relayed.length
    except BaseException:
        relayed.close()
        raise
    await response.prepare(request)
    try:
        await _send_body(request, response, relayed)
    except (ConnectionResetError, asyncio.CancelledError):
        relayed.close()
        raise
    except Exception:
        # The status line is out: cutting the connection short is how the client learns.
        log.exception("S3 GET %s failed after the reply started", req.resource)
        relayed.close()
        if request.transport is not None:
            request.transport.close()
        return response
    await response.write_eof()
    return response


async def _send_body(request: web.Request, response: web.StreamResponse, relayed: RelayedRead) -> None:
    """Splice the owner's reply into the client's socket once the headers are out (chunks where
    the socket cannot be spliced into)."""
    transport = request.transport
    sock = transport.get_extra_info("socket") if transport is not None else None
    if transport is None or sock is None or transport.get_extra_info("sslcontext") is not None:
        async for chunk in relayed.chunks():
            await response.write(chunk)
        return
    while transport.get_write_buffer_size():  # the headers must leave before the spliced body
        await asyncio.sleep(0.001)
    await relayed.pump(sock.fileno())


async def head_object(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """HeadObject: the object's S3 headers and size."""
    attrs = await object_relay.head(ctx, buckets.by_name(ctx, req.bucket), req.key)
    _check_conditions(req, attrs)
    reply = web.Response(headers=object_headers(attrs, req))
    reply.headers[headers.CONTENT_LENGTH] = str(attrs.size)
    return reply


def _check_conditions(req: S3Request, attrs: ObjectAttrs) -> None:
    """If-Match (412 PreconditionFailed) and If-None-Match (304) on the object's ETag."""
    current = etag(attrs)
    wanted = req.header(s3.H_IF_MATCH)
    if wanted and wanted != "*" and current not in _etags(wanted):
        raise S3Error(s3.PRECONDITION_FAILED, "At least one of the pre-conditions you specified did not hold")
    unwanted = req.header(s3.H_IF_NONE_MATCH)
    if unwanted and (unwanted == "*" or current in _etags(unwanted)):
        raise web.HTTPNotModified(headers={headers.ETAG: current})


def _etags(text: str) -> set[str]:
    return {f'"{item.strip().strip(chr(34))}"' for item in text.split(",")}


def write_body(
    ctx: NodeContext, req: S3Request, request: web.Request
) -> tuple[AsyncIterator[bytes], int | None]:
    """A write's payload as it will be relayed: (checked chunk stream, size)."""
    size = payload.payload_size(req.headers, req.content_length)
    decoder = payload.AwsChunkedDecoder(req.auth) if payload.is_aws_chunked(req.headers) else None
    digests = payload.digests_for(req.headers, req.auth)
    chunks = payload.request_chunks(request, ctx.config.body_timeout)
    return payload.checked(chunks, digests, decoder), size


async def put_object(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """PutObject: the body streamed to the owner's native PUT, checked on the way."""
    bucket = buckets.by_name(ctx, req.bucket)
    body, size = write_body(ctx, req, request)
    attrs = await object_relay.write(ctx, bucket, req.key, body, size, requested_metadata(req))
    return web.Response(headers={headers.ETAG: etag(attrs)})


async def delete_object(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """DeleteObject: 204, also when there was no such key (S3's rule; AIS answers 404)."""
    bucket = buckets.by_name(ctx, req.bucket)
    try:
        await object_relay.delete(ctx, bucket, req.key)
    except ObjectNotFound:
        pass
    except PeerRejected as exc:
        if exc.status != 404:
            raise
    return web.Response(status=204)


def _copy_source(req: S3Request) -> tuple[str, str]:
    """x-amz-copy-source: `[/]bucket/key[?versionId=...]`, URL-encoded (sometimes twice)."""
    raw = req.header(s3.H_COPY_SOURCE).split("?", 1)[0]
    source = unquote(raw)
    if "%" in source:
        source = unquote(source)
    bucket, _, key = source.lstrip("/").partition("/")
    if not bucket or not key:
        raise S3Error(s3.INVALID_ARGUMENT, f"invalid {s3.H_COPY_SOURCE} {raw!r}")
    return bucket, key


def _check_copy_conditions(req: S3Request, attrs: ObjectAttrs) -> None:
    """x-amz-copy-source-if-(none-)match / -if-(un)modified-since (412 PreconditionFailed)."""
    current, modified = etag(attrs), attrs.atime_ns / 1e9
    failed = False
    if (wanted := req.header(s3.H_COPY_IF_MATCH)) and current not in _etags(wanted):
        failed = True
    if (unwanted := req.header(s3.H_COPY_IF_NONE_MATCH)) and current in _etags(unwanted):
        failed = True
    if (since := _http_time(req.header(s3.H_COPY_IF_MODIFIED_SINCE))) is not None and modified <= since:
        failed = True
    if (until := _http_time(req.header(s3.H_COPY_IF_UNMODIFIED_SINCE))) is not None and modified > until:
        failed = True
    if failed:
        raise S3Error(s3.PRECONDITION_FAILED, "At least one of the pre-conditions you specified did not hold")


def _http_time(text: str) -> float | None:
    if not text:
        return None
    try:
        return parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError):
        return None


async def copy_object(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """CopyObject: the source's owner copies it (data and metadata); REPLACE sets new metadata."""
    src_name, src_key = _copy_source(req)
    src_bucket, dst_bucket = buckets.by_name(ctx, src_name), buckets.by_name(ctx, req.bucket)
    replace = req.header(s3.H_METADATA_DIRECTIVE).upper() == s3.METADATA_REPLACE
    source = await object_relay.head(ctx, src_bucket, src_key)
    _check_copy_conditions(req, source)
    same = (src_bucket, src_key) == (dst_bucket, req.key)
    if same and not replace:
        raise S3Error(
            s3.INVALID_REQUEST,
            "This copy request is illegal because it is trying to copy an object to itself without "
            "changing the object's metadata",
        )
    if not same:
        await object_relay.copy(ctx, src_bucket, src_key, dst_bucket, req.key)
    if replace:
        custom = requested_metadata(req)
        if s3.ETAG_KEY in source.custom:
            custom[s3.ETAG_KEY] = source.custom[s3.ETAG_KEY]
        await object_relay.set_custom(ctx, dst_bucket, req.key, custom, replace=True)
    copied = await object_relay.head(ctx, dst_bucket, req.key)
    document = xml_render.copy_result(etag(copied), xml_render.iso_time(copied.atime_ns))
    return web.Response(text=document, content_type=s3.XML_TYPE)
