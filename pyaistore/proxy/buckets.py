"""Bucket create, destroy, properties and listing, through the primary's bucket table."""

import time
from collections.abc import Mapping
from typing import Any

from pyaistore.cluster.errors import (
    AmbiguousBucket,
    BadRequest,
    BucketAlreadyExists,
    BucketNotFound,
    NotSupported,
)
from pyaistore.cluster.meta_owner import MetaOwner
from pyaistore.node_context import NodeContext
from pyaistore.proxy import erasure_props
from pyaistore.storage import bucket_meta, names
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.wire.bucket_id import BucketId


def _owner(ctx: NodeContext) -> MetaOwner:
    if ctx.owner is None:
        raise NotSupported("bucket changes go to the primary proxy")
    return ctx.owner


def _require_ais(bucket: BucketId, what: str) -> None:
    if bucket.is_remote:
        raise NotSupported(
            f"cannot {what} {bucket.cname}: no remote backend is configured for provider {bucket.provider!r}"
        )


async def create(ctx: NodeContext, bucket: BucketId, props_patch: Any) -> None:
    """Create an ais bucket, optionally with properties; 409 when it exists."""
    names.validate_bucket_name(bucket.name)
    _require_ais(bucket, "create")
    if props_patch is not None and not isinstance(props_patch, dict):
        raise BadRequest(f"create {bucket.cname}: bucket properties must be a JSON object")

    def change(table: BucketTable) -> BucketTable:
        if table.get(bucket) is not None:
            raise BucketAlreadyExists(bucket)
        props = bucket_meta.default_props(bucket, time.time_ns(), table.version + 1)
        if props_patch:
            props = bucket_meta.apply_patch(props, props_patch)
            erasure_props.check_targets(ctx, props["ec"])
        return table.with_bucket(bucket, props)

    await _owner(ctx).update_buckets(change)


async def destroy(ctx: NodeContext, bucket: BucketId) -> None:
    """Forget the bucket; every target removes its objects when the new table arrives."""

    def change(table: BucketTable) -> BucketTable:
        if table.get(bucket) is None:
            raise BucketNotFound(bucket)
        return table.without(bucket)

    await _owner(ctx).update_buckets(change)


def check_patch(bucket: BucketId, patch: Any) -> dict[str, Any]:
    """The properties a set-bprops patch changes, without its `force` option (400 if not an object)."""
    if not isinstance(patch, dict):
        raise BadRequest(f"set properties of {bucket.cname}: value must be a JSON object")
    return {key: value for key, value in patch.items() if key != "force"}


async def set_props(ctx: NodeContext, bucket: BucketId, patch: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply a sparse property patch (400 on unknown or read-only keys, and as AIS checks `ec`);
    returns (old, new) props.

    A `"force": true` in the patch (AIS's BpropsToSet.force) allows a new EC object-size limit
    and enabling EC on too few targets.
    """
    checked = check_patch(bucket, patch)
    force = patch.get("force") is True
    changed: list[dict[str, Any]] = []

    def change(table: BucketTable) -> BucketTable:
        props = table.get(bucket)
        if props is None:
            raise BucketNotFound(bucket)
        new = bucket_meta.apply_patch(props, checked)
        if bucket.is_remote and new["versioning"]["enabled"] != props["versioning"]["enabled"]:
            raise BadRequest(f"{bucket.cname}: cannot modify existing Cloud bucket versioning")
        erasure_props.check_change(ctx, bucket, props, new, force)
        changed[:] = [props, new]
        return table.with_bucket(bucket, new)

    await _owner(ctx).update_buckets(change)
    return changed[0], changed[1]


async def set_mirror(ctx: NodeContext, bucket: BucketId, copies: int, enabled: bool) -> dict[str, Any]:
    """Set `mirror.copies` and `mirror.enabled` as given (make-n-copies); returns the previous mirror."""
    previous: dict[str, Any] = {}

    def change(table: BucketTable) -> BucketTable:
        props = table.get(bucket)
        if props is None:
            raise BucketNotFound(bucket)
        previous.update(props["mirror"])
        props["mirror"].update(copies=copies, enabled=enabled)
        return table.with_bucket(bucket, props)

    await _owner(ctx).update_buckets(change)
    return previous


async def reset_props(ctx: NodeContext, bucket: BucketId) -> None:
    """Reset properties to the defaults, keeping identity and creation time."""

    def change(table: BucketTable) -> BucketTable:
        props = table.get(bucket)
        if props is None:
            raise BucketNotFound(bucket)
        fresh = bucket_meta.default_props(bucket, int(str(props["created"])), int(str(props["bid"])))
        return table.with_bucket(bucket, fresh)

    await _owner(ctx).update_buckets(change)


def list_buckets(ctx: NodeContext, provider: str, name: str = "") -> list[BucketId]:
    """Known buckets, sorted, filtered by provider ("" = all) and optionally one name."""
    found = []
    for uname in ctx.meta.buckets.buckets:
        bucket = bucket_meta.bucket_from_uname(uname)
        if provider and bucket.provider != provider:
            continue
        if name and bucket.name != name:
            continue
        if bucket.name.startswith("."):
            continue
        found.append(bucket)
    return sorted(found, key=lambda b: (b.provider, b.namespace.uname, b.name))


def by_name(ctx: NodeContext, name: str) -> BucketId:
    """The one bucket of any provider called `name` (S3 names no provider): BucketNotFound when
    there is none, AmbiguousBucket when several providers have one."""
    found = [bucket for bucket in list_buckets(ctx, "") if bucket.name == name and bucket.namespace.is_global]
    if not found:
        raise BucketNotFound(BucketId(name))
    if len(found) > 1:
        raise AmbiguousBucket(name, found)
    return found[0]


def head(ctx: NodeContext, bucket: BucketId) -> Mapping[str, Any]:
    """The bucket's full properties."""
    return ctx.bucket_props(bucket)
