"""Stored copies of remote objects against their backend: warm-GET validation, HEAD of an object
not stored here, eviction.

Validation (AIS's `latest-ver` query, and the bucket's `versioning.validate_warm_get` or
`versioning.synchronize`): the backend is asked for the object's attributes; a copy whose
version, ETag or size differs is dropped, so the read that follows fetches the new one (a cold
GET). An object gone from the backend is 404 (with `synchronize`, the copy is dropped too);
without validation a stored copy is served even with the backend unreachable.
"""

import asyncio
from collections.abc import Mapping
from typing import Any, Final

from pyaistore.backends.base import BackendError, RemoteAttrs, RemoteObjectNotFound
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import cold_get, remote_meta, remote_refs
from pyaistore.wire.bucket_id import BucketId

__all__ = [
    "GONE",
    "evict",
    "head_remote",
    "stored_is_current",
    "validate",
    "validate_head",
    "wants_validation",
]

# HEAD with latest-ver of an object its backend no longer has (AIS answers 410 Gone).
GONE: Final = 410


def wants_validation(ctx: NodeContext, bucket: BucketId, latest: bool) -> bool:
    """Whether a read of a stored copy must first ask the backend (cheap; no backend is built)."""
    if latest:
        return remote_refs.is_remote(ctx, bucket)
    if not bucket.is_remote:
        return False
    props = ctx.meta.buckets.view(bucket)
    return props is not None and _bucket_validates(props)


def _bucket_validates(props: Mapping[str, Any]) -> bool:
    versioning = props.get("versioning")
    return isinstance(versioning, Mapping) and bool(
        versioning.get("validate_warm_get") or versioning.get("synchronize")
    )


def _synchronizes(props: Mapping[str, Any] | None) -> bool:
    versioning = props.get("versioning") if props is not None else None
    return isinstance(versioning, Mapping) and bool(versioning.get("synchronize"))


async def validate(ctx: NodeContext, bucket: BucketId, name: str, synchronize: bool = False) -> None:
    """Drop the stored copy if the backend's object changed; RemoteObjectNotFound if it is gone.

    Nothing happens when no copy is stored here (the read then fetches the object anyway).
    """
    ref = remote_refs.remote_ref(ctx, bucket)
    if ref is None:
        return
    try:
        meta = await asyncio.to_thread(ctx.object_store.head, bucket, name)
    except ObjectNotFound:
        return
    assert ctx.backends is not None
    try:
        attrs = await ctx.backends.run(ref.backend.head_object, ref.cloud, name)
    except RemoteObjectNotFound:
        if synchronize or _synchronizes(ctx.meta.buckets.view(bucket)):
            await evict(ctx, bucket, name, meta)
        raise
    if remote_meta.changed(meta, attrs):
        await evict(ctx, bucket, name, meta)


async def stored_is_current(ctx: NodeContext, bucket: BucketId, name: str, synchronize: bool) -> bool:
    """Whether the stored copy (fetched first when missing) is the backend's current object;
    RemoteObjectNotFound when the backend lost it (with `synchronize`, the copy is dropped)."""
    try:
        meta = await asyncio.to_thread(ctx.object_store.head, bucket, name)
    except ObjectNotFound:
        await cold_get.fetch_object(ctx, bucket, name)
        return True
    ref = remote_refs.remote_ref(ctx, bucket)
    assert ref is not None and ctx.backends is not None
    try:
        attrs = await ctx.backends.run(ref.backend.head_object, ref.cloud, name)
    except RemoteObjectNotFound:
        if synchronize:
            await evict(ctx, bucket, name, meta)
        raise
    return not remote_meta.changed(meta, attrs)


async def validate_head(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """`validate` for a HEAD with latest-ver: an object the backend no longer has is 410."""
    try:
        await validate(ctx, bucket, name)
    except RemoteObjectNotFound as exc:
        raise BackendError(exc.message, GONE) from exc


async def evict(ctx: NodeContext, bucket: BucketId, name: str, expected: ObjectMeta | None = None) -> bool:
    """Drop the stored copy (only if it is still `expected`, when given); True when it was dropped."""
    store = ctx.object_store
    if expected is not None:
        return await asyncio.to_thread(store.delete_if_unchanged, bucket, name, expected)
    try:
        await asyncio.to_thread(store.delete, bucket, name)
    except ObjectNotFound:
        return False
    return True


async def head_remote(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectMeta | None:
    """The attributes of an object stored at the backend but not here, as metadata; None when the
    bucket is not remote. RemoteObjectNotFound (404) when the backend has no such object."""
    ref = remote_refs.remote_ref(ctx, bucket)
    if ref is None:
        return None
    assert ctx.backends is not None
    attrs: RemoteAttrs = await ctx.backends.run(ref.backend.head_object, ref.cloud, name)
    return ObjectMeta(
        name=name,
        size=max(attrs.size, 0),
        checksum_type="md5" if attrs.md5 else "none",
        checksum_value=attrs.md5,
        version=attrs.version,
        atime_ns=0,
        custom=remote_meta.cloud_custom(ref.backend.provider, attrs),
    )
