"""PUT with archpath on a target: write the body as one file of a shard, new or appended (reference §3.5).

Flags (header Ais-Pine): 0 writes a shard holding just this file; ARCH_APPEND appends to an
existing shard (404 when there is none); any other value appends, or creates a missing shard.
"""

import asyncio
import dataclasses
from collections.abc import AsyncIterator

from pyaistore.cluster.errors import BadRequest
from pyaistore.node_context import NodeContext
from pyaistore.storage import archive_formats
from pyaistore.storage.archive_append import ArchiveAppender
from pyaistore.storage.errors import ArchiveError, ObjectNotFound
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore
from pyaistore.target import ec_put
from pyaistore.target.get_archived import strip_object_name
from pyaistore.target.put_object import PutArgs, batches, write_props
from pyaistore.wire import fields, headers
from pyaistore.wire.bucket_id import BucketId

__all__ = ["parse_flags", "put_archived"]


def parse_flags(value: str | None, cname: str) -> int:
    """The Ais-Pine value as an int (absent: 0); BadRequest when it is not a number."""
    if not value:
        return 0
    try:
        return fields.int_text(value, "flags", 0, 2**32 - 1)
    except ValueError:
        raise BadRequest(f'failed to archive {cname}: invalid flags "{value}" in the request') from None


def _format(store: ObjectStore, bucket: BucketId, name: str, archmime: str) -> str:
    """Blocking: archmime, else the extension, else the magic bytes of the shard already there."""
    try:
        return archive_formats.resolve(name, archmime, None)
    except ArchiveError:
        if archmime:
            raise
    try:
        existing = store.open(bucket, name)
    except ObjectNotFound:
        return archive_formats.resolve(name, "", None)  # raises the unknown-extension error
    with existing:
        return archive_formats.resolve(name, "", existing)


async def put_archived(
    ctx: NodeContext, args: PutArgs, archpath: str, archmime: str, flags: int, body: AsyncIterator[bytes]
) -> ObjectMeta:
    """Stream the body into the shard as the file `archpath`, then publish the new shard version."""
    cname = args.bucket.object_cname(args.name)
    member = strip_object_name(archpath, args.name)
    if not member or member.endswith("/"):
        raise BadRequest(f'failed to archive {cname}: invalid archpath "{archpath}"')
    if not args.size:
        raise BadRequest(f'failed to archive {cname}: missing "{headers.CONTENT_LENGTH}" in the request')
    # The client's checksum headers, if any, describe the file, not the shard that stores it.
    props = dataclasses.replace(write_props(ctx, args), expected_type="", expected_value="")
    store = ctx.object_store
    fmt = await asyncio.to_thread(_format, store, args.bucket, args.name, archmime)
    appender = await asyncio.to_thread(
        ArchiveAppender,
        store,
        args.bucket,
        args.name,
        fmt,
        member,
        args.size,
        props,
        append=flags != 0,
        create_if_missing=flags != headers.ARCH_APPEND,
    )
    try:
        async for piece in batches(body):
            await asyncio.to_thread(appender.write, piece)
        meta = await asyncio.to_thread(appender.commit)
    except BaseException:
        await asyncio.to_thread(appender.abort)
        raise
    await ec_put.protect(ctx, args.bucket, args.name, meta)  # a new shard version: new pieces
    return meta
