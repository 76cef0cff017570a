"""A target's part in remote-bucket requests the proxy makes (the proxy never calls a backend):
ask the backend about a bucket, list the provider's buckets, list one page of a bucket's objects
at the backend, and say which of a page of names this target stores, with their properties.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Final

from pyaistore.backends.base import BackendNotImplemented, RemoteEntry
from pyaistore.backends.remote_ais import RemoteAisBackend
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import CorruptMeta, ObjectNotFound
from pyaistore.target import list_objects, remote_refs
from pyaistore.wire import messages as msgs
from pyaistore.wire.bucket_id import AIS, AZURE, BucketId, Namespace
from pyaistore.wire.messages import ListEntry, LsoMsg
from pyaistore.wire.remote import RemoteBucketInfo, RemotePage

__all__ = ["cached_entries", "head_bucket", "list_buckets", "list_page", "page_size_for"]

# A provider's largest listing page (AIS: AWS, GCP 1000; Azure 5000).
PAGE_SIZES: Final = {AZURE: 5000}
DEFAULT_PAGE: Final = 1000


def page_size_for(provider: str, requested: int) -> int:
    """The page size a backend listing uses: the request's, capped at the provider's maximum."""
    cap = PAGE_SIZES.get(provider, DEFAULT_PAGE)
    return min(requested, cap) if requested > 0 else cap


async def head_bucket(
    ctx: NodeContext, bucket: BucketId, props: Mapping[str, Any] | None
) -> RemoteBucketInfo:
    """The backend's answer about a bucket (before it is in the table: `props` are the ones to
    create it with, if any). RemoteBucketNotFound when the backend has no such bucket."""
    ref = remote_refs.remote_ref(ctx, bucket, props)
    if ref is None:
        raise BackendNotImplemented(f"{bucket.cname} is not a remote bucket")
    assert ctx.backends is not None
    info = await ctx.backends.run(ref.backend.head_bucket, ref.cloud)
    return RemoteBucketInfo(info.versioning, info.region, info.uuid)


async def list_buckets(ctx: NodeContext, provider: str, namespace_uuid: str = "") -> list[str]:
    """The buckets the provider's backend sees (a remote AIS cluster's, by its alias or UUID)."""
    assert ctx.backends is not None
    backend = ctx.backends.backend(provider)
    if provider == AIS:
        if not namespace_uuid or not isinstance(backend, RemoteAisBackend):
            return []
        probe = remote_refs.cloud_bucket(
            ctx.meta.buckets, BucketId("-", AIS, Namespace(namespace_uuid)), None
        )
        return await ctx.backends.run(backend.list_cluster_buckets, probe)
    return await ctx.backends.run(backend.list_buckets)


async def list_page(ctx: NodeContext, bucket: BucketId, msg: LsoMsg) -> RemotePage:
    """One page of the bucket's objects at its backend, after the backend's own token (the
    bucket need not be in the table: `dont_add_remote_bck_md` listings)."""
    ref = remote_refs.remote_ref(ctx, bucket)
    if ref is None:
        raise BackendNotImplemented(f"{bucket.cname} is not a remote bucket")
    assert ctx.backends is not None
    recursive = not msg.flags & msgs.LSO_NO_RECURSION
    size = page_size_for(ref.backend.provider, msg.page_size)
    page = await ctx.backends.run(
        ref.backend.list_page, ref.cloud, msg.prefix, msg.continuation_token, size, recursive
    )
    props = list_objects.wanted_props(msg)
    return RemotePage([_entry(item, props) for item in page.entries], page.token)


def _entry(item: RemoteEntry, props: frozenset[str]) -> ListEntry:
    """A backend's entry in the listing's shape: not cached (flags 0), or a virtual directory."""
    if item.is_dir:
        return ListEntry(item.name, flags=msgs.ENTRY_IS_DIR)
    entry = ListEntry(item.name)
    if "size" in props:
        entry.size = item.size
    if "version" in props:
        entry.version = item.version
    if "checksum" in props and item.etag:
        entry.checksum = item.etag
    return entry


def cached_entries(ctx: NodeContext, bucket: BucketId, names: Iterable[str], msg: LsoMsg) -> list[ListEntry]:
    """Blocking: entries (cached flag and local properties) of those of `names` stored here."""
    store = ctx.object_store
    props = list_objects.wanted_props(msg) | {"name"}
    found: list[ListEntry] = []
    for name in names:
        try:
            meta = store.head(bucket, name)
        except (ObjectNotFound, CorruptMeta):
            continue
        found.append(list_objects.to_entry(ctx, bucket, meta, props))
    return found
