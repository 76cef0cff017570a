"""The lean front's PUT: written on the loop (or in a thread), acknowledged only once durable.

A real target context (object store on a tmp dir, a one-target cluster map, one bucket) behind a
real front on loopback; aiohttp's side is a stand-in that marks what reached it. The store's
flushes go through the group commit's `Flushers` seam, which the tests hold or fail.
"""

import asyncio
import dataclasses
import hashlib
import os
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.node import make_snode
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.config import PROXY, TARGET, NodeConfig
from pyaistore.monitoring import request_counters as ops
from pyaistore.node_context import NodeContext
from pyaistore.storage import layout
from pyaistore.storage.commit_queue import Flushers
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.meta_store import XATTR_NAME
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.target import plain_put
from pyaistore.web import fast_http, object_headers
from pyaistore.web.fast_put import FastPut
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Smap

BUCKET = BucketId("b")
BODY = b"x" * 1024
HANDED_ON = b"aiohttp"


@dataclass
class HeldFlushes:
    """Flushers that record each flush; the `held` kind waits for `release` before it completes (or fails)."""

    held: str = "dir"
    started: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    fail: bool = False
    calls: list[str] = field(default_factory=list)

    def flushers(self) -> Flushers:
        def hold(kind: str) -> Callable[[object], None]:
            def flush(_: object) -> None:
                self.calls.append(kind)
                if kind != self.held:
                    return
                self.started.set()
                if not self.release.wait(10):
                    raise TimeoutError("the test never released the flush")
                if self.fail:
                    raise OSError(5, "injected flush failure")

            return flush

        return Flushers(file=hold("file"), directory=hold("dir"), filesystem=hold("fs"))


def _context(data: Path, flushes: HeldFlushes, journal: bool = True) -> NodeContext:
    node = make_snode("t1", TARGET, "127.0.0.1", 1)
    primary = make_snode("p1", PROXY, "127.0.0.1", 2)
    config = NodeConfig(role=TARGET, data_dir=data)
    ctx = NodeContext(config=config, node=node, meta=ClusterMeta(), peers=PeerClient())
    smap = Smap(2, "u", "", primary, {"p1": primary}, {"t1": node})
    ctx.meta.accept(smap, ctx.meta.buckets.with_bucket(BUCKET, {}))
    ctx.store = ObjectStore(MountpathSet([data / "disk"]), flushers=flushes.flushers(), journal=journal)
    return ctx


async def _aiohttp_side(request: web.Request) -> web.Response:
    """The stand-in for the full handler: it marks what reached it (and leaves the body unread)."""
    return web.Response(body=HANDED_ON)


@asynccontextmanager
async def _front(ctx: NodeContext) -> AsyncIterator[int]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", _aiohttp_side)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    put = FastPut(ctx, b"Server: test\r\n")
    front = await fast_http.start(runner, sock, lambda _: None, body_handler=put)
    try:
        yield sock.getsockname()[1]
    finally:
        await front.close()
        await runner.cleanup()


def _run(ctx: NodeContext, scenario: Callable[[int], Awaitable[None]]) -> None:
    async def main() -> None:
        async with _front(ctx) as port:
            await scenario(port)

    asyncio.run(main())


def _put(name: str, body: bytes = BODY, extra: bytes = b"") -> bytes:
    return b"PUT /v1/objects/b/%s HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n%s\r\n%s" % (
        name.encode(),
        len(body),
        extra,
        body,
    )


async def _reply(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """One reply: its head and body."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    lines = head.split(b"\r\n")
    length = next(int(line.split(b":")[1]) for line in lines if line.lower().startswith(b"content-length:"))
    return head, await reader.readexactly(length)


async def _put_held(
    port: int, flushes: HeldFlushes
) -> tuple[asyncio.StreamWriter, "asyncio.Future[tuple[bytes, bytes]]"]:
    """PUT object "o", wait until its held flush starts, and check that no reply comes meanwhile."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(_put("o"))
    assert await asyncio.to_thread(flushes.started.wait, 10)
    read = asyncio.ensure_future(_reply(reader))
    done, _ = await asyncio.wait({read}, timeout=0.2)
    assert not done, "acknowledged before the flush completed"
    return writer, read


def test_the_reply_waits_for_the_flush(tmp_path: Path) -> None:
    flushes = HeldFlushes()
    ctx = _context(tmp_path, flushes, journal=False)  # a create's two flushes, without the journal

    async def scenario(port: int) -> None:
        # The last flush (the rename's directory) is held: the object is in place but not yet
        # durable, the write has not returned, so no reply may be on its way.
        writer, read = await _put_held(port, flushes)
        assert ctx.object_store.head(BUCKET, "o").size == len(BODY)
        flushes.release.set()
        head, body = await read
        assert head.startswith(b"HTTP/1.1 200 OK\r\n") and body == b""
        meta = ctx.object_store.head(BUCKET, "o")
        assert b"Ais-Checksum-Value: %s\r\n" % meta.checksum_value.encode() in head
        assert b"Ais-Version: 1\r\n" in head and b"Server: test\r\n" in head
        writer.close()

    _run(ctx, scenario)
    assert flushes.calls == ["file", "dir"]
    assert ctx.monitor.counters.totals()[ops.PUT.count] == 1
    assert ctx.monitor.counters.totals()[ops.PUT.size] == len(BODY)


def test_a_create_is_acknowledged_after_the_journal_flush(tmp_path: Path) -> None:
    flushes = HeldFlushes(held="file")  # with the journal, a create's only flush is the journal's
    ctx = _context(tmp_path, flushes)

    async def scenario(port: int) -> None:
        writer, read = await _put_held(port, flushes)
        with pytest.raises(ObjectNotFound):  # linked into place only once the record is durable
            ctx.object_store.head(BUCKET, "o")
        flushes.release.set()
        head, body = await read
        assert head.startswith(b"HTTP/1.1 200 OK\r\n") and body == b""
        assert ctx.object_store.head(BUCKET, "o").size == len(BODY)
        writer.close()

    _run(ctx, scenario)
    assert flushes.calls == ["file"]


def test_a_failed_flush_is_never_acknowledged_by_the_front(tmp_path: Path) -> None:
    flushes = HeldFlushes(held="file", fail=True)
    flushes.release.set()
    ctx = _context(tmp_path, flushes)

    async def scenario(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(_put("o"))
        _, body = await _reply(reader)
        assert body == HANDED_ON  # aiohttp's full handler answers (and reports) it
        writer.close()

    _run(ctx, scenario)
    try:
        ctx.object_store.head(BUCKET, "o")
    except ObjectNotFound:
        pass
    assert ctx.monitor.counters.totals()[ops.PUT.count] == 0


def test_what_the_front_leaves_to_aiohttp(tmp_path: Path) -> None:
    flushes = HeldFlushes()
    flushes.release.set()
    ctx = _context(tmp_path, flushes)
    handed_on = [
        _put("o", extra=b"Ais-Custom-Md: k=v\r\n"),
        _put("o?appendty=append"),
        _put("o", extra=b"Content-Encoding: gzip\r\n"),
        _put("o", extra=b"Ais-Checksum-Type: xxhash2\r\n"),  # a type without its value: a 400 there
        b"PUT /v1/objects/unknown/o HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx",
        _put("big", body=b"y" * (fast_http.MAX_BODY + 1)),
        b"PUT /v1/objects/b/o HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
    ]

    async def scenario(port: int) -> None:
        for request in handed_on:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            _, body = await _reply(reader)
            assert body == HANDED_ON, request[:80]
            writer.close()

    _run(ctx, scenario)
    assert flushes.calls == []


def test_pipelined_puts_and_a_checksum_are_served_in_order(tmp_path: Path) -> None:
    flushes = HeldFlushes()
    flushes.release.set()
    ctx = _context(tmp_path, flushes)
    good = b"Ais-Checksum-Type: md5\r\nAis-Checksum-Value: %s\r\n" % hashlib.md5(BODY).hexdigest().encode()
    bad = b"Ais-Checksum-Type: md5\r\nAis-Checksum-Value: 0123\r\n"

    async def scenario(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        # A head and body in two writes, then more requests behind them on the same connection.
        whole = _put("a", extra=good) + _put("a") + _put("c", extra=bad) + _put("d", body=b"last")
        writer.write(whole[:60])
        await writer.drain()
        writer.write(whole[60:])
        replies = [await _reply(reader) for _ in range(4)]
        assert all(head.startswith(b"HTTP/1.1 200 OK\r\n") for head, _ in replies)
        assert b"Ais-Version: 1\r\n" in replies[0][0] and b"Ais-Version: 2\r\n" in replies[1][0]
        assert replies[2][1] == HANDED_ON  # the mismatch: nothing written, the full path reports it
        assert replies[3][1] == b"" and ctx.object_store.head(BUCKET, "d").size == 4
        writer.close()

    _run(ctx, scenario)
    try:
        ctx.object_store.head(BUCKET, "c")
        raise AssertionError("a PUT with a wrong checksum was written")
    except ObjectNotFound:
        pass


def test_connection_close_is_honoured(tmp_path: Path) -> None:
    flushes = HeldFlushes()
    flushes.release.set()
    ctx = _context(tmp_path, flushes)

    async def scenario(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(_put("o", extra=b"Connection: close\r\n"))
        head, _ = await _reply(reader)
        assert head.endswith(b"Connection: close\r\n\r\n")
        assert await asyncio.wait_for(reader.read(), 10) == b""
        writer.close()

    _run(ctx, scenario)
    assert os.path.exists(ctx.object_store.head(BUCKET, "o").mountpath)


class CountingExecutor(ThreadPoolExecutor):
    """The loop's default executor, counting the blocking PUT writes handed to it."""

    def __init__(self) -> None:
        super().__init__(max_workers=4)
        self.blocking_writes = 0

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        if fn is plain_put.write_blocking:
            self.blocking_writes += 1
        return super().submit(fn, *args, **kwargs)


def _run_counting(ctx: NodeContext, scenario: Callable[[int], Awaitable[None]]) -> CountingExecutor:
    executor = CountingExecutor()

    async def main() -> None:
        asyncio.get_running_loop().set_default_executor(executor)
        async with _front(ctx) as port:
            await scenario(port)

    asyncio.run(main())
    return executor


def test_a_small_put_is_written_on_the_loop_a_larger_one_in_a_thread(tmp_path: Path) -> None:
    flushes = HeldFlushes()
    flushes.release.set()
    ctx = _context(tmp_path, flushes)
    large = b"z" * (plain_put.ON_LOOP + 1)

    async def scenario(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(_put("small") + _put("large", body=large))
        for _ in range(2):
            head, _ = await _reply(reader)
            assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        writer.close()

    executor = _run_counting(ctx, scenario)
    assert executor.blocking_writes == 1  # the large one only
    assert ctx.object_store.head(BUCKET, "small").size == len(BODY)
    assert ctx.object_store.head(BUCKET, "large").size == len(large)
    assert flushes.calls == ["file", "file", "dir"]  # the small create's journal flush, the large one's two


def test_a_put_whose_object_lock_is_busy_is_written_in_a_thread_once_free(tmp_path: Path) -> None:
    flushes = HeldFlushes()
    flushes.release.set()
    ctx = _context(tmp_path, flushes)
    staged = ctx.object_store.stage_small(BUCKET, "o", WriteProps(), b"")
    assert staged is not None
    lock = staged._destination.lock  # the stripe the write needs, held as another writer would
    staged.close()

    async def scenario(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert lock.try_acquire()
        writer.write(_put("o"))
        read = asyncio.ensure_future(_reply(reader))
        done, _ = await asyncio.wait({read}, timeout=0.2)
        assert not done, "written while another writer held the object's lock"
        lock.release()
        head, _ = await read
        assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"Ais-Version: 1\r\n" in head
        writer.close()

    executor = _run_counting(ctx, scenario)
    assert executor.blocking_writes == 1
    assert ctx.object_store.head(BUCKET, "o").size == len(BODY)


def test_a_put_whose_object_changed_during_its_flush_is_written_again_in_a_thread(tmp_path: Path) -> None:
    flushes = HeldFlushes(held="file")
    flushes.release.set()
    ctx = _context(tmp_path, flushes)
    with ctx.object_store.writer(BUCKET, "c", WriteProps()) as first:  # version 1
        first.write(b"first")
        first.commit()
    flushes.release.clear()
    flushes.started.clear()
    path = layout.object_path(ctx.object_store.mountpaths.choose(BUCKET.object_uname("c")), BUCKET, "c")

    async def scenario(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(_put("c"))
        assert await asyncio.to_thread(flushes.started.wait, 10)  # staged as version 2, file flush held
        # Another writer's object lands meanwhile (its record says version 5): the staged file,
        # whose version followed 1, must not replace it.
        other = dataclasses.replace(ObjectMeta.decode(os.getxattr(path, XATTR_NAME)), version="5")
        os.setxattr(path, XATTR_NAME, other.encode())
        flushes.release.set()
        head, _ = await _reply(reader)
        assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"Ais-Version: 6\r\n" in head
        writer.close()

    executor = _run_counting(ctx, scenario)
    assert executor.blocking_writes == 1  # published by the thread, not by the loop
    meta = ctx.object_store.head(BUCKET, "c")
    assert (meta.version, meta.size) == ("6", len(BODY))
    assert not os.listdir(layout.work_dir(ctx.object_store.mountpaths.choose(BUCKET.object_uname("c"))))


def test_the_reply_headers_are_the_ones_for_put_gives(tmp_path: Path) -> None:
    put = FastPut(_context(tmp_path, HeldFlushes()), b"Server: test\r\n")
    plain = ObjectMeta("o", 3, "xxhash2", "0123456789abcdef", "7", 1_700_000_000_123_456_789, {})
    with_custom = ObjectMeta(
        "o", 3, "xxhash2", "0123456789abcdef", "7", 1_700_000_000_123_456_789, {"k": "v"}
    )
    unchecked = ObjectMeta("o", 3, "none", "", "1", 1_700_000_000_123_456_789, {})
    for meta in (plain, with_custom, unchecked):
        reply = put._render(meta, keep_alive=True)
        expected = b"".join(f"{k}: {v}\r\n".encode() for k, v in object_headers.for_put(meta, "t1").items())
        assert reply.startswith(b"HTTP/1.1 200 OK\r\n" + expected + b"Content-Length: 0\r\nDate: ")
        assert reply.endswith(b"\r\nServer: test\r\n\r\n")
