"""The lean HTTP front: fast replies inline, every other request through aiohttp, on one connection.

A real aiohttp application behind the front on a loopback socket, driven with raw sockets so the
tests control how bytes arrive (pipelined, split, a body after its reply).
"""

import asyncio
import os
import socket
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web

from pyaistore.web import fast_http
from pyaistore.web.fast_http import RequestHead

FAST_BODY = b"fast!"
# What GET /file/* sends with sendfile: 8 MiB and a byte, more than a socket buffer takes at once.
FILE_BODY = bytes(range(256)) * (32 * 1024) + b"!"
_FILE = tempfile.NamedTemporaryFile(prefix="fast-http-")  # removed when the test process exits
_FILE.write(FILE_BODY)
_FILE.flush()


def _fast(head: RequestHead) -> bytes | fast_http.FileReply | None:
    """Answers GET /fast/* inline and GET /file/* from a file; raises on /boom (the front must hand
    it on); else None."""
    if head.url.startswith(b"/boom"):
        raise RuntimeError("the fast handler failed")
    if head.method == b"GET" and head.url.startswith(b"/file/"):
        reply_head = b"HTTP/1.1 200 OK\r\nX-Path: file\r\nContent-Length: %d\r\n\r\n" % (len(FILE_BODY) - 1)
        return fast_http.FileReply(reply_head, os.open(_FILE.name, os.O_RDONLY), 1, len(FILE_BODY) - 1)
    if head.method != b"GET" or not head.url.startswith(b"/fast/"):
        return None
    extra = b"" if head.keep_alive else b"Connection: close\r\n"
    return b"HTTP/1.1 200 OK\r\nX-Path: fast\r\nContent-Length: %d\r\n%s\r\n%s" % (
        len(FAST_BODY),
        extra,
        FAST_BODY,
    )


def _take(head: RequestHead) -> fast_http.TakeBody | None:
    """Takes PUT /body/* bodies: /body/ok answered with the body, /body/fail failed, others declined."""
    if head.method != b"PUT" or not head.url.startswith(b"/body/"):
        return None

    def take(body: bytes) -> "asyncio.Future[bytes | None]":
        reply: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
        if head.url == b"/body/ok":
            reply.set_result(
                b"HTTP/1.1 200 OK\r\nX-Path: fast\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
            )
        elif head.url == b"/body/fail":
            reply.set_exception(RuntimeError("acted, then failed"))
        else:
            reply.set_result(None)
        return reply

    return take


async def _echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.Response(body=b"slow:" + body, headers={"X-Path": "aiohttp"})


async def _early(request: web.Request) -> web.Response:
    """Answers without reading the body (as a redirect does)."""
    return web.Response(status=307, headers={"Location": "/elsewhere", "X-Path": "aiohttp"})


async def _slow_get(request: web.Request) -> web.Response:
    return web.Response(body=b"slow-get", headers={"X-Path": "aiohttp"})


async def _boom(request: web.Request) -> web.Response:
    return web.Response(body=b"aiohttp-after-boom", headers={"X-Path": "aiohttp"})


@asynccontextmanager
async def _front(body_idle: float = 60.0) -> AsyncIterator[int]:
    """A front on a free loopback port over a small aiohttp application."""
    app = web.Application()
    app.router.add_route("*", "/echo", _echo)
    app.router.add_put("/body/declined", _echo)
    app.router.add_put("/body/ok", _echo)  # for a body the front stopped waiting for
    app.router.add_put("/early", _early)
    app.router.add_get("/slow", _slow_get)
    app.router.add_get("/boom", _boom)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.setblocking(False)
    front = await fast_http.start(runner, sock, _fast, body_handler=_take, body_idle=lambda: body_idle)
    try:
        yield sock.getsockname()[1]
    finally:
        await front.close()
        await runner.cleanup()


def _run(scenario: Callable[[int], Awaitable[None]], body_idle: float = 60.0) -> None:
    """Run one scenario against a fresh front (its port), then stop it."""

    async def main() -> None:
        async with _front(body_idle) as port:
            await scenario(port)

    asyncio.run(main())


class Conn:
    """One raw client connection reading replies one by one (Content-Length framed)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def reply(self) -> tuple[int, dict[str, str], bytes]:
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 5)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        body = await asyncio.wait_for(self.reader.readexactly(int(headers.get("content-length", "0"))), 5)
        return status, headers, body

    async def closed(self) -> bool:
        return await asyncio.wait_for(self.reader.read(1), 5) == b""


async def _connect(port: int) -> Conn:
    return Conn(*await asyncio.open_connection("127.0.0.1", port))


def _get(path: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: t\r\n{extra}\r\n".encode()


def _put(path: str, body: bytes) -> bytes:
    return f"PUT {path} HTTP/1.1\r\nHost: t\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body


def test_fast_and_handed_on_requests_share_one_connection() -> None:
    async def scenario(port: int) -> None:
        conn = await _connect(port)
        for round_ in range(3):
            await conn.send(_get("/fast/a"))
            status, headers, body = await conn.reply()
            assert (status, headers["x-path"], body) == (200, "fast", FAST_BODY)
            await conn.send(_put("/echo", b"payload-%d" % round_))
            status, headers, body = await conn.reply()
            assert (status, headers["x-path"], body) == (200, "aiohttp", b"slow:payload-%d" % round_)
            await conn.send(_get("/slow"))
            assert (await conn.reply())[2] == b"slow-get"

    _run(scenario)


def test_pipelined_replies_keep_request_order() -> None:
    async def scenario(port: int) -> None:
        conn = await _connect(port)
        batch = _get("/fast/1") + _put("/echo", b"one") + _get("/fast/2") + _get("/slow") + _get("/fast/3")
        await conn.send(batch)
        bodies = [(await conn.reply())[2] for _ in range(5)]
        assert bodies == [FAST_BODY, b"slow:one", FAST_BODY, b"slow-get", FAST_BODY]

    _run(scenario)


def test_a_body_arriving_after_aiohttps_reply_is_not_taken_for_a_request() -> None:
    async def scenario(port: int) -> None:
        conn = await _connect(port)
        body = b"B" * 100
        await conn.send(f"PUT /early HTTP/1.1\r\nHost: t\r\nContent-Length: {len(body)}\r\n\r\n".encode())
        status, headers, _ = await conn.reply()
        assert status == 307 and headers["x-path"] == "aiohttp"
        await conn.send(body[:40])
        await conn.send(body[40:] + _get("/fast/after"))
        status, headers, reply_body = await conn.reply()
        assert (status, headers["x-path"], reply_body) == (200, "fast", FAST_BODY)

    _run(scenario)


def test_a_head_split_across_reads_is_served() -> None:
    async def scenario(port: int) -> None:
        conn = await _connect(port)
        request = _get("/fast/split")
        for piece in (request[:7], request[7:20], request[20:]):
            await conn.send(piece)
            await asyncio.sleep(0)
        assert (await conn.reply())[1]["x-path"] == "fast"

    _run(scenario)


def test_a_chunked_request_stays_with_aiohttp_and_is_answered() -> None:
    async def scenario(port: int) -> None:
        conn = await _connect(port)
        chunked = (
            b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        )
        await conn.send(chunked)
        assert (await conn.reply())[2] == b"slow:hello"
        await conn.send(_get("/fast/x"))  # aiohttp's for good now: it 404s a route it does not have
        status, headers, _ = await conn.reply()
        assert status == 404 and "x-path" not in headers

    _run(scenario)


def test_malformed_requests_get_aiohttps_400() -> None:
    async def scenario(port: int) -> None:
        conn = await _connect(port)
        await conn.send(b"GET /fast/x HTTP/1.1\r\nBad Header Line\r\n\r\n")
        status, _, _ = await conn.reply()
        assert status == 400

    _run(scenario)


def test_an_oversized_head_is_refused_by_aiohttp() -> None:
    async def scenario(port: int) -> None:
        conn = await _connect(port)
        await conn.send(_get("/fast/x", "X-Big: " + "a" * (fast_http.MAX_HEAD + 10) + "\r\n"))
        status, _, _ = await conn.reply()
        assert status in (400, 431)

    _run(scenario)


def test_connection_close_is_honoured_on_the_fast_path() -> None:
    async def scenario(port: int) -> None:
        conn = await _connect(port)
        await conn.send(_get("/fast/x", "Connection: close\r\n"))
        status, headers, _ = await conn.reply()
        assert status == 200 and headers["connection"] == "close"
        assert await conn.closed()

    _run(scenario)


def test_http_1_0_and_a_failing_fast_handler_go_to_aiohttp() -> None:
    async def scenario(port: int) -> None:
        conn = await _connect(port)
        await conn.send(_get("/boom"))
        status, headers, body = await conn.reply()
        assert (status, headers["x-path"], body) == (200, "aiohttp", b"aiohttp-after-boom")
        await conn.send(_get("/fast/again"))
        assert (await conn.reply())[1]["x-path"] == "fast"
        old = await _connect(port)
        await old.send(b"GET /fast/x HTTP/1.0\r\nHost: t\r\n\r\n")
        status, headers, _ = await old.reply()
        assert status == 404 and "x-path" not in headers  # aiohttp served it: it has no /fast route

    _run(scenario)


def test_bodies_the_body_handler_takes_declines_or_fails() -> None:
    async def scenario(port: int) -> None:
        conn = await _connect(port)
        # Split body, then a pipelined fast GET and a declined PUT (aiohttp's, body intact).
        whole = _put("/body/ok", b"x" * 5000) + _get("/fast/a") + _put("/body/declined", b"abc")
        await conn.send(whole[:100])
        await conn.send(whole[100:])
        assert (await conn.reply())[1:] == ({"x-path": "fast", "content-length": "5000"}, b"x" * 5000)
        assert (await conn.reply())[2] == FAST_BODY
        status, headers, body = await conn.reply()
        assert (status, headers["x-path"], body) == (200, "aiohttp", b"slow:abc")
        await conn.send(_put("/body/fail", b"abc") + _get("/fast/a"))
        assert await conn.closed()  # neither answered nor handed on

    _run(scenario)


def test_a_stalled_body_is_handed_on_to_aiohttp_as_it_stands() -> None:
    """A body that stops arriving for the idle timeout is aiohttp's (which times out stalled bodies)."""

    async def scenario(port: int) -> None:
        conn = await _connect(port)
        whole = _put("/body/ok", b"y" * 300)
        await conn.send(whole[:-200])
        await asyncio.sleep(0.4)  # the stall itself: more than the front's idle timeout
        await conn.send(whole[-200:])
        status, headers, body = await conn.reply()
        assert (status, headers["x-path"], body) == (200, "aiohttp", b"slow:" + b"y" * 300)
        await conn.send(_put("/body/ok", b"z" * 10))  # and the front takes the next one again
        assert (await conn.reply())[1:] == ({"x-path": "fast", "content-length": "10"}, b"z" * 10)

    _run(scenario, body_idle=0.2)


def test_file_replies_are_sent_in_order_with_the_requests_around_them() -> None:
    async def scenario(port: int) -> None:
        conn = await _connect(port)
        await conn.send(_get("/file/a") + _get("/fast/b") + _put("/echo", b"x") + _get("/file/c"))
        replies = [await conn.reply() for _ in range(4)]
        assert [(status, headers["x-path"]) for status, headers, _ in replies] == [
            (200, "file"),
            (200, "fast"),
            (200, "aiohttp"),
            (200, "file"),
        ]
        assert replies[0][2] == replies[3][2] == FILE_BODY[1:]
        assert (replies[1][2], replies[2][2]) == (FAST_BODY, b"slow:x")

    _run(scenario)


def test_a_client_that_leaves_mid_file_does_not_stop_the_front() -> None:
    async def scenario(port: int) -> None:
        for _ in range(3):
            leaving = await _connect(port)
            await leaving.send(_get("/file/a"))
            await asyncio.wait_for(leaving.reader.readexactly(1000), 5)
            leaving.writer.transport.abort()  # gone with most of the file unsent
        conn = await _connect(port)
        await conn.send(_get("/file/b", "Connection: close\r\n"))
        status, _, body = await conn.reply()
        assert (status, body) == (200, FILE_BODY[1:])
        assert await conn.closed()  # Connection: close is honoured after a file reply too

    _run(scenario)
