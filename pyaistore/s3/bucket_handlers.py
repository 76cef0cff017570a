"""S3 requests on the service and on buckets: each parses, calls one native operation, renders XML.

An S3 bucket name is looked up by name alone among every provider's buckets (AIS's rule);
CreateBucket makes an `ais://` bucket. DeleteBucket removes a bucket whatever it holds, as AIS does.
"""

import asyncio
import re
from typing import Final

from aiohttp import web

from pyaistore.cluster.errors import BucketNotFound, PeerRejected
from pyaistore.node_context import NodeContext
from pyaistore.proxy import buckets, fanout, object_relay, upload_relay
from pyaistore.s3 import payload, xml_render
from pyaistore.s3.addressing import S3Request, validate_bucket
from pyaistore.s3.s3_errors import S3Error, code_for
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.wire import messages, s3
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import LsoMsg

__all__ = [
    "create_bucket",
    "delete_bucket",
    "delete_objects",
    "get_location",
    "get_versioning",
    "head_bucket",
    "list_buckets",
    "list_objects",
    "list_uploads",
    "put_versioning",
]

_LIST_PROPS: Final = "size,checksum,atime,version,custom"
_ETAG_IN_CUSTOM: Final = re.compile(r"(?:^\[|\s)" + s3.ETAG_KEY + r":([^\s\]]*)")
# Deletes of one DeleteObjects request in flight at once.
DELETE_FANOUT: Final = 16


def _xml(body: str, status: int = 200) -> web.Response:
    return web.Response(status=status, text=body, content_type=s3.XML_TYPE)


async def list_buckets(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """ListBuckets: the buckets of the cluster's bucket table (global namespace)."""
    found = [b for b in buckets.list_buckets(ctx, "") if b.namespace.is_global]
    rows = [(b.name, int(str(ctx.bucket_props(b).get("created") or 0))) for b in found]
    return _xml(xml_render.list_buckets(rows))


async def create_bucket(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """CreateBucket: a new ais:// bucket; 409 BucketAlreadyExists when any provider has the name."""
    validate_bucket(req.bucket)
    try:
        existing = buckets.by_name(ctx, req.bucket)
    except BucketNotFound:
        await buckets.create(ctx, BucketId(req.bucket), None)
        return web.Response(headers={"Location": "/" + req.bucket})
    raise S3Error(s3.BUCKET_EXISTS, f"bucket {existing.cname} already exists")


async def delete_bucket(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """DeleteBucket (204)."""
    await buckets.destroy(ctx, buckets.by_name(ctx, req.bucket))
    return web.Response(status=204)


async def head_bucket(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """HeadBucket: 200 with the region AIS reports."""
    buckets.by_name(ctx, req.bucket)
    return web.Response(headers={s3.H_BUCKET_REGION: s3.REGION})


async def get_location(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """GetBucketLocation: the default region (an empty constraint)."""
    buckets.by_name(ctx, req.bucket)
    return _xml(xml_render.location(""))


async def get_versioning(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """GetBucketVersioning, from the bucket's versioning property."""
    props = ctx.bucket_props(buckets.by_name(ctx, req.bucket))
    versioning = props.get("versioning")
    enabled = bool(versioning.get("enabled", True)) if isinstance(versioning, dict) else True
    return _xml(xml_render.versioning(enabled))


async def put_versioning(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """PutBucketVersioning: sets the bucket's versioning.enabled."""
    bucket = buckets.by_name(ctx, req.bucket)
    body = await payload.read_document(request, ctx.config.body_timeout, req.headers, req.auth)
    enabled = xml_render.parse_versioning(body)
    await buckets.set_props(ctx, bucket, {"versioning": {"enabled": enabled}})
    return web.Response()


def _max_keys(req: S3Request, name: str) -> int:
    raw = req.query.get(name, "")
    if not raw:
        return s3.MAX_KEYS_LIMIT
    try:
        value = int(raw)
    except ValueError as exc:
        raise S3Error(s3.INVALID_ARGUMENT, f"invalid {name} {raw!r}") from exc
    if value < 0:
        raise S3Error(s3.INVALID_ARGUMENT, f"{name} must not be negative")
    return min(value, s3.MAX_KEYS_LIMIT)


def _entry_etag(entry: messages.ListEntry) -> str:
    found = _ETAG_IN_CUSTOM.search(entry.custom) if entry.custom else None
    return f'"{found.group(1) if found else entry.checksum}"'


async def list_objects(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """ListObjects (V1) and ListObjectsV2: one native listing page, in S3's shape.

    The continuation token (and V1's marker) is the last name of the previous page; a "/"
    delimiter lists one level, with the directories as CommonPrefixes.
    """
    bucket = buckets.by_name(ctx, req.bucket)
    v2 = req.query.get(s3.LIST_TYPE) == "2"
    prefix, delimiter = req.query.get(s3.PREFIX, ""), req.query.get(s3.DELIMITER, "")
    if delimiter not in ("", "/"):
        raise S3Error(s3.INVALID_ARGUMENT, 'only the "/" delimiter is supported')
    max_keys = _max_keys(req, s3.MAX_KEYS)
    token = req.query.get(s3.CONTINUATION_TOKEN if v2 else s3.MARKER, "")
    start_after = req.query.get(s3.START_AFTER, "") if v2 else ""
    objects: list[xml_render.ListedObject] = []
    prefixes: list[str] = []
    next_token = ""
    if max_keys > 0:
        msg = LsoMsg(
            prefix=prefix,
            page_size=max_keys,
            props=_LIST_PROPS,
            continuation_token=token or start_after,
            flags=messages.LSO_NO_RECURSION if delimiter else 0,
            time_format=messages.TIME_FORMAT_RFC3339,
        )
        page = await fanout.list_objects(ctx, bucket, msg)
        for entry in page.entries:
            if entry.flags & messages.ENTRY_IS_DIR:
                prefixes.append(entry.name if entry.name.endswith("/") else entry.name + "/")
            else:
                objects.append(
                    xml_render.ListedObject(entry.name, entry.size, _entry_etag(entry), entry.atime)
                )
        next_token = page.continuation_token
    document = xml_render.list_objects(
        req.bucket, prefix, delimiter, max_keys, objects, prefixes, next_token, v2, token, start_after
    )
    return _xml(document)


async def delete_objects(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """DeleteObjects: every key deleted on its owner (a missing key counts as deleted, as in S3)."""
    bucket = buckets.by_name(ctx, req.bucket)
    body = await payload.read_document(request, ctx.config.body_timeout, req.headers, req.auth)
    keys, quiet = xml_render.parse_delete(body)
    if len(keys) > s3.MAX_KEYS_LIMIT:
        raise S3Error(s3.MALFORMED_XML, f"at most {s3.MAX_KEYS_LIMIT} keys per request")
    limit = asyncio.Semaphore(DELETE_FANOUT)

    async def one(key: str) -> tuple[str, str, str] | None:
        async with limit:
            try:
                await object_relay.delete(ctx, bucket, key)
            except (ObjectNotFound, PeerRejected) as exc:
                if isinstance(exc, ObjectNotFound) or exc.status == 404:
                    return None
                return key, code_for(exc)[1], str(exc)
            except Exception as exc:  # reported per key, as S3 does
                return key, code_for(exc)[1], str(exc)
            return None

    results = await asyncio.gather(*(one(key) for key in keys))
    failed = [result for result in results if result is not None]
    deleted = [key for key, result in zip(keys, results, strict=True) if result is None]
    return _xml(xml_render.delete_result(deleted, failed, quiet))


async def list_uploads(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
    """ListMultipartUploads: every target's uploads of the bucket, by key and start time."""
    bucket = buckets.by_name(ctx, req.bucket)
    prefix = req.query.get(s3.PREFIX, "")
    key_marker = req.query.get(s3.KEY_MARKER, "")
    id_marker = req.query.get(s3.UPLOAD_ID_MARKER, "")
    max_uploads = _max_keys(req, s3.MAX_UPLOADS)
    rows = [
        (info.name, info.upload_id, info.initiated_ns)
        for info in await upload_relay.list_uploads(ctx, bucket)
        if info.name.startswith(prefix)
    ]
    if key_marker:
        rows = [
            row
            for row in rows
            if row[0] > key_marker or (row[0] == key_marker and id_marker and row[1] > id_marker)
        ]
    page, truncated = rows[:max_uploads], len(rows) > max_uploads
    document = xml_render.list_uploads(
        req.bucket, page, key_marker, id_marker, max_uploads, truncated, prefix
    )
    return _xml(document)
