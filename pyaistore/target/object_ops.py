"""HEAD, DELETE, custom metadata, copy and rename of one object on its target.

In remote buckets DELETE and copies go through to the backend (target/write_through.py), and a
copy's source not stored here is fetched first (target/cold_get.py).
"""

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final

from pyaistore.cluster import placement
from pyaistore.cluster.errors import BadRequest
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import MountpathUnavailable, ObjectNotFound
from pyaistore.storage.names import validate_object_name
from pyaistore.storage.object_file import ObjectFile
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import (
    cold_get,
    ec_delete,
    ec_placement,
    ec_put,
    neighbors,
    remote_meta,
    remote_objects,
    remote_refs,
    write_through,
)
from pyaistore.target.put_object import PEER_WHOLE, PutArgs, mirror_copies, write_props, write_stream
from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Snode

STREAM_CHUNK: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class Sent:
    """What sending an object to a peer did: its size, and whether the peer stored it (a migration
    finds an equal or newer copy there when it did not)."""

    meta: ObjectMeta
    stored: bool

    @property
    def size(self) -> int:
        """The object's size."""
        return self.meta.size


async def head(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectMeta:
    """The object's metadata."""
    ctx.bucket_props(bucket)
    return await asyncio.to_thread(ctx.object_store.head, bucket, name)


async def copy_roots(ctx: NodeContext, bucket: BucketId, meta: ObjectMeta) -> tuple[str, ...]:
    """The mountpaths holding a copy identical to `meta` (just read), the one reads use first.

    For HEAD ?props=copies (Ais-Mirror-Copies, Ais-Mirror-Paths). One available mountpath holds
    the only readable copy: no disk is asked again.
    """
    store = ctx.object_store
    if len(store.mountpaths.available) == 1:
        return (meta.mountpath,)
    try:
        return await asyncio.to_thread(store.copy_roots, bucket, meta.name)
    except (ObjectNotFound, MountpathUnavailable):
        return (meta.mountpath,)  # gone (or its disk failed) since it was read: the copy that was read


async def delete(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """Remove the object (and, while a rebalance may still move it, every neighbour's copy; in an
    erasure-coded bucket, every piece). In a remote bucket the backend's object goes first; the
    delete then fails (404) only when neither the backend nor this target had the object."""
    ctx.bucket_props(bucket)
    ref = remote_refs.remote_ref(ctx, bucket)
    if ref is None:
        await _delete_here(ctx, bucket, name)
        return
    at_backend = await write_through.delete(ctx, ref, name)
    try:
        await _delete_here(ctx, bucket, name)
    except ObjectNotFound:
        if not at_backend:
            raise


async def _delete_here(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    if ec_placement.conf_of(ctx, bucket) is not None:
        await ec_delete.delete_everywhere(ctx, bucket, name)
        return
    if neighbors.unsettled(ctx):
        await neighbors.delete_everywhere(ctx, bucket, name)
        return
    await asyncio.to_thread(ctx.object_store.delete, bucket, name)


async def set_custom(
    ctx: NodeContext, bucket: BucketId, name: str, custom: dict[str, str], replace: bool
) -> ObjectMeta:
    """Merge (or replace) the object's custom metadata; data, version and checksum stay (EC pieces,
    which carry the custom metadata, are sent anew)."""
    ctx.bucket_props(bucket)
    meta = await asyncio.to_thread(ctx.object_store.set_custom, bucket, name, custom, replace)
    await ec_put.protect(ctx, bucket, name, meta)
    return meta


async def copy(
    ctx: NodeContext,
    bucket: BucketId,
    name: str,
    dst_bucket: BucketId,
    dst_name: str,
    latest: bool = False,
    synchronize: bool = False,
) -> None:
    """Copy to another bucket/name: locally when this target owns the destination, else by PUT.

    A remote source is fetched when not stored here. With `latest`/`synchronize` it is checked
    at the backend first: gone is 404 (`synchronize` drops the stored copy too), changed means
    the backend's version is copied and the stored copy stays as it is (as AIS does). A remote
    destination gets the object at its backend before the copy is published.
    """
    ctx.bucket_props(bucket)
    # Checked before choosing the path: a peer would see a mangled URL and fail with a 5xx.
    validate_object_name(dst_bucket, dst_name)
    if remote_refs.is_remote(ctx, bucket):
        if (latest or synchronize) and not await remote_objects.stored_is_current(
            ctx, bucket, name, synchronize
        ):
            await _copy_from_backend(ctx, bucket, name, dst_bucket, dst_name)
            return
        await ensure_stored(ctx, bucket, name)
    dst_props = write_props(ctx, PutArgs(dst_bucket, dst_name))
    custom = await _write_through_copy(ctx, bucket, name, dst_bucket, dst_name)
    if custom is not None:
        dst_props = dataclasses.replace(dst_props, custom=custom)
    owner = placement.owner(ctx.smap, dst_bucket, dst_name)
    if owner.daemon_id == ctx.node.daemon_id:
        store = ctx.object_store
        meta = await asyncio.to_thread(store.copy, bucket, name, dst_bucket, dst_name, dst_props)
        await ec_put.protect(ctx, dst_bucket, dst_name, meta)
        return
    await send_to_peer(ctx, owner, bucket, name, dst_bucket, dst_name, custom=custom)


async def ensure_stored(
    ctx: NodeContext, bucket: BucketId, name: str, latest: bool = False, synchronize: bool = False
) -> None:
    """For a remote bucket: validate the stored copy if asked, and fetch the object if it is not here."""
    if not remote_refs.is_remote(ctx, bucket):
        return
    if latest or synchronize:
        await remote_objects.validate(ctx, bucket, name, synchronize)
    try:
        await asyncio.to_thread(ctx.object_store.head, bucket, name)
    except ObjectNotFound:
        await cold_get.fetch_object(ctx, bucket, name)


async def _copy_from_backend(
    ctx: NodeContext, bucket: BucketId, name: str, dst_bucket: BucketId, dst_name: str
) -> None:
    """Copy the backend's current object to the destination's owner without storing it here."""
    ref = remote_refs.remote_ref(ctx, bucket)
    assert ref is not None and ctx.backends is not None
    run = ctx.backends.run
    reader = await run(ref.backend.open_object, ref.cloud, name)

    async def chunks() -> AsyncIterator[bytes]:
        try:
            while chunk := await run(reader.read, STREAM_CHUNK):
                yield chunk
        finally:
            await run(reader.close)

    custom = remote_meta.cloud_custom(ref.backend.provider, reader.attrs)
    owner = placement.owner(ctx.smap, dst_bucket, dst_name)
    if owner.daemon_id != ctx.node.daemon_id:
        await ctx.peer_api.send_stream(owner, dst_bucket, dst_name, chunks(), custom)
        return
    props = dataclasses.replace(write_props(ctx, PutArgs(dst_bucket, dst_name)), custom=custom)
    dst_ref = remote_refs.remote_ref(ctx, dst_bucket)
    meta = await write_stream(ctx, dst_bucket, dst_name, props, chunks(), dst_ref)
    await ec_put.protect(ctx, dst_bucket, dst_name, meta)


async def _write_through_copy(
    ctx: NodeContext, bucket: BucketId, name: str, dst_bucket: BucketId, dst_name: str
) -> dict[str, str] | None:
    """Send the source to a remote destination's backend; the copy's custom metadata, or None."""
    ref = remote_refs.remote_ref(ctx, dst_bucket)
    if ref is None:
        return None
    store = ctx.object_store
    handle = await asyncio.to_thread(store.open, bucket, name)
    try:
        attrs = await write_through.put_file(ctx, ref, dst_name, handle.path, handle.meta.custom)
        return remote_meta.cloud_custom(ref.backend.provider, attrs, handle.meta.custom)
    finally:
        handle.close()


async def rename(ctx: NodeContext, bucket: BucketId, name: str, new_name: str) -> None:
    """Rename within the bucket: move locally, or copy to the new name's owner and delete."""
    ctx.bucket_props(bucket)
    if not new_name or new_name == name:
        raise BadRequest(f"cannot rename {bucket.object_cname(name)}: the new name must differ")
    if bucket.is_remote:
        raise BadRequest(f"cannot rename {bucket.object_cname(name)}: only ais buckets support rename")
    if ec_placement.conf_of(ctx, bucket) is not None:
        raise BadRequest(
            f"{ctx.node.display_name}: cannot rename erasure-coded object {bucket.object_cname(name)}"
        )
    validate_object_name(bucket, new_name)
    owner = placement.owner(ctx.smap, bucket, new_name)
    store = ctx.object_store
    if owner.daemon_id == ctx.node.daemon_id:
        copies = mirror_copies(ctx, ctx.bucket_props(bucket))
        await asyncio.to_thread(store.rename, bucket, name, new_name, copies)
        return
    await send_to_peer(ctx, owner, bucket, name, bucket, new_name)
    await asyncio.to_thread(store.delete, bucket, name)


async def send_to_peer(
    ctx: NodeContext,
    owner: Snode,
    bucket: BucketId,
    name: str,
    dst_bucket: BucketId,
    dst_name: str,
    transfer: str = query.TRANSFER_COPY,
    deferred_sync: bool = False,
    custom: dict[str, str] | None = None,
) -> Sent:
    """Send a local object with its metadata (its custom metadata replaced by `custom`, when given)
    to `owner` as `dst_bucket/dst_name`.

    A small object travels in one buffer read in one executor call; a larger one is streamed in
    bounded chunks.
    """
    store = ctx.object_store

    def open_object() -> tuple[ObjectMeta, bytes | None, ObjectFile | None]:
        handle = store.open(bucket, name)
        if handle.size > PEER_WHOLE:
            return handle.meta, None, handle
        with handle:
            return handle.meta, handle.read_all_small(PEER_WHOLE), None

    meta, data, handle = await asyncio.to_thread(open_object)
    meta = dataclasses.replace(meta, name=dst_name)
    if custom is not None:
        meta.custom = dict(custom)
    try:
        payload = data if handle is None else _chunks(handle)
        assert payload is not None
        stored = await ctx.peer_api.send_object(
            owner, dst_bucket, dst_name, meta, payload, transfer, deferred_sync
        )
        return Sent(meta, stored)
    finally:
        if handle is not None:
            handle.close()


async def _chunks(handle: ObjectFile) -> AsyncIterator[bytes]:
    """The object's bytes in bounded chunks (reads of a local disk, inline)."""
    for chunk in handle.read_range(0, handle.size, STREAM_CHUNK):
        yield chunk
