"""A write handed over to its owner while the rebalance sent the same copy there is not taken for
a delete: the rebalance leaves the owner's copy alone. A copy a client deleted here while it
travelled is still deleted at its receiver.

This target (its store, its rebalance and hand-over code) is real; the owner is a stand-in on
loopback answering the internal object routes and recording every delete it is asked for.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from aiohttp import web

from pyaistore.cluster import cluster_map
from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.node import make_snode
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.config import PROXY, TARGET, NodeConfig
from pyaistore.node_context import NodeContext
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.target import misplaced_writes
from pyaistore.target.rebalance_ops import SMALL_OBJECT, TargetRebalance
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.membership import FLAG_DECOMMISSION
from pyaistore.wire.messages import Snode

BUCKET = BucketId("life")
NAME = "load/w2-00044"
# Larger than a batch's small objects: both movers send it with one PUT of its own.
DATA = b"x" * (SMALL_OBJECT + 1)


@asynccontextmanager
async def _owner(deletes: list[str]) -> AsyncIterator[Snode]:
    async def put(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="stored")

    async def delete(request: web.Request) -> web.Response:
        deletes.append(request.match_info["tail"])
        return web.Response()

    async def sync(_: web.Request) -> web.Response:
        return web.Response()

    app = web.Application()
    app.router.add_put("/v1/internal/objects/{tail:.*}", put)
    app.router.add_delete("/v1/internal/objects/{tail:.*}", delete)
    app.router.add_post("/v1/internal/sync", sync)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield make_snode("towner", TARGET, "127.0.0.1", runner.addresses[0][1])
    finally:
        await runner.cleanup()


async def _race(data: Path, owner: Snode, handed_over: bool) -> None:
    """The rebalance sends the copy; meanwhile it goes (handed over, or deleted by a client); the
    batch settles."""
    leaving = replace(make_snode("tleaving", TARGET, "127.0.0.1", 1), flags=FLAG_DECOMMISSION)
    smap = cluster_map.new_smap(make_snode("p1", PROXY, "127.0.0.1", 2))
    smap = cluster_map.with_node(cluster_map.with_node(smap, leaving), owner)
    config = NodeConfig(role=TARGET, data_dir=data)
    ctx = NodeContext(config=config, node=leaving, meta=ClusterMeta(smap), peers=PeerClient())
    ctx.store = ObjectStore(MountpathSet([data / "disk0"]))
    ctx.store.ensure_bucket(BUCKET)
    with ctx.store.writer(BUCKET, NAME, WriteProps()) as writer:
        writer.write(DATA)
        writer.commit()
    await ctx.peers.start()
    try:
        rebalance = TargetRebalance(ctx)
        sent = await rebalance.send(BUCKET, [NAME], workers=1)
        assert [s.name for s in sent.shipments] == [NAME] and not sent.failed
        if handed_over:
            await misplaced_writes.hand_over(ctx, BUCKET, NAME)
        else:
            ctx.store.delete(BUCKET, NAME)
        settled = await rebalance.settle(sent.shipments)
        assert settled.moved == [] and settled.changed == []
    finally:
        await ctx.peers.close()


def test_a_copy_handed_over_meanwhile_is_left_at_its_owner(tmp_path: Path) -> None:
    deletes: list[str] = []

    async def scenario() -> None:
        async with _owner(deletes) as owner:
            await _race(tmp_path, owner, handed_over=True)

    asyncio.run(scenario())
    assert deletes == []


def test_a_copy_deleted_meanwhile_is_deleted_at_its_receiver(tmp_path: Path) -> None:
    deletes: list[str] = []

    async def scenario() -> None:
        async with _owner(deletes) as owner:
            await _race(tmp_path, owner, handed_over=False)

    asyncio.run(scenario())
    assert deletes == [f"{BUCKET.name}/{NAME}"]
