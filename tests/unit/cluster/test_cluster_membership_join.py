"""A joining node is listed only once it confirmed it installed the secret and tables, and the map
that lists it reaches it before any other node (or the primary's own redirects) uses it.

The primary's Membership and MetaOwner are the real ones; the nodes they call are stand-ins on
loopback that answer the two routes a join uses (`GET /v1/daemon?what=snode`, `PUT /v1/metasync`)
and record, in one shared log, which map version reached whom and in what order.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from pyaistore.cluster import cluster_map, metasync
from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.errors import PeerFailed
from pyaistore.cluster.membership import JoinMsg, Membership, join_body
from pyaistore.cluster.meta_owner import SMAP_FILE, MetaOwner
from pyaistore.cluster.node import make_snode
from pyaistore.cluster.peer_api import PeerApi
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.wire.messages import PROXY, TARGET, Snode


@dataclass
class Peers:
    """What the stand-ins saw: (node ID, map version, whether the primary already used that map)."""

    owner: MetaOwner | None = None
    pushes: list[tuple[str, int, bool]] = field(default_factory=list)
    refusing: set[str] = field(default_factory=set)


@asynccontextmanager
async def _stand_in(node_id: str, peers: Peers) -> AsyncIterator[Snode]:
    """A node on loopback answering who it is and taking (or refusing) metasync pushes."""

    async def snode(_: web.Request) -> web.Response:
        return web.json_response({"daemon_id": node_id})

    async def push(request: web.Request) -> web.Response:
        smap, _ = metasync.parse(await request.json())
        if node_id in peers.refusing or smap is None:
            return web.Response(status=503)
        assert peers.owner is not None
        peers.pushes.append((node_id, smap.version, peers.owner.smap.version >= smap.version))
        return web.Response()

    app = web.Application()
    app.router.add_get("/v1/daemon", snode)
    app.router.add_put("/v1/metasync", push)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield make_snode(node_id, TARGET, "127.0.0.1", port)
    finally:
        await runner.cleanup()


@asynccontextmanager
async def _primary(data: Path, peers: Peers) -> AsyncIterator[Membership]:
    client = PeerClient()
    await client.start()
    api = PeerApi(client, "p1")
    owner = MetaOwner(data, ClusterMeta(), api, make_snode("p1", PROXY, "127.0.0.1", 1))
    peers.owner = owner
    try:
        yield Membership(owner, api, interval=1.0, timeout=6.0, startup_grace=0.0)
    finally:
        await client.close()


def test_a_registered_node_is_not_listed_until_it_confirms(tmp_path: Path) -> None:
    peers = Peers()

    async def scenario() -> None:
        async with _primary(tmp_path, peers) as membership, _stand_in("tnew", peers) as node:
            owner = peers.owner
            assert owner is not None
            before = owner.smap.version
            # 1. Register (a fresh node: no secret yet). The reply's map does not list it, and
            # no node, the primary included, may address it: nothing was published.
            reply = await membership.join(node)
            assert node.daemon_id not in reply.targets and node.daemon_id not in owner.smap.targets
            assert owner.smap.version == before and peers.pushes == []
            # A confirmation without the secret of the first reply counts as a registration.
            await membership.join(node, installed=True)
            assert node.daemon_id not in owner.smap.targets and peers.pushes == []
            # 2. Confirm with the secret: now it is listed.
            reply = await membership.join(node, with_secret=True, installed=True)
            assert node.daemon_id in reply.targets and node.daemon_id in owner.smap.targets

    asyncio.run(scenario())


def test_the_map_listing_a_joiner_reaches_it_before_anyone_uses_it(tmp_path: Path) -> None:
    peers = Peers()

    async def scenario() -> None:
        async with (
            _primary(tmp_path, peers) as membership,
            _stand_in("told", peers) as member,
            _stand_in("tnew", peers) as joiner,
        ):
            await membership.join(member, with_secret=True, installed=True)
            peers.pushes.clear()
            await membership.join(joiner, with_secret=True)
            assert peers.pushes == []  # registered: nobody hears of it
            smap = await membership.join(joiner, with_secret=True, installed=True)
            # The joiner took the new map first, while the primary still used the previous one;
            # only then did the other member get it, and the primary switch to it.
            assert peers.pushes == [("tnew", smap.version, False), ("told", smap.version, False)]
            assert peers.owner is not None and peers.owner.smap == smap

    asyncio.run(scenario())


def test_a_joiner_that_does_not_take_the_map_is_not_published(tmp_path: Path) -> None:
    peers = Peers(refusing={"tnew"})

    async def scenario() -> None:
        async with (
            _primary(tmp_path, peers) as membership,
            _stand_in("told", peers) as member,
            _stand_in("tnew", peers) as joiner,
        ):
            owner = peers.owner
            assert owner is not None
            await membership.join(member, with_secret=True, installed=True)
            before = owner.smap
            peers.pushes.clear()
            with pytest.raises(PeerFailed):
                await membership.join(joiner, with_secret=True, installed=True)
            assert owner.smap == before and peers.pushes == []
            assert cluster_map.load(tmp_path / SMAP_FILE) == before  # not persisted either
            peers.refusing.clear()  # the node joins again (its agent retries) and now takes it
            smap = await membership.join(joiner, with_secret=True, installed=True)
            assert joiner.daemon_id in smap.targets

    asyncio.run(scenario())


def test_the_join_body_says_which_step_it_is() -> None:
    node = make_snode("t1", TARGET, "127.0.0.1", 8081)
    assert not JoinMsg.from_json(join_body(node, restarted=True)).installed
    confirm = JoinMsg.from_json(join_body(node, True, "uuid1", installed=True))
    assert confirm == JoinMsg(node, True, "uuid1", installed=True)
    assert not JoinMsg.from_json({"node": node.to_json()}).installed  # absent: a registration
