"""http_workers.WorkerPool: a metasync is acknowledged only once every live worker applied the tables.

Real spawned processes on real pipes; the worker is a stand-in (the pool's `entry` seam) that
applies nothing but marks each message in a file, slowly, before it says so.
"""

import asyncio
import os
import socket
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.node import make_snode
from pyaistore.config import PROXY, TARGET, NodeConfig
from pyaistore.server.http_workers import SEQ_KEY, WorkerPool
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Smap

APPLY_S = 0.3  # how long the stand-in takes to apply a message


def _slow_worker(
    config: NodeConfig, node_json: dict[str, Any], sock: socket.socket, conn: Connection, row: int
) -> None:
    """Mark each message as applied (a file per worker and number) after APPLY_S, then acknowledge it."""
    sock.close()
    while True:
        try:
            body = conn.recv()
        except (EOFError, OSError):
            return
        time.sleep(APPLY_S)
        (config.data_dir / f"applied-{row}-{body[SEQ_KEY]}").touch()
        conn.send({SEQ_KEY: body[SEQ_KEY]})


def _gone_worker(
    config: NodeConfig, node_json: dict[str, Any], sock: socket.socket, conn: Connection, row: int
) -> None:
    """A worker that exits at once, never acknowledging anything."""
    sock.close()
    os._exit(0)


def _listen() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock


def _meta() -> ClusterMeta:
    node = make_snode("t1", TARGET, "127.0.0.1", 1)
    primary = make_snode("p1", PROXY, "127.0.0.1", 2)
    meta = ClusterMeta()
    meta.accept(
        Smap(2, "u", "", primary, {"p1": primary}, {"t1": node}), meta.buckets.with_bucket(BucketId("b"), {})
    )
    return meta


def _pool(tmp_path: Path, entry: Any, count: int) -> WorkerPool:
    config = NodeConfig(role=TARGET, data_dir=tmp_path)
    return WorkerPool(config, make_snode("t1", TARGET, "127.0.0.1", 1), _listen, count, entry=entry)


async def _started(pool: WorkerPool, count: int, data: Path) -> None:
    """Send a first message and wait (with a deadline) until `count` workers answered it."""
    pool.broadcast_config(NodeConfig(role=TARGET, data_dir=data))
    deadline = asyncio.get_running_loop().time() + 20
    while pool.answering() < count:
        assert asyncio.get_running_loop().time() < deadline, "the workers never answered"
        await asyncio.sleep(0.01)


def test_tables_applied_waits_for_every_started_worker(tmp_path: Path) -> None:
    async def scenario() -> None:
        pool = _pool(tmp_path, _slow_worker, 2)
        pool.start()
        try:
            # Not started yet (no answer): a starting worker applies all it was sent before it
            # serves, so it is not waited for.
            pool.broadcast(_meta())
            await asyncio.wait_for(pool.tables_applied(timeout=30), 0.2)
            await _started(pool, 2, tmp_path)
            pool.broadcast(_meta())
            await asyncio.wait_for(pool.tables_applied(timeout=30), 20)
            # Both workers marked the tables before the pool said they were applied.
            assert {"applied-1-3", "applied-2-3"} <= {p.name for p in tmp_path.glob("applied-*")}
            pool.broadcast_config(NodeConfig(role=TARGET, data_dir=tmp_path))  # not tables: not waited for
            await asyncio.wait_for(pool.tables_applied(timeout=30), 0.2)  # already applied: no wait
        finally:
            pool.stop()

    asyncio.run(scenario())


def test_a_worker_that_is_gone_is_not_waited_for(tmp_path: Path) -> None:
    async def scenario() -> None:
        pool = _pool(tmp_path, _gone_worker, 1)
        pool.start()
        try:
            pool.broadcast(_meta())
            await asyncio.wait_for(pool.tables_applied(timeout=60), 20)  # not the 60 s timeout
        finally:
            pool.stop()

    asyncio.run(scenario())
