"""A node's side of the two-step join: it installs the secret and tables of its registration
before it confirms, confirms with that secret, and counts as joined only once confirmed.

The TargetAgent is the real one; the primary is a stand-in on loopback answering the join and
keepalive routes and recording, in one log with the agent's table installs, what arrived when.
"""

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from aiohttp import web

from pyaistore.cluster import cluster_map, metasync
from pyaistore.cluster.config_table import ConfigTable
from pyaistore.cluster.etl_table import EtlTable
from pyaistore.cluster.membership import INSTALLED_KEY, SECRET_KEY
from pyaistore.cluster.node import make_snode
from pyaistore.cluster.peer_api import PeerApi
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.cluster.target_agent import TargetAgent
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.wire import headers
from pyaistore.wire.messages import PROXY, TARGET
from pyaistore.wire.rebalance import RebalanceMeta

SECRET = "s3cret"


def test_the_agent_installs_the_registration_reply_before_it_confirms(tmp_path: Path) -> None:
    node = make_snode("t1", TARGET, "127.0.0.1", 1)
    before = cluster_map.new_smap(make_snode("p1", PROXY, "127.0.0.1", 2))
    after = cluster_map.with_node(before, node)
    log: list[tuple[str, Any]] = []

    async def join(request: web.Request) -> web.Response:
        installed = bool((await request.json())[INSTALLED_KEY])
        log.append(("join", (installed, request.headers.get(headers.CLUSTER_SECRET, ""))))
        body = metasync.payload(after if installed else before, BucketTable())
        body[SECRET_KEY] = SECRET
        return web.json_response(body)

    async def keepalive(_: web.Request) -> web.Response:
        return web.Response()

    async def scenario() -> None:
        app = web.Application()
        app.router.add_post("/v1/cluster/join", join)
        app.router.add_post("/v1/cluster/keepalive", keepalive)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        client = PeerClient()
        await client.start()
        api = PeerApi(client, node.daemon_id)

        async def on_meta(smap: Any, *_: Any) -> None:
            log.append(("installed", smap.version if smap else None))

        agent = TargetAgent(
            api,
            f"http://127.0.0.1:{runner.addresses[0][1]}",
            node,
            lambda: (None, BucketTable(), EtlTable(), RebalanceMeta(), ConfigTable()),
            on_meta,
            interval=1.0,
            data_dir=tmp_path,
        )
        task = asyncio.create_task(agent.run())
        try:
            await asyncio.wait_for(agent.joined.wait(), 10)
            agent.leave()
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await client.close()
            await runner.cleanup()
        assert api.cluster_secret == SECRET

    asyncio.run(scenario())
    assert log == [
        ("join", (False, "")),  # registration: no secret yet
        ("installed", before.version),
        ("join", (True, SECRET)),  # confirmation, with the secret of the first reply
        ("installed", after.version),
    ]
