"""HEAD, DELETE, custom metadata, copy and rename of one object on its target."""

import asyncio
from collections.abc import AsyncIterator
from typing import Final
from urllib.parse import quote

from pyaistore.cluster import placement
from pyaistore.cluster.errors import BadRequest, PeerFailed, PeerRejected
from pyaistore.cluster.peer_client import PeerUnreachable
from pyaistore.node_context import NodeContext
from pyaistore.storage.names import validate_object_name
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target.put_object import PutArgs, write_props
from pyaistore.wire import headers, paths, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.error_body import ErrorBody
from pyaistore.wire.messages import Snode

STREAM_CHUNK: Final = 1 << 20


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
    await _send_to_peer(ctx, owner, bucket, name, dst_bucket, dst_name)


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
    await _send_to_peer(ctx, owner, bucket, name, bucket, new_name)
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


async def _send_to_peer(
    ctx: NodeContext, owner: Snode, bucket: BucketId, name: str, dst_bucket: BucketId, dst_name: str
) -> None:
    """Stream the object to the target that owns the destination, as a PUT with its attributes."""
    handle = await asyncio.to_thread(ctx.object_store.open, bucket, name)

    async def body() -> AsyncIterator[bytes]:
        for chunk in handle.read_range(0, handle.size, STREAM_CHUNK):
            yield chunk

    url = (
        owner.public_net.url
        + paths.url_path(paths.OBJECTS, dst_bucket.name, quote(dst_name))
        + f"?{query.PROVIDER}={dst_bucket.provider}&{query.PROXY_ID}={ctx.node.daemon_id}"
    )
    if not dst_bucket.namespace.is_global:
        url += f"&{query.NAMESPACE}={quote(dst_bucket.namespace.uname)}"
    try:
        reply = await ctx.peers.call_stream("PUT", url, body(), _attribute_headers(handle.meta))
    except PeerUnreachable as exc:
        raise PeerFailed(f"cannot copy {bucket.object_cname(name)} to {owner.display_name}: {exc}") from exc
    finally:
        handle.close()
    if 400 <= reply.status < 500:
        # A refusal (name conflict, bad name) is deterministic: relay it, never as a retryable 5xx.
        refusal = ErrorBody.parse(reply.body.decode(errors="replace"), reply.status)
        raise PeerRejected(reply.status, refusal.message, refusal.tcode)
    if not reply.ok:
        detail = reply.body[:300].decode(errors="replace")
        raise PeerFailed(
            f"copy to {dst_bucket.object_cname(dst_name)} failed on {owner.display_name}: {detail}"
        )
