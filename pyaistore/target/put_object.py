"""PUT, append and flush on a target: stream the body into the store's atomic writer.

In a remote bucket the body goes through to the backend before the local copy is published
(target/write_through.py): the client's acknowledgement means the cloud has it.
"""

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from pyaistore.node_context import NodeContext
from pyaistore.storage import bucket_meta
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import WriteProps
from pyaistore.target import ec_put, remote_refs, write_through
from pyaistore.wire.bucket_id import BucketId

# Bodies up to this size are read whole and written in one executor call.
SMALL_BODY: Final = 256 * 1024
# Larger bodies are written in batches of this size: bounded memory, few executor hops.
BATCH: Final = 1 << 20
# Objects moving between targets (copies, rebalance) up to this size travel in one buffer, read
# and written in one executor call each; memory stays bounded by the number of transfers at once.
PEER_WHOLE: Final = 4 << 20


@dataclass(frozen=True, slots=True)
class PutArgs:
    """A parsed PUT: where, declared size, end-to-end checksum and custom metadata."""

    bucket: BucketId
    name: str
    size: int | None = None
    checksum_type: str = ""
    checksum_value: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    skip_version_check: bool = False


def write_props(ctx: NodeContext, args: PutArgs) -> WriteProps:
    """The store's write properties for this PUT, from the bucket's props and the request."""
    props = ctx.bucket_props(args.bucket)
    checksum = props.get("checksum")
    versioning = props.get("versioning")
    return WriteProps(
        checksum_type=str(checksum.get("type", "xxhash2")) if isinstance(checksum, dict) else "xxhash2",
        versioning=bool(versioning.get("enabled", True)) if isinstance(versioning, dict) else True,
        expected_type=args.checksum_type,
        expected_value=args.checksum_value,
        custom=dict(args.custom),
        skip_version_check=args.skip_version_check,
        copies=mirror_copies(ctx, props),
    )


def mirror_copies(ctx: NodeContext, props: Mapping[str, Any]) -> int:
    """The copies a write into a bucket with these props makes, written before it is acknowledged.

    Synchronous copies (AIS makes them asynchronously, after the reply): an acknowledged object
    survives the loss of a disk at once. With fewer available mountpaths than the bucket asks
    (a disk lost since), as many as there are: a write never fails for want of a disk.
    """
    wanted = bucket_meta.mirror_copies(props)
    return min(wanted, len(ctx.object_store.mountpaths.available)) if wanted > 1 else 1


async def batches(body: AsyncIterator[bytes], size: int = BATCH) -> AsyncIterator[bytes]:
    """Regroup a chunk stream into pieces of about `size` bytes (each byte copied once)."""
    pending: list[bytes] = []
    held = 0
    async for chunk in body:
        pending.append(chunk)
        held += len(chunk)
        if held >= size:
            yield pending[0] if len(pending) == 1 else b"".join(pending)
            pending, held = [], 0
    if pending:
        yield pending[0] if len(pending) == 1 else b"".join(pending)


async def put_small(ctx: NodeContext, args: PutArgs, data: bytes) -> ObjectMeta:
    """Write a body already in memory in one executor call (then its EC pieces, in an EC bucket).

    A remote bucket's body goes to the backend first.
    """
    props = write_props(ctx, args)
    ref = remote_refs.remote_ref(ctx, args.bucket)
    if ref is not None:
        attrs = await write_through.put_bytes(ctx, ref, args.name, data, props.custom)
        props = write_through.stored_props(props, ref.backend.provider, attrs)
    meta = await write_small(ctx, args.bucket, args.name, props, data)
    await ec_put.protect(ctx, args.bucket, args.name, meta)
    return meta


async def put_stream(ctx: NodeContext, args: PutArgs, body: AsyncIterator[bytes]) -> ObjectMeta:
    """Stream a body into a work file, then publish it atomically (then its EC pieces).

    A remote bucket's work file goes to the backend before it is published.
    """
    ref = remote_refs.remote_ref(ctx, args.bucket)
    meta = await write_stream(ctx, args.bucket, args.name, write_props(ctx, args), body, ref)
    await ec_put.protect(ctx, args.bucket, args.name, meta)
    return meta


async def write_small(
    ctx: NodeContext, bucket: BucketId, name: str, props: WriteProps, data: bytes | list[bytes]
) -> ObjectMeta:
    """Store `data` (one buffer, or its pieces in order, never joined) as the object in one
    executor call (work file, checksum, fsync, rename)."""
    store = ctx.object_store
    parts = data if isinstance(data, list) else [data]

    def write() -> ObjectMeta:
        with store.writer(bucket, name, props) as writer:
            for part in parts:
                writer.write(part)
            return writer.commit()

    return await asyncio.to_thread(write)


async def write_stream(
    ctx: NodeContext,
    bucket: BucketId,
    name: str,
    props: WriteProps,
    body: AsyncIterator[bytes],
    remote: "remote_refs.RemoteRef | None" = None,
) -> ObjectMeta:
    """Stream `body` into a work file in bounded batches, then publish it atomically (after
    sending the work file to `remote`'s backend, when given)."""
    writer = await asyncio.to_thread(ctx.object_store.writer, bucket, name, props)
    try:
        async for piece in batches(body):
            await asyncio.to_thread(writer.write, piece)
        if remote is not None:
            attrs = await write_through.put_file(ctx, remote, name, writer.work_path, props.custom)
            stored = write_through.stored_props(props, remote.backend.provider, attrs)
            writer.amend(stored.custom, stored.version)
        return await asyncio.to_thread(writer.commit)
    except BaseException:
        await asyncio.to_thread(writer.abort)
        raise


async def append(ctx: NodeContext, args: PutArgs, handle: str, body: AsyncIterator[bytes]) -> str:
    """Append the body to the object's staging file; return the handle for the next call."""
    ctx.bucket_props(args.bucket)
    store = ctx.object_store
    pieces = [piece async for piece in batches(body)] if args.size and args.size <= BATCH else None
    if pieces is not None:
        return await asyncio.to_thread(store.append, args.bucket, args.name, handle, pieces)
    current = handle
    async for piece in batches(body):
        current = await asyncio.to_thread(store.append, args.bucket, args.name, current, [piece])
    if not current:
        current = await asyncio.to_thread(store.append, args.bucket, args.name, "", [])
    return current


async def flush(ctx: NodeContext, args: PutArgs, handle: str) -> ObjectMeta:
    """Publish the appended data as the object (a remote bucket's goes to the backend first)."""
    props = write_props(ctx, args)
    ref = remote_refs.remote_ref(ctx, args.bucket)
    if ref is not None:
        path = ctx.object_store.append_path(args.bucket, args.name, handle)
        attrs = await write_through.put_file(ctx, ref, args.name, path, props.custom)
        props = write_through.stored_props(props, ref.backend.provider, attrs)
    meta = await asyncio.to_thread(ctx.object_store.flush_append, args.bucket, args.name, handle, props)
    await ec_put.protect(ctx, args.bucket, args.name, meta)
    return meta
