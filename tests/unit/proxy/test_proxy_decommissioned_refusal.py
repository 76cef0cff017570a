"""A node being decommissioned that already forgot the cluster refuses internal calls (403); until
the map without it is published, job queries and listings skip it instead of failing with it.

The primary's side is the real one (NodeContext, peer API, job queries); the targets it asks are
stand-ins on loopback that answer the job query as a member would (an empty list) or as a node
that forgot its secret does (403 ErrForbidden).
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web

from pyaistore.cluster import cluster_map
from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.errors import PeerRejected
from pyaistore.cluster.node import make_snode
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.config import PROXY, NodeConfig
from pyaistore.node_context import NodeContext
from pyaistore.proxy import job_queries
from pyaistore.wire import error_body
from pyaistore.wire.jobs import JobQuery
from pyaistore.wire.membership import FLAG_DECOMMISSION, FLAG_MAINTENANCE
from pyaistore.wire.messages import TARGET, Snode


@asynccontextmanager
async def _target(node_id: str, forgot: bool, flags: int = 0) -> AsyncIterator[Snode]:
    async def jobs(_: web.Request) -> web.Response:
        if forgot:
            body = {"tcode": error_body.FORBIDDEN, "message": "for cluster members only", "status": 403}
            return web.json_response(body, status=403)
        return web.json_response([])

    app = web.Application()
    app.router.add_get("/v1/internal/jobs", jobs)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        node = make_snode(node_id, TARGET, "127.0.0.1", runner.addresses[0][1])
        yield replace(node, flags=flags)
    finally:
        await runner.cleanup()


async def _query(data: Path, *targets: Snode) -> job_queries.NodeSnapshots:
    primary = make_snode("p1", PROXY, "127.0.0.1", 1)
    smap = cluster_map.new_smap(primary)
    for node in targets:
        smap = cluster_map.with_node(smap, node)
    ctx = NodeContext(
        config=NodeConfig(role=PROXY, data_dir=data), node=primary, meta=ClusterMeta(smap), peers=PeerClient()
    )
    await ctx.peers.start()
    try:
        return await job_queries.node_snapshots(ctx, JobQuery())
    finally:
        await ctx.peers.close()


def test_a_decommissioned_node_that_forgot_the_cluster_is_skipped(tmp_path: Path) -> None:
    async def scenario() -> job_queries.NodeSnapshots:
        async with (
            _target("tstay", forgot=False) as member,
            _target("tgone", forgot=True, flags=FLAG_DECOMMISSION) as gone,
        ):
            return await _query(tmp_path, member, gone)

    assert asyncio.run(scenario()) == {}


@pytest.mark.parametrize("flags", [0, FLAG_MAINTENANCE])
def test_any_other_refusal_still_fails_the_query(tmp_path: Path, flags: int) -> None:
    async def scenario() -> job_queries.NodeSnapshots:
        async with _target("tstay", forgot=False) as member, _target("tbad", True, flags) as refusing:
            return await _query(tmp_path, member, refusing)

    with pytest.raises(PeerRejected):
        asyncio.run(scenario())


def test_only_a_forgotten_membership_counts_as_left() -> None:
    node = make_snode("t1", TARGET, "127.0.0.1", 1)
    leaving = replace(node, flags=FLAG_DECOMMISSION)
    assert cluster_map.has_left(leaving, error_body.FORBIDDEN)
    assert not cluster_map.has_left(node, error_body.FORBIDDEN)
    assert not cluster_map.has_left(leaving, "ErrBckNotFound")
