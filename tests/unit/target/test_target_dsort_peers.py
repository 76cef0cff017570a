"""The dsort coordinator asking another target for its records: a target that does not know the
job yet (its start from the gateway still on the way) is asked again, not taken for a failure.

The coordinator's code and PeerApi are the real ones; the other target is a stand-in on loopback
answering `GET /v1/internal/dsort/<job>/meta` as a target does: 404 with AIS's JSON error while it
does not know the job, then its record list.
"""

import asyncio
from types import SimpleNamespace
from typing import Any, cast

import pytest
from aiohttp import web

from pyaistore.cluster.errors import PeerRejected
from pyaistore.cluster.node import make_snode
from pyaistore.cluster.peer_api import PeerApi
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.jobs.job import Job
from pyaistore.node_context import NodeContext
from pyaistore.target import dsort
from pyaistore.wire.jobs import DSORT
from pyaistore.wire.messages import TARGET

JOB_ID = "dsort-job"
RECORDS = [[0, "0000", 20, None, 0], [1, "0001", 20, None, 1]]


async def _ask(unknown_for: int, grace: float, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], int]:
    """Run the coordinator's ask against a target that answers 404 `unknown_for` times first."""
    asked = 0

    async def meta(request: web.Request) -> web.Response:
        nonlocal asked
        asked += 1
        assert request.match_info["job"] == JOB_ID
        if asked <= unknown_for:
            message = f'dsort job "{JOB_ID}" does not exist on t[other]'
            return web.json_response({"message": message, "status": 404}, status=404)
        return web.json_response({"ready": True, "aborted": False, "records": RECORDS})

    app = web.Application()
    app.router.add_get("/v1/internal/dsort/{job}/meta", meta)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    client = PeerClient()
    await client.start()
    monkeypatch.setattr(dsort, "START_GRACE_S", grace, raising=False)
    try:
        ctx = SimpleNamespace(
            node=make_snode("coordinator", TARGET, "127.0.0.1", 1), peer_api=PeerApi(client, "c")
        )
        job = Job(JOB_ID, DSORT)
        other = make_snode("other", TARGET, "127.0.0.1", port)
        found = await dsort._records_of(cast(NodeContext, ctx), cast(dsort.DsortJob, job), other)
        return [(r.owner, r.record_id, r.key) for r in found], asked
    finally:
        await client.close()
        await runner.cleanup()


def test_a_target_that_does_not_know_the_job_yet_is_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    found, asked = asyncio.run(_ask(unknown_for=3, grace=30.0, monkeypatch=monkeypatch))
    assert found == [("other", 0, "0000"), ("other", 1, "0001")]
    assert asked == 4


def test_a_target_that_never_learns_of_the_job_fails_it_after_the_grace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(PeerRejected) as refused:
        asyncio.run(_ask(unknown_for=1_000_000, grace=0.3, monkeypatch=monkeypatch))
    assert refused.value.status == 404 and "does not exist" in str(refused.value)
