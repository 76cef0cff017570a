"""The cold-GET stripe lock that keeps a target's HTTP processes from fetching one object twice."""

import asyncio
import subprocess
import sys
from pathlib import Path

from pyaistore.backends.registry import BackendRegistry
from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.node import make_snode
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.config import TARGET, NodeConfig
from pyaistore.node_context import NodeContext
from pyaistore.target import cold_get

UNAME = "aws/@#/bucket/object"

# A second process holding the object's stripe until its stdin closes.
HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


def _context(data: Path, http_workers: int) -> NodeContext:
    config = NodeConfig(role=TARGET, data_dir=data, http_workers=http_workers)
    ctx = NodeContext(
        config=config, node=make_snode("t1", TARGET, "127.0.0.1", 1), meta=ClusterMeta(), peers=PeerClient()
    )
    ctx.backends = BackendRegistry(env={}, threads=2)
    return ctx


def test_a_single_process_target_takes_no_lock(tmp_path: Path) -> None:
    ctx = _context(tmp_path, http_workers=1)
    try:
        assert asyncio.run(cold_get._lock_across_processes(ctx, UNAME)) == (-1, False)
    finally:
        assert ctx.backends is not None
        ctx.backends.close()


def test_another_process_holding_the_stripe_makes_the_fetch_wait(tmp_path: Path) -> None:
    ctx = _context(tmp_path, http_workers=2)
    stripe = tmp_path / cold_get.COLD_LOCKS / str(cold_get.stripe_of(UNAME))
    stripe.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(stripe)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"

        async def scenario() -> tuple[int, bool]:
            attempt = asyncio.create_task(cold_get._lock_across_processes(ctx, UNAME))
            done, _ = await asyncio.wait({attempt}, timeout=0.3)
            assert not done  # waits while the other process holds it
            assert holder.stdin is not None
            holder.stdin.close()  # the other process ends, its lock goes with it
            return await asyncio.wait_for(attempt, timeout=10)

        fd, waited = asyncio.run(scenario())
        assert fd >= 0 and waited
    finally:
        holder.kill()
        holder.wait()
        assert ctx.backends is not None
        ctx.backends.close()
