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
from pyaistore.wire.bucket_id import BucketId, Namespace

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
    assert asyncio.run(table_catchup.await_bucket(ctx, BUCKET, redirected=False)) == BUCKET  # a client's own
    assert time.monotonic() - started < 0.1


def test_a_remote_clusters_bucket_is_awaited_under_its_uuid_and_returned_so(tmp_path: Path) -> None:
    """The table may bring the alias and the bucket after the redirect: both are awaited."""
    ctx = _context(tmp_path)
    by_alias = BucketId("r", "ais", Namespace.parse("@alias"))
    by_uuid = BucketId("r", "ais", Namespace.parse("@Uuid123"))

    async def scenario() -> BucketId:
        async def arrive() -> None:
            await asyncio.sleep(0.05)
            table = ctx.meta.buckets.with_remote_clusters({"alias": {"uuid": "Uuid123", "url": "http://x"}})
            ctx.meta.accept(None, table)
            await asyncio.sleep(0.05)
            ctx.meta.accept(None, ctx.meta.buckets.with_bucket(by_uuid, {}))

        arrival = asyncio.create_task(arrive())
        found = await table_catchup.await_bucket(ctx, by_alias, redirected=True, wait_s=5)
        await arrival
        return found

    assert asyncio.run(scenario()) == by_uuid
    assert asyncio.run(table_catchup.await_bucket(ctx, by_alias, redirected=False)) == by_uuid
