"""A cluster job is listed only once its record is on disk: no client sees a job that a primary
killed in that moment would not know after its restart.

The primary's side is the real one (NodeContext with its MetaOwner, cluster_jobs, job_queries,
the record store on disk). The record is written in a worker thread; the test gives the loop a
one-thread executor and keeps that thread busy, so the write waits, and the job's listing is
looked at in that window. The target is a stand-in on loopback that takes the start and
reports the job's part as running.
"""

import asyncio
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from pyaistore.cluster import cluster_map
from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.meta_owner import MetaOwner
from pyaistore.cluster.node import make_snode
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.config import PROXY, NodeConfig
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs, job_queries
from pyaistore.proxy.job_records import JOBS_DIR
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import JobQuery, JobStartMsg
from pyaistore.wire.messages import TARGET, Snode


@asynccontextmanager
async def _target(node_id: str) -> AsyncIterator[tuple[Snode, list[str]]]:
    """A target that takes job starts and reports each started job as running."""
    started: list[str] = []

    async def start(request: web.Request) -> web.Response:
        started.append(JobStartMsg.from_json(await request.json()).job_id)
        return web.json_response({})

    async def query(_: web.Request) -> web.Response:
        return web.json_response(
            [
                {"id": job_id, "kind": kinds.COPY_BCK, "start-time": "2026-12-06T00:00:00Z"}
                for job_id in started
            ]
        )

    app = web.Application()
    app.router.add_post("/v1/internal/jobs", start)
    app.router.add_get("/v1/internal/jobs", query)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield make_snode(node_id, TARGET, "127.0.0.1", runner.addresses[0][1]), started
    finally:
        await runner.cleanup()


async def _listed(ctx: NodeContext) -> list[str]:
    return [status.job_id for status in await job_queries.status_all(ctx, JobQuery(kind=kinds.COPY_BCK))]


def test_a_job_is_listed_only_once_its_record_is_on_disk(tmp_path: Path) -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        executor = ThreadPoolExecutor(1)
        loop.set_default_executor(executor)
        hold = threading.Event()
        async with _target("t1") as (target, started):
            primary = make_snode("p1", PROXY, "127.0.0.1", 1)
            meta = ClusterMeta()
            config = NodeConfig(role=PROXY, data_dir=tmp_path)
            ctx = NodeContext(config=config, node=primary, meta=meta, peers=PeerClient())
            ctx.owner = MetaOwner(tmp_path, meta, ctx.peer_api, primary)  # the primary: it records jobs
            meta.smap = cluster_map.with_node(ctx.owner.smap, target)
            await ctx.peers.start()
            try:
                busy = loop.run_in_executor(None, hold.wait)  # the one worker thread, held
                plan = cluster_jobs.ClusterJob(kinds.COPY_BCK, BucketId("src"), BucketId("dst"))
                starting = asyncio.create_task(cluster_jobs.start(ctx, plan))
                await asyncio.sleep(0.05)  # the start is waiting for its record's write
                (job,) = ctx.jobs.find(kind=kinds.COPY_BCK)
                assert not (tmp_path / JOBS_DIR / f"{job.job_id}.json").exists()
                assert await _listed(ctx) == [] and not started
                hold.set()
                await busy
                assert await starting == job.job_id
                assert (tmp_path / JOBS_DIR / f"{job.job_id}.json").exists()
                assert started == [job.job_id]
                assert await _listed(ctx) == [job.job_id]
            finally:
                hold.set()
                for task in ctx.background:
                    task.cancel()
                await asyncio.gather(*ctx.background, return_exceptions=True)
                await ctx.peers.close()
        executor.shutdown()

    asyncio.run(scenario())
