"""Multipart uploads carried out by the gateway on the target that holds them (S3's multipart API).

The same native calls the official SDK's `multipart_upload()` makes (reference §4.11), sent to the
target named in the upload ID (or the object's owner, for an ID that is not ours), with part bodies
streamed through. Listing every upload of a bucket asks every target.
"""

import asyncio
from collections.abc import AsyncIterable
from typing import Final
from urllib.parse import quote

from pyaistore.cluster import cluster_map
from pyaistore.cluster.errors import PeerFailed, PeerRejected
from pyaistore.node_context import NodeContext
from pyaistore.proxy import redirect
from pyaistore.proxy.object_relay import LONG_CALL_TIMEOUT, ObjectAttrs, TrackedBody
from pyaistore.wire import actions, headers, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Snode
from pyaistore.wire.multipart import ETAG_KEY, PART_NUMBER_KEY, PartInfo, UploadInfo

__all__ = ["abort", "complete", "create", "list_parts", "list_uploads", "put_part"]

_ACTION: Final = "action"


def _holder(ctx: NodeContext, bucket: BucketId, name: str, upload_id: str) -> Snode:
    ctx.bucket_props(bucket)
    return redirect.target_for(ctx, bucket, name, query.split_upload_id(upload_id)[0])


def _upload_query(upload_id: str, part: int = 0) -> str:
    extra = f"{query.UPLOAD_ID}={quote(upload_id, safe='')}"
    return extra + f"&{query.PART_NUMBER}={part}" if part else extra


async def create(ctx: NodeContext, bucket: BucketId, name: str, custom: dict[str, str]) -> str:
    """Start an upload on the object's owner; its ID."""
    node = _holder(ctx, bucket, name, "")
    hdrs = {headers.CUSTOM_MD: ",".join(f"{k}={v}" for k, v in custom.items())} if custom else None
    body = {_ACTION: actions.MPT_UPLOAD, "name": "", "value": None}
    reply = await ctx.peer_api.object_call(node, "POST", bucket, name, json_body=body, hdrs=hdrs)
    return reply.body.decode().strip()


async def put_part(
    ctx: NodeContext,
    bucket: BucketId,
    name: str,
    upload_id: str,
    number: int,
    body: AsyncIterable[bytes] | bytes,
    size: int | None,
) -> str:
    """Stream one part to the upload's target; the part's ETag (quoted MD5)."""
    node = _holder(ctx, bucket, name, upload_id)
    hdrs = {headers.CONTENT_LENGTH: str(size)} if size is not None else {}
    tracked = TrackedBody(body)
    try:
        reply = await ctx.peer_api.put_object(
            node, bucket, name, tracked.payload, hdrs, _upload_query(upload_id, number)
        )
    except Exception:
        tracked.reraise()
        raise
    return reply.headers.get(headers.ETAG, "")


async def complete(
    ctx: NodeContext, bucket: BucketId, name: str, upload_id: str, parts: list[tuple[int, str]]
) -> tuple[ObjectAttrs, str]:
    """Assemble the upload into the object; its attributes and S3 ETag (quoted)."""
    node = _holder(ctx, bucket, name, upload_id)
    value = [{PART_NUMBER_KEY: number, ETAG_KEY: etag} for number, etag in parts]
    body = {_ACTION: actions.MPT_COMPLETE, "name": "", "value": value}
    reply = await ctx.peer_api.object_call(
        node, "POST", bucket, name, _upload_query(upload_id), json_body=body, timeout=LONG_CALL_TIMEOUT
    )
    return ObjectAttrs.from_headers(reply.headers), reply.headers.get(headers.ETAG, "")


async def abort(ctx: NodeContext, bucket: BucketId, name: str, upload_id: str) -> None:
    """Drop the upload and its parts."""
    node = _holder(ctx, bucket, name, upload_id)
    body = {_ACTION: actions.MPT_ABORT, "name": "", "value": None}
    await ctx.peer_api.object_call(node, "DELETE", bucket, name, _upload_query(upload_id), json_body=body)


async def list_parts(
    ctx: NodeContext, bucket: BucketId, name: str, upload_id: str
) -> tuple[UploadInfo, list[PartInfo]]:
    """The upload and its parts."""
    node = _holder(ctx, bucket, name, upload_id)
    return await ctx.peer_api.list_parts(node, bucket, name, upload_id)


async def list_uploads(ctx: NodeContext, bucket: BucketId) -> list[UploadInfo]:
    """Every upload of the bucket in progress on any target, oldest first (by key, then time)."""
    ctx.bucket_props(bucket)

    async def one(node: Snode) -> list[UploadInfo]:
        try:
            return await ctx.peer_api.list_uploads(node, bucket)
        except PeerFailed:
            if cluster_map.is_leaving(node):
                return []
            raise
        except PeerRejected as exc:
            if cluster_map.has_left(node, exc.tcode):
                return []  # decommissioned: it forgot the cluster before the map dropped it
            raise

    found = await asyncio.gather(*(one(node) for node in cluster_map.working_targets(ctx.smap)))
    return sorted(
        (info for part in found for info in part), key=lambda i: (i.name, i.initiated_ns, i.upload_id)
    )
