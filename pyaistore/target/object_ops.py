"""HEAD, DELETE, custom metadata, copy and rename of one object on its target."""

import asyncio
from collections.abc import AsyncIterator
from typing import Final
from urllib.parse import quote

from pyaistore.cluster import placement
from pyaistore.cluster.errors import BadRequest, PeerFailed
from pyaistore.cluster.peer_client import PeerUnreachable
from pyaistore.cluster.peer_replies import raise_for_reply
from pyaistore.node_context import NodeContext
from pyaistore.storage.names import validate_object_name
from pyaistore.storage.object_file import ObjectFile
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target.put_object import PutArgs, write_props
from pyaistore.wire import headers, paths, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Snode

STREAM_CHUNK: Final = 1 << 20
# Objects up to this size are sent to a peer from one buffer.
SMALL_OBJECT: Final = 256 * 1024
# Seconds a peer may take to store a small object (it fsyncs; a loaded disk can be slow).
PEER_PUT_TIMEOUT: Final = 60.0


async def head(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectMeta:
    """The object's metadata."""
    ctx.bucket_props(bucket)
    return await asyncio.to_thread(ctx.object_store.head, bucket, name)


async def delete(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """Remove the object."""
    ctx.bucket_props(bucket)
    await asyncio.to_thread(ctx.object_store.delete, bucket, name)


async def set_custom(
    ctx: NodeContext, bucket: BucketId, name: str, custom: dict[str, str], replace: bool
) -> ObjectMeta:
    """Merge (or replace) the object's custom metadata; data, version and checksum stay."""
    ctx.bucket_props(bucket)
    return await asyncio.to_thread(ctx.object_store.set_custom, bucket, name, custom, replace)


async def copy(ctx: NodeContext, bucket: BucketId, name: str, dst_bucket: BucketId, dst_name: str) -> None:
    """Copy to another bucket/name: locally when this target owns the destination, else by PUT."""
    ctx.bucket_props(bucket)
    # Checked before choosing the path: a peer would see a mangled URL and fail with a 5xx.
    validate_object_name(dst_bucket, dst_name)
    dst_props = write_props(ctx, PutArgs(dst_bucket, dst_name))
    owner = placement.owner(ctx.smap, dst_bucket, dst_name)
    if owner.daemon_id == ctx.node.daemon_id:
        store = ctx.object_store
        await asyncio.to_thread(store.copy, bucket, name, dst_bucket, dst_name, dst_props)
        return
    await send_to_peer(ctx, owner, bucket, name, dst_bucket, dst_name)


async def rename(ctx: NodeContext, bucket: BucketId, name: str, new_name: str) -> None:
    """Rename within the bucket: move locally, or copy to the new name's owner and delete."""
    ctx.bucket_props(bucket)
    if not new_name or new_name == name:
        raise BadRequest(f"cannot rename {bucket.object_cname(name)}: the new name must differ")
    if bucket.is_remote:
        raise BadRequest(f"cannot rename {bucket.object_cname(name)}: only ais buckets support rename")
    validate_object_name(bucket, new_name)
    owner = placement.owner(ctx.smap, bucket, new_name)
    store = ctx.object_store
    if owner.daemon_id == ctx.node.daemon_id:
        await asyncio.to_thread(store.rename, bucket, name, new_name)
        return
    await send_to_peer(ctx, owner, bucket, name, bucket, new_name)
    await asyncio.to_thread(store.delete, bucket, name)


def _attribute_headers(meta: ObjectMeta) -> dict[str, str]:
    """Headers that carry size, checksum and custom metadata to the receiving target."""
    hdrs = {headers.CONTENT_LENGTH: str(meta.size)}
    if meta.checksum_type and meta.checksum_type != "none":
        hdrs[headers.CHECKSUM_TYPE] = meta.checksum_type
        hdrs[headers.CHECKSUM_VALUE] = meta.checksum_value
    if meta.custom:
        hdrs[headers.CUSTOM_MD] = ", ".join(f"{k}={v}" for k, v in sorted(meta.custom.items()))
    return hdrs


def peer_object_url(ctx: NodeContext, base_url: str, bucket: BucketId, name: str) -> str:
    """The URL of `bucket/name` on the peer at `base_url`, marked as sent by this node."""
    url = (
        base_url
        + paths.url_path(paths.OBJECTS, bucket.name, quote(name))
        + f"?{query.PROVIDER}={bucket.provider}&{query.PROXY_ID}={ctx.node.daemon_id}"
    )
    if not bucket.namespace.is_global:
        url += f"&{query.NAMESPACE}={quote(bucket.namespace.uname)}"
    return url


async def send_to_peer(
    ctx: NodeContext,
    owner: Snode,
    bucket: BucketId,
    name: str,
    dst_bucket: BucketId,
    dst_name: str,
    base_url: str = "",
) -> int:
    """PUT the object, with its attributes, to the target that owns the destination; returns its size.

    `base_url` picks the owner's endpoint (default: its public one). A small object travels in
    one buffer read in one executor call; a larger one is streamed in bounded chunks.
    """
    store = ctx.object_store

    def open_object() -> tuple[ObjectMeta, bytes | None, ObjectFile | None]:
        handle = store.open(bucket, name)
        if handle.size > SMALL_OBJECT:
            return handle.meta, None, handle
        with handle:
            return handle.meta, handle.read_all_small(SMALL_OBJECT), None

    meta, data, handle = await asyncio.to_thread(open_object)
    url = peer_object_url(ctx, base_url or owner.public_net.url, dst_bucket, dst_name)
    hdrs = _attribute_headers(meta)
    try:
        if handle is None:
            reply = await ctx.peers.call("PUT", url, data=data, headers=hdrs, timeout=PEER_PUT_TIMEOUT)
        else:
            reply = await ctx.peers.call_stream("PUT", url, _chunks(handle), hdrs)
    except PeerUnreachable as exc:
        raise PeerFailed(f"cannot copy {bucket.object_cname(name)} to {owner.display_name}: {exc}") from exc
    finally:
        if handle is not None:
            handle.close()
    raise_for_reply(reply, owner, f"copy to {dst_bucket.object_cname(dst_name)}")
    return meta.size


async def _chunks(handle: ObjectFile) -> AsyncIterator[bytes]:
    """The object's bytes in bounded chunks (reads of a local disk, inline)."""
    for chunk in handle.read_range(0, handle.size, STREAM_CHUNK):
        yield chunk
