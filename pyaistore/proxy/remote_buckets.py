"""Remote buckets in the bucket table: added on first use, created (registered), listed, evicted.

First use (reference "First access adds the bucket"): a request naming a remote bucket the table
lacks makes the primary ask a target to HEAD it at its backend (the proxy never holds cloud
credentials); the backend's "no such bucket" is the client's 404 (ErrRemoteBckNotFound), else
the bucket is added with default properties and the backend's versioning and region, and the
request goes on. `dont_add_remote_bck_md` answers from the backend without adding.

Create, as AIS answers it: an ais bucket is created here; a remote one is registered after its
backend confirms it exists (501 "cannot create" when it does not; `dont_head_remote_bck` skips
the check for cloud buckets), with any properties given (e.g. `extra.aws.endpoint`); a bucket of
another AIS cluster is created there first. Evict drops the cached objects (`keep_bck_md`: the
bucket stays in the table, through an `evict-remote-bck` job on every target) or the whole entry.
"""

import asyncio
import random
import time
from collections.abc import Mapping
from typing import Any, Final

from pyaistore.backends import remote_ais
from pyaistore.backends.base import RemoteBucketNotFound
from pyaistore.backends.registry import NOT_IMPLEMENTED
from pyaistore.cluster import cluster_map
from pyaistore.cluster.errors import BadRequest, BucketAlreadyExists, NoTargets, NotSupported, PeerRejected
from pyaistore.node_context import NodeContext
from pyaistore.proxy import buckets, cluster_jobs
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.storage import bucket_meta, names
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import AIS, BucketId, Namespace
from pyaistore.wire.remote import RemoteBucketInfo

__all__ = ["create", "ensure", "evict", "is_remote", "list_buckets"]

# A backend's answer when no credentials are configured for it (a refusal of given ones is 403).
NOT_CONFIGURED: Final = 401
# How often a bucket eviction's reply checks whether its job has ended.
EVICT_POLL_S: Final = 0.02


def is_remote(ctx: NodeContext, bucket: BucketId) -> bool:
    """A remote bucket, or an ais bucket with a backend bucket."""
    return bucket_meta.backend_bucket(bucket, ctx.meta.buckets.view(bucket)) is not None


def _check_provider(bucket: BucketId) -> None:
    if bucket.provider in NOT_IMPLEMENTED:
        raise NotSupported(NOT_IMPLEMENTED[bucket.provider])


def _target(ctx: NodeContext) -> Any:
    targets = cluster_map.working_targets(ctx.smap)
    if not targets:
        raise NoTargets()
    return random.choice(targets)


async def _head(ctx: NodeContext, bucket: BucketId, props: dict[str, Any] | None = None) -> RemoteBucketInfo:
    """The backend's answer about the bucket, through a target (its 404 relayed as ErrRemoteBckNotFound)."""
    if bucket.is_remote_ais and ctx.meta.buckets.remote_cluster(bucket.namespace.uuid) is None:
        raise RemoteBucketNotFound(
            f'remote bucket "{bucket.cname}" does not exist: '
            f'no remote cluster "{bucket.namespace.uuid}" is attached'
        )
    return await ctx.peer_api.head_remote_bucket(_target(ctx), bucket, props)


async def ensure(ctx: NodeContext, bucket: BucketId, add: bool = True) -> Mapping[str, Any]:
    """The bucket's properties; a remote bucket the table lacks is looked up and (if `add`) added.

    BucketNotFound for a missing ais bucket, 404 ErrRemoteBckNotFound for a remote one its
    backend does not have, 501 for a provider without a backend (hdfs).
    """
    props = ctx.meta.buckets.view(bucket)
    if props is not None:
        return props
    if not bucket.is_remote:
        return ctx.bucket_props(bucket)  # raises BucketNotFound
    _check_provider(bucket)
    info = await _head(ctx, bucket)
    if not add:
        return _props(bucket, info, bid=0)
    return await _add(ctx, bucket, info, None)


def _props(
    bucket: BucketId, info: RemoteBucketInfo, bid: int, patch: dict[str, Any] | None = None
) -> dict[str, Any]:
    props = bucket_meta.remote_props(bucket, time.time_ns(), bid, info.versioning, info.region)
    if patch:
        props = bucket_meta.apply_patch(props, patch)
        props["versioning"]["enabled"] = info.versioning  # the backend's versioning always wins
    return props


async def _add(
    ctx: NodeContext,
    bucket: BucketId,
    info: RemoteBucketInfo,
    patch: dict[str, Any] | None,
    exists_ok: bool = True,
) -> Mapping[str, Any]:
    """Add the bucket to the table (a concurrent first use may have added it already)."""
    if ctx.owner is None:
        raise NotSupported("remote buckets are added by the primary proxy")

    def change(table: BucketTable) -> BucketTable:
        if table.get(bucket) is not None:
            if exists_ok:
                return table
            raise BucketAlreadyExists(bucket)
        return table.with_bucket(bucket, _props(bucket, info, table.version + 1, patch))

    await ctx.owner.update_buckets(change)
    return ctx.bucket_props(bucket)


async def create(ctx: NodeContext, bucket: BucketId, patch: Any, dont_head: bool) -> None:
    """Register a remote bucket (create-bck on a remote bucket; see the module docstring)."""
    names.validate_bucket_name(bucket.name)
    _check_provider(bucket)
    if patch is not None and not isinstance(patch, dict):
        raise BadRequest(f"create {bucket.cname}: bucket properties must be a JSON object")
    if ctx.meta.buckets.view(bucket) is not None:
        raise BucketAlreadyExists(bucket)
    if bucket.is_remote_ais:
        await _create_at_remote_cluster(ctx, bucket)
        await _add(ctx, bucket, await _head(ctx, bucket), patch, exists_ok=False)
        return
    if dont_head:
        await _add(ctx, bucket, RemoteBucketInfo(), patch, exists_ok=False)
        return
    # The props to create with (extra.aws.endpoint, ...) are the ones the backend is asked with.
    trial = _props(bucket, RemoteBucketInfo(), 0, patch) if patch else None
    try:
        info = await ctx.peer_api.head_remote_bucket(_target(ctx), bucket, trial)
    except PeerRejected as exc:
        if exc.status == 404:
            raise NotSupported(
                f"{bucket.cname} does not exist at its backend and cannot be created here: "
                "create it with the provider's own tools, then use it"
            ) from exc
        raise
    await _add(ctx, bucket, info, patch, exists_ok=False)


async def _create_at_remote_cluster(ctx: NodeContext, bucket: BucketId) -> None:
    """Create `ais://b` in the attached cluster `bucket` names (AIS reverse-proxies this)."""
    found = ctx.meta.buckets.remote_cluster(bucket.namespace.uuid)
    if found is None:
        raise RemoteBucketNotFound(f'{bucket.cname}: no remote cluster "{bucket.namespace.uuid}" is attached')
    url = found[1].get("url", "")
    await asyncio.to_thread(remote_ais.create_bucket, url, bucket.name)


async def list_buckets(
    ctx: NodeContext, provider: str, namespace: Namespace | None, present_only: bool
) -> list[BucketId]:
    """The buckets of a remote provider: those in the table and (unless `present_only`) those its
    backend sees (none when the provider has no credentials configured); a remote cluster's
    when `namespace` names one."""
    known = [
        bucket_meta.bucket_from_uname(uname)
        for uname in ctx.meta.buckets.buckets
        if bucket_meta.bucket_from_uname(uname).provider == provider
    ]
    if namespace is not None:
        known = [b for b in known if b.namespace == namespace]
    if present_only or provider in NOT_IMPLEMENTED:
        return sorted(known, key=lambda b: (b.namespace.uname, b.name))
    remote_ns = ""
    if provider == AIS:
        if namespace is None or not namespace.uuid:
            return sorted(known, key=lambda b: (b.namespace.uname, b.name))
        found = ctx.meta.buckets.remote_cluster(namespace.uuid)
        if found is None:
            raise RemoteBucketNotFound(f'no remote cluster "{namespace.uuid}" is attached')
        remote_ns = found[1].get("uuid", "")
    try:
        listed = await ctx.peer_api.list_remote_buckets(_target(ctx), provider, remote_ns)
    except PeerRejected as exc:
        if exc.status != NOT_CONFIGURED:
            raise
        listed = []  # no credentials for this provider at all: the table's buckets are all there is
    space = Namespace(remote_ns) if remote_ns else (namespace or Namespace())
    merged = {b.uname: b for b in known}
    for name in listed:
        item = BucketId(name, provider, space)
        merged.setdefault(item.uname, item)
    return sorted(merged.values(), key=lambda b: (b.namespace.uname, b.name))


async def evict(ctx: NodeContext, bucket: BucketId, keep_md: bool) -> None:
    """Drop the cluster's copies of a remote bucket's objects (and, without keep_md, its entry).

    400 for an ais bucket (AIS's words); a remote bucket not in the table: nothing to do.
    """
    props = ctx.meta.buckets.view(bucket)
    if not bucket.is_remote and not is_remote(ctx, bucket):
        if props is None:
            ctx.bucket_props(bucket)  # 404 for an unknown ais bucket
        raise BadRequest(f"{kinds.EVICT_REMOTE_BCK}: expecting remote bucket (have {bucket.cname})")
    if props is None:
        return
    if not keep_md:
        await buckets.destroy(ctx, bucket)
        return
    job_id = await cluster_jobs.start(ctx, ClusterJob(kinds.EVICT_REMOTE_BCK, bucket))
    job = ctx.jobs.get(job_id)
    while job is not None and not job.finished:
        await asyncio.sleep(EVICT_POLL_S)
