"""Multipart uploads on a target (AIS's native `mpt-upload`, and S3's through the gateway).

Each operation is one call into `storage/multipart.py` in an executor, with the body streamed in
bounded batches. The upload ID names this target (`<target id>.<token>`), so the gateway sends
every later request of the upload here even if the cluster map changes meanwhile; completing
then publishes the object here, and hands it to its owner like any misplaced write.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Final

from pyaistore.cluster.errors import BadRequest, NotSupported
from pyaistore.node_context import NodeContext
from pyaistore.storage import layout
from pyaistore.storage.errors import InvalidPart, UploadNotFound
from pyaistore.storage.multipart import Uploads
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import ec_put, misplaced_writes, put_object
from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.multipart import PartInfo, UploadInfo

__all__ = [
    "MAX_PART_NUMBER",
    "MAX_PART_SIZE",
    "abort",
    "complete",
    "create",
    "list_parts",
    "list_uploads",
    "parse_part_number",
    "put_part",
    "sweep_forever",
]

log = logging.getLogger(__name__)

# S3's limits, which AIS keeps too: part numbers 1..10,000, each part at most 5 GiB.
MAX_PART_NUMBER: Final = 10_000
MAX_PART_SIZE: Final = 5 << 30


def _uploads(ctx: NodeContext, bucket: BucketId) -> Uploads:
    ctx.bucket_props(bucket)
    return Uploads(ctx.object_store)


def _token(bucket: BucketId, name: str, upload_id: str) -> str:
    """The work-area token of an upload ID; UploadNotFound when the ID cannot be one of ours."""
    _, token = query.split_upload_id(upload_id)
    if not layout.is_valid_token(token):
        raise UploadNotFound(bucket, name, upload_id)
    return token


def parse_part_number(text: str | None) -> int:
    """The partNumber query value: an integer in 1..10,000 (400 otherwise)."""
    try:
        number = int(text or "")
    except ValueError as exc:
        raise BadRequest(f"invalid part number {text!r}") from exc
    if not 1 <= number <= MAX_PART_NUMBER:
        raise BadRequest(f"part number must be in 1..{MAX_PART_NUMBER}, got {number}")
    return number


async def create(ctx: NodeContext, bucket: BucketId, name: str, custom: dict[str, str]) -> str:
    """Start an upload here; returns its ID."""
    uploads = _uploads(ctx, bucket)
    if bucket.is_remote:
        raise NotSupported(f"multipart upload into {bucket.cname}: remote buckets are not supported yet")
    token = layout.new_token()
    upload_id = query.make_upload_id(ctx.node.daemon_id, token)
    await asyncio.to_thread(uploads.create, bucket, name, upload_id, token, custom)
    return upload_id


async def put_part(
    ctx: NodeContext,
    bucket: BucketId,
    name: str,
    upload_id: str,
    number: int,
    size: int | None,
    body: AsyncIterator[bytes],
) -> PartInfo:
    """Stream one part (at most 5 GiB) into the upload's work area; a part of that number replaces it."""
    where = bucket.object_cname(name)
    if size == 0:
        raise InvalidPart(f"{where}: put-part invalid size (0)")
    if size is not None and size > MAX_PART_SIZE:
        raise InvalidPart(f"{where}: part {number} of {size} bytes exceeds the {MAX_PART_SIZE}-byte limit")
    uploads = _uploads(ctx, bucket)
    token = _token(bucket, name, upload_id)
    writer = await asyncio.to_thread(uploads.part_writer, token, bucket, name, upload_id, number)
    try:
        async for piece in put_object.batches(body):
            if writer.size + len(piece) > MAX_PART_SIZE:
                raise InvalidPart(f"{where}: part {number} exceeds the {MAX_PART_SIZE}-byte limit")
            await asyncio.to_thread(writer.write, piece)
        return await asyncio.to_thread(writer.commit)
    finally:
        await asyncio.to_thread(writer.abort)


async def complete(
    ctx: NodeContext, bucket: BucketId, name: str, upload_id: str, requested: list[tuple[int, str]]
) -> tuple[ObjectMeta, str]:
    """Assemble the upload into the object (atomically), protect and place it; (meta, S3 ETag)."""
    uploads = _uploads(ctx, bucket)
    token = _token(bucket, name, upload_id)
    props = put_object.write_props(ctx, put_object.PutArgs(bucket, name))
    meta, etag = await asyncio.to_thread(uploads.complete, token, bucket, name, upload_id, requested, props)
    await ec_put.protect(ctx, bucket, name, meta)
    await misplaced_writes.hand_over(ctx, bucket, name)
    return meta, etag


async def abort(ctx: NodeContext, bucket: BucketId, name: str, upload_id: str) -> None:
    """Drop the upload and every part it has."""
    uploads = _uploads(ctx, bucket)
    await asyncio.to_thread(uploads.abort, _token(bucket, name, upload_id), bucket, name, upload_id)


async def list_parts(
    ctx: NodeContext, bucket: BucketId, name: str, upload_id: str
) -> tuple[UploadInfo, list[PartInfo]]:
    """The upload and its parts, by number."""
    uploads = _uploads(ctx, bucket)
    return await asyncio.to_thread(uploads.parts, _token(bucket, name, upload_id), bucket, name, upload_id)


async def list_uploads(ctx: NodeContext, bucket: BucketId) -> list[UploadInfo]:
    """The uploads of a bucket in progress on this target, oldest first."""
    uploads = _uploads(ctx, bucket)
    return await asyncio.to_thread(uploads.uploads, bucket)


async def sweep_forever(ctx: NodeContext, interval_s: float, idle_s: float) -> None:
    """Every `interval_s`, abort uploads idle for `idle_s` and those of buckets that are gone."""

    def keep(info: UploadInfo) -> bool:
        # Before the first bucket table arrives every bucket would look gone: keep them all.
        return ctx.meta.buckets.version == 0 or ctx.meta.buckets.view(info.bucket) is not None

    uploads = Uploads(ctx.object_store)
    while True:
        await asyncio.sleep(interval_s)
        try:
            removed = await asyncio.to_thread(uploads.sweep, idle_s, keep)
        except Exception:
            log.exception("the multipart upload sweep failed")
            continue
        if removed:
            log.info("expired %d multipart upload(s)", removed)
