"""S3's multipart upload API onto the native one (one engine: storage/multipart.py on the target).

CreateMultipartUpload -> mpt-upload, UploadPart -> a part PUT (streamed), CompleteMultipartUpload
-> mpt-complete (the parts' ETags checked by the target), AbortMultipartUpload -> mpt-abort,
ListParts and ListMultipartUploads -> the targets' upload listings. The upload ID names the target
holding the parts, so every request of an upload reaches it.
"""

from typing import Final

from aiohttp import web

from pyaistore.node_context import NodeContext
from pyaistore.proxy import buckets, upload_relay
from pyaistore.s3 import payload, xml_render
from pyaistore.s3.addressing import S3Request
from pyaistore.s3.object_handlers import write_body
from pyaistore.s3.object_headers import requested_metadata
from pyaistore.s3.s3_errors import S3Error
from pyaistore.wire import headers, s3

__all__ = ["abort_upload", "complete_upload", "create_upload", "list_parts", "part_number", "upload_part"]

_DEFAULT_MAX_PARTS: Final = 1000


def _xml(body: str) -> web.Response:
    return web.Response(text=body, content_type=s3.XML_TYPE)


def part_number(req: S3Request) -> int:
    """The partNumber: 1..10,000 (InvalidArgument otherwise)."""
    raw = req.query.get(s3.PART_NUMBER, "")
    if not raw.isdigit() or not 1 <= int(raw) <= s3.MAX_PART_NUMBER:
        raise S3Error(
            s3.INVALID_ARGUMENT, f"part number must be an integer between 1 and {s3.MAX_PART_NUMBER}"
        )
    return int(raw)


def _upload_id(req: S3Request) -> str:
    upload_id = req.query.get(s3.UPLOAD_ID, "")
    if not upload_id:
        raise S3Error(s3.INVALID_ARGUMENT, "empty uploadId")
    return upload_id


async def create_upload(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """CreateMultipartUpload: started on the object's owner; its metadata goes to the object."""
    bucket = buckets.by_name(ctx, req.bucket)
    custom = requested_metadata(req)
    custom.pop(s3.ETAG_KEY, None)  # a Content-MD5 on this request covers no object bytes
    upload_id = await upload_relay.create(ctx, bucket, req.key, custom)
    return _xml(xml_render.initiate_upload(req.bucket, req.key, upload_id))


async def upload_part(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """UploadPart: the body streamed to the upload's target (at most 5 GiB); the part's ETag."""
    bucket = buckets.by_name(ctx, req.bucket)
    number, upload_id = part_number(req), _upload_id(req)
    body, size = write_body(ctx, req, request)
    if size is not None and size > s3.MAX_PART_SIZE:
        raise S3Error(s3.ENTITY_TOO_LARGE, f"a part may be at most {s3.MAX_PART_SIZE} bytes")
    etag = await upload_relay.put_part(ctx, bucket, req.key, upload_id, number, body, size)
    return web.Response(headers={headers.ETAG: etag})


async def complete_upload(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """CompleteMultipartUpload: the parts, in ascending order, assembled into the object."""
    bucket = buckets.by_name(ctx, req.bucket)
    upload_id = _upload_id(req)
    document = await payload.read_document(request, ctx.config.body_timeout, req.headers, req.auth)
    parts = xml_render.parse_complete(document)
    if not parts:
        raise S3Error(s3.MALFORMED_XML, "the part list is empty")
    numbers = [number for number, _ in parts]
    if numbers != sorted(set(numbers)):
        raise S3Error(s3.INVALID_PART_ORDER, "the parts must be listed once each, in ascending order")
    _, etag = await upload_relay.complete(ctx, bucket, req.key, upload_id, parts)
    return _xml(xml_render.upload_completed(req.resource, req.bucket, req.key, etag))


async def abort_upload(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """AbortMultipartUpload (204): the parts are removed."""
    await upload_relay.abort(ctx, buckets.by_name(ctx, req.bucket), req.key, _upload_id(req))
    return web.Response(status=204)


async def list_parts(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """ListParts, after part-number-marker, at most max-parts."""
    bucket = buckets.by_name(ctx, req.bucket)
    upload_id = _upload_id(req)
    marker_text, max_text = req.query.get(s3.PART_NUMBER_MARKER, "0"), req.query.get(s3.MAX_PARTS, "")
    if not marker_text.isdigit() or (max_text and not max_text.isdigit()):
        raise S3Error(s3.INVALID_ARGUMENT, "part-number-marker and max-parts must be integers")
    marker, max_parts = int(marker_text), min(int(max_text or _DEFAULT_MAX_PARTS), _DEFAULT_MAX_PARTS)
    _, parts = await upload_relay.list_parts(ctx, bucket, req.key, upload_id)
    after = [part for part in parts if part.number > marker]
    page = [(part.number, part.etag, part.size, part.mtime_ns) for part in after[:max_parts]]
    document = xml_render.list_parts(
        req.bucket, req.key, upload_id, page, marker, max_parts, len(after) > max_parts
    )
    return _xml(document)
