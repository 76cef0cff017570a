"""Gateway steps shared by bucket jobs: the primary's metadata owner, parsed action values, and a
missing ais destination created for a copy (cloning the source's properties) and removed again if
no target takes the job."""

import copy
import time
from typing import Any

from pyaistore.cluster.errors import BadRequest, BucketNotFound, NotSupported
from pyaistore.cluster.meta_owner import MetaOwner
from pyaistore.node_context import NodeContext
from pyaistore.proxy.cluster_jobs import Step
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import RENAMED_PROP

__all__ = ["cloned_props", "destination_steps", "meta_owner", "parsed", "require_local"]


def meta_owner(ctx: NodeContext) -> MetaOwner:
    """The primary's metadata owner (bucket jobs start on the primary only)."""
    if ctx.owner is None:
        raise NotSupported("bucket jobs go to the primary proxy")
    return ctx.owner


def parsed(action: str, parse: Any, value: Any) -> Any:
    """`parse(value, action)`, with a malformed value answered 400."""
    try:
        return parse(value, action)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc


def require_local(bucket: BucketId, action: str) -> None:
    """501 for a remote bucket: no backend is configured for its provider."""
    if bucket.is_remote:
        raise NotSupported(
            f"{action} {bucket.cname}: remote buckets need a backend for provider {bucket.provider!r}, "
            "and none is configured"
        )


def cloned_props(table: BucketTable, src: BucketId, dst: BucketId) -> dict[str, Any]:
    """The source's properties for a new destination bucket (own ID and creation time)."""
    props = table.get(src)
    if props is None:
        raise BucketNotFound(src)
    props = copy.deepcopy(props)
    props.pop(RENAMED_PROP, None)
    props.update(provider=dst.provider, bid=str(table.version + 1), created=str(time.time_ns()))
    return props


def destination_steps(
    ctx: NodeContext, src: BucketId, dst: BucketId, dry_run: bool
) -> tuple[Step | None, Step | None]:
    """(prepare, rollback) that create a missing ais destination (cloning the source) and undo it."""
    if dry_run or ctx.meta.buckets.view(dst) is not None:
        return None, None
    require_local(dst, "create")
    owner = meta_owner(ctx)

    async def prepare() -> None:
        def add(table: BucketTable) -> BucketTable:
            if table.get(dst) is not None:
                return table  # created meanwhile by someone else: copy into it
            return table.with_bucket(dst, cloned_props(table, src, dst))

        await owner.update_buckets(add)

    async def rollback() -> None:
        await owner.update_buckets(lambda table: table.without(dst))

    return prepare, rollback
