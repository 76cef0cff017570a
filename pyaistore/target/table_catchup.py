"""A request redirected here names a bucket this target does not know yet: wait for the tables.

A joining target is not the case: it is listed, so redirected to, only once it confirmed it
installed the tables (cluster/membership.py). But the primary uses a new bucket table as soon as
it has it and pushes it to the targets while it already redirects by it, so a bucket created (or
a cloud bucket added on first use) a moment ago may reach a target after a gateway's redirect
does, as may one whose push to this target failed (it catches up on its next keepalive), or one
created while this target was restarting at the address the map still holds. The redirecting
node knew the bucket, so this target's tables are the ones behind: it waits for them, briefly,
instead of answering 404 for a bucket that exists (AIS fetches the newer table). A remote AIS
cluster's bucket is looked up by that cluster's UUID, its alias resolved by the same table (which
may bring the alias too): the caller goes on with the bucket as the table now names it.
"""

import asyncio
import time
from typing import Final

from pyaistore.node_context import NodeContext
from pyaistore.wire.bucket_id import BucketId

__all__ = ["CATCHUP_S", "await_bucket"]

# How long a redirected request waits for the bucket to appear in this target's table.
CATCHUP_S: Final = 2.0
_POLL_S: Final = 0.01


async def await_bucket(
    ctx: NodeContext, bucket: BucketId, redirected: bool, wait_s: float = CATCHUP_S
) -> BucketId:
    """The bucket as this target's table names it (a remote cluster's alias resolved), once the
    table has it, or after `wait_s` (the caller's 404 then); at once for a client's own request."""
    known = _known(ctx, bucket)
    if known is not None or not redirected:
        return known or _canonical(ctx, bucket)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        await asyncio.sleep(_POLL_S)
        known = _known(ctx, bucket)
        if known is not None:
            return known
    return _canonical(ctx, bucket)


def _canonical(ctx: NodeContext, bucket: BucketId) -> BucketId:
    return ctx.meta.buckets.canonical(bucket) if bucket.is_remote_ais else bucket


def _known(ctx: NodeContext, bucket: BucketId) -> BucketId | None:
    """The bucket as the table names it, if the table has it."""
    named = _canonical(ctx, bucket)
    return named if ctx.meta.buckets.view(named) is not None else None
