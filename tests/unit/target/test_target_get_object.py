"""get_object.open_on_loop: a GET's open never makes the event loop wait for a writer's lock."""

import asyncio
import threading
from pathlib import Path

import pytest

from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.node import make_snode
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.config import TARGET, NodeConfig
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.target import get_object
from pyaistore.wire.bucket_id import BucketId

BUCKET = BucketId("b")


def _context(tmp_path: Path) -> NodeContext:
    ctx = NodeContext(
        config=NodeConfig(role=TARGET, data_dir=tmp_path),
        node=make_snode("t1", TARGET, "127.0.0.1", 1),
        meta=ClusterMeta(),
        peers=PeerClient(),
    )
    ctx.meta.accept(None, ctx.meta.buckets.with_bucket(BUCKET, {}))
    ctx.store = ObjectStore(MountpathSet([tmp_path / "d0", tmp_path / "d1"]))  # a miss takes the lock
    ctx.store.ensure_bucket(BUCKET)
    return ctx


def test_a_miss_whose_lock_is_held_is_looked_at_in_a_thread(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    staged = ctx.object_store.stage_small(BUCKET, "missing", WriteProps(), b"")
    assert staged is not None
    lock = staged._destination.lock  # the object's stripe, as a writer holds it across its flush
    staged.close()
    held, release = threading.Event(), threading.Event()
    holding = [True]

    def writer() -> None:
        with lock:
            held.set()
            release.wait(5)  # a loop blocked on the lock could not tell it to let go: it gives up
            holding[0] = False

    holder = threading.Thread(target=writer)
    holder.start()
    assert held.wait(10)

    async def scenario() -> int:
        opening = asyncio.ensure_future(get_object.open_on_loop(ctx, BUCKET, "missing", None))
        ticks_while_held = 0
        for _ in range(20):  # the loop goes on running while the open waits, in its thread
            await asyncio.sleep(0.01)
            ticks_while_held += holding[0]
        assert not opening.done()
        release.set()
        with pytest.raises(ObjectNotFound):
            await asyncio.wait_for(opening, 10)
        return ticks_while_held

    try:
        assert asyncio.run(scenario()) == 20
    finally:
        release.set()
        holder.join(10)


def test_an_object_in_place_opens_inline(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    with ctx.object_store.writer(BUCKET, "here", WriteProps()) as writer:
        writer.write(b"data")
        writer.commit()

    async def scenario() -> bytes:
        stream = await get_object.open_on_loop(ctx, BUCKET, "here", "bytes=1-2")
        with stream.file as handle:
            return b"".join(handle.read_range(stream.start, stream.length))

    assert asyncio.run(scenario()) == b"at"
