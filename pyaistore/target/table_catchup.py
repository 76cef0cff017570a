"""A request redirected here names a bucket this target does not know yet: wait for the tables.

The primary switches to a new cluster map only after pushing it, but a joining target gets its
tables in the join reply, which may land a moment after the gateways started redirecting to it;
a bucket created a moment ago may likewise reach a target after a gateway's redirect does. The
redirecting node knew the ais bucket, so this target's tables are the ones behind: it waits for
them, briefly, instead of answering 404 for a bucket that exists (AIS fetches the newer table).
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
) -> None:
    """Return once the bucket is in this target's table, or after `wait_s` (the caller's 404 then)."""
    if not redirected or bucket.is_remote or ctx.meta.buckets.view(bucket) is not None:
        return  # remote buckets: an alias may name one, which only the full path resolves
    deadline = time.monotonic() + wait_s
    while ctx.meta.buckets.view(bucket) is None and time.monotonic() < deadline:
        await asyncio.sleep(_POLL_S)
