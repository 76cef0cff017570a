"""A redirected request for a bucket this target's table lacks waits for the table, briefly."""

import asyncio
import time
from pathlib import Path

from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.node import make_snode
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.config import TARGET, NodeConfig
from pyaistore.node_context import NodeContext
from pyaistore.target import table_catchup
from pyaistore.wire.bucket_id import BucketId

BUCKET = BucketId("late")


def _context(data: Path) -> NodeContext:
    return NodeContext(
        config=NodeConfig(role=TARGET, data_dir=data),
        node=make_snode("t1", TARGET, "127.0.0.1", 1),
        meta=ClusterMeta(),
        peers=PeerClient(),
    )


def test_waits_until_the_table_brings_the_bucket(tmp_path: Path) -> None:
    ctx = _context(tmp_path)

    async def scenario() -> float:
        async def arrive() -> None:
            await asyncio.sleep(0.1)
            ctx.meta.accept(None, ctx.meta.buckets.with_bucket(BUCKET, {}))

        arrival = asyncio.create_task(arrive())
        started = time.monotonic()
        await table_catchup.await_bucket(ctx, BUCKET, redirected=True, wait_s=5)
        await arrival
        return time.monotonic() - started

    waited = asyncio.run(scenario())
    assert 0.09 <= waited < 2 and ctx.meta.buckets.view(BUCKET) is not None


def test_gives_up_after_the_wait_and_never_waits_unasked(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    started = time.monotonic()
    asyncio.run(table_catchup.await_bucket(ctx, BUCKET, redirected=True, wait_s=0.2))
    assert 0.2 <= time.monotonic() - started < 2
    started = time.monotonic()
    asyncio.run(table_catchup.await_bucket(ctx, BUCKET, redirected=False))  # a client's own request
    asyncio.run(table_catchup.await_bucket(ctx, BucketId("r", "aws"), redirected=True))  # remote
    assert time.monotonic() - started < 0.1
