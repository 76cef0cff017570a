"""A lean HTTP/1.1 front on a target's public port: hot reads answered inline, aiohttp for the rest.

Per connection, httptools parses each request's head. A request the fast handler answers in full
(a GET of an object this target holds, nothing unusual asked) is answered right there, with none
of aiohttp's per-request machinery: as bytes, or as a head followed by a byte range of an open
file (a FileReply, sent with sendfile on plain TCP under asyncio's loop; on TLS or another loop
the request is handed on). Until a file's bytes are sent, nothing else on the connection is
served. Any other request (a body, another route, a miss, an error) is handed to aiohttp's own
protocol for the
application exactly as it arrived, and the connection comes back to the front once aiohttp's
reply is done and nothing else is pending. Replies stay in request order: while aiohttp holds the
connection, bytes past its request wait here.

aiohttp's request handler keeps the real transport (sendfile and TLS work as ever); this protocol
stays the transport's protocol and passes reads, flow control and the connection's end on to it.
A request of unknown length (chunked) leaves the connection with aiohttp for good.

Requests with a body (a small PUT): the body handler, given the head, may take the request; the
front then collects the body (up to MAX_BODY bytes, its length known from Content-Length) and
gives it to the handler, whose future brings the reply, or None to hand the request, still whole
in the buffer, on to aiohttp after all (the handler did nothing), or fails (the handler may have
acted: the connection is closed unanswered). Until then nothing else on the connection is served
(replies stay in order) and reading pauses once a second request's worth of bytes waits. A body
that stops arriving for the server's body idle timeout is handed on as it stands: aiohttp then
waits out its own idle timeout and answers 408, as it does for every stalled body.
Measured in docs/performance.md ("The small-object path", "Group commit of small PUTs").
"""

import asyncio
import logging
import os
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, cast

import httptools
from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from pyaistore.web.fast_messages import (
    BodyHandler,
    FastHandler,
    FileReply,
    RequestHead,
    TakeBody,
    http_date,
)

__all__ = [
    "MAX_BODY",
    "BodyHandler",
    "FastHandler",
    "FastServer",
    "FileReply",
    "RequestHead",
    "TakeBody",
    "http_date",
    "start",
]

log = logging.getLogger(__name__)

# A head larger than this goes to aiohttp, whose limits (8190 bytes a line) refuse it or not,
# as they would without the front.
MAX_HEAD: Final = 8 * 1024
# A body larger than this (or of unknown length) is never collected here: aiohttp streams it.
MAX_BODY: Final = 1 << 20
# Idle keep-alive connections are closed after this many seconds (aiohttp's default too).
KEEPALIVE_TIMEOUT: Final = 75.0
# How long a body being collected may go without a byte, unless the server says otherwise.
DEFAULT_BODY_IDLE: Final = 60.0
# How many loop turns a finished delegated reply may take to leave aiohttp idle before the
# connection stays with aiohttp for good.
_RECLAIM_TRIES: Final = 32


@dataclass(slots=True)
class _BodyWait:
    """A request the body handler took: its head's and body's lengths, and what takes the body."""

    head_len: int
    body_len: int
    take: "TakeBody | None"  # None once the body was given and the reply is awaited


# Replies larger than this ask the kernel for a send buffer of this size (fewer waits per reply).
FILE_SEND_BUFFER: Final = 4 << 20


class _Delegate(RequestHandler):
    """aiohttp's protocol serving one handed-on request; tells the front when its reply is done."""

    __slots__ = ("front",)

    front: "FastHttpProtocol | None"

    def log_access(self, request: Any, response: Any, time: float | None) -> None:
        """aiohttp calls this once a reply is written (or the client left): the front may take over."""
        super().log_access(request, response, time)
        if self.front is not None:
            self.front.delegate_done()


class FastHttpProtocol(asyncio.Protocol):
    """One connection: fast replies inline, everything else through aiohttp (see the module doc)."""

    def __init__(self, server: "FastServer") -> None:
        self._server = server
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._head = RequestHead()
        self._parser = httptools.HttpRequestParser(self)
        self._headers_done = False
        # While aiohttp serves a request: its protocol, bytes still owed to it (None: all, for good).
        self._delegate: _Delegate | None = None
        self._owed: int | None = 0
        self._replied = False
        self._reclaim_tries = 0
        self._writing_paused = False
        # A request whose body the body handler takes (collecting it, or awaiting the reply).
        self._body: _BodyWait | None = None
        self._stall: asyncio.TimerHandle | None = None  # fires when a collected body stops arriving
        self._reading_paused = False
        self._sending = False  # a FileReply's bytes are on their way
        self.last_active = 0.0

    # ---- asyncio.Protocol ----

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Register the connection with the server (for idle timeouts and shutdown)."""
        # uvloop's transports are not asyncio.Transport subclasses, but have its methods.
        self._transport = cast(asyncio.Transport, transport)
        self.last_active = self._server.loop.time()
        self._server.connections.add(self)

    def data_received(self, data: bytes) -> None:
        """Bytes in: aiohttp's while it holds the connection (up to its request's end), else ours."""
        self.last_active = self._server.loop.time()
        delegate = self._delegate
        if delegate is not None:
            owed = self._owed
            if owed is None:
                delegate.data_received(data)
                return
            if owed:
                if len(data) < owed:
                    self._owed = owed - len(data)
                    delegate.data_received(data)
                    return
                self._owed = 0
                delegate.data_received(data[:owed])
                data = data[owed:]
                if self._replied:  # aiohttp answered before the body ended: now it may be idle
                    self._reclaim_soon()
            self._buffer += data  # a pipelined request: served once aiohttp is done
            return
        self._buffer += data
        body = self._body
        if body is None:
            self._serve_buffered()
            return
        if body.take is not None:
            self._give_body()
        elif len(self._buffer) > body.head_len + body.body_len + MAX_HEAD and not self._reading_paused:
            self._reading_paused = True  # the next request waits in the socket, not in memory
            assert self._transport is not None
            self._transport.pause_reading()

    def eof_received(self) -> bool | None:
        """The client closed its side: aiohttp's to handle if it holds the connection."""
        if self._delegate is not None:
            self._delegate.eof_received()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        """The end of the connection: tell aiohttp's protocol too if it holds it."""
        self._server.connections.discard(self)
        self._disarm_stall()
        delegate, self._delegate = self._delegate, None
        if delegate is not None:
            delegate.front = None
            delegate.connection_lost(exc)
        self._transport = None

    def pause_writing(self) -> None:
        """The peer reads slowly: whoever writes holds off."""
        self._writing_paused = True
        if self._delegate is not None:
            self._delegate.pause_writing()

    def resume_writing(self) -> None:
        """The send buffer drained: go on (and serve requests that waited)."""
        self._writing_paused = False
        if self._delegate is not None:
            self._delegate.resume_writing()
        elif self._buffer and self._body is None:
            self._serve_buffered()

    def close_if_ours(self) -> None:
        """Close the connection unless aiohttp holds it (aiohttp times out and closes its own)."""
        if (
            self._delegate is None
            and self._body is None
            and not self._sending
            and self._transport is not None
        ):
            self._transport.close()

    # ---- httptools callbacks ----

    def on_url(self, url: bytes) -> None:
        """httptools: the request target (may come in pieces)."""
        self._head.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        """httptools: one header; repeated names are joined as HTTP allows."""
        key = name.lower()
        headers = self._head.headers
        headers[key] = headers[key] + b"," + value if key in headers else value

    def on_headers_complete(self) -> None:
        """httptools: the head is parsed (keep-alive is read now: the parser resets at message end)."""
        self._headers_done = True
        self._head.keep_alive = self._parser.should_keep_alive()

    # ---- serving ----

    def _serve_buffered(self) -> None:
        """Serve each complete request head in the buffer in turn, fast or through aiohttp."""
        transport = self._transport
        while (
            transport is not None
            and self._delegate is None
            and self._body is None
            and not self._sending
            and not self._writing_paused
        ):
            buffer = self._buffer
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > MAX_HEAD:
                    self._hand_on(None)
                return
            head_len = end + 4
            if head_len > MAX_HEAD:
                self._hand_on(None)
                return
            reply = self._parse_and_answer(head_len)
            if reply is None:
                return  # handed on to aiohttp (or closed)
            del buffer[:head_len]
            if isinstance(reply, FileReply):
                self._sending = True
                self._server.loop.create_task(self._send_file(reply))
                return
            transport.write(reply)
            if not self._head.keep_alive:
                transport.close()
                return
            self._head = RequestHead()
            self._headers_done = False

    async def _send_file(self, reply: FileReply) -> None:
        """Write the head, then the file's range with sendfile; serve what waited once it is sent."""
        transport = self._transport
        try:
            with os.fdopen(reply.fd, "rb") as file:
                if transport is None:
                    return
                if reply.length > FILE_SEND_BUFFER:
                    sock = transport.get_extra_info("socket")
                    if sock is not None:
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, FILE_SEND_BUFFER)
                transport.write(reply.head)
                await self._server.loop.sendfile(transport, file, reply.offset, reply.length, fallback=False)
        except (ConnectionError, OSError, RuntimeError, asyncio.CancelledError) as exc:
            # The client left, or the file could not be read: the reply is cut short, so is the connection.
            if transport is not None:
                transport.close()
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        finally:
            self._sending = False
        if transport is None or transport.is_closing():
            return
        self.last_active = self._server.loop.time()
        if not self._head.keep_alive:
            transport.close()
            return
        self._head = RequestHead()
        self._headers_done = False
        if self._buffer and self._body is None:
            self._serve_buffered()

    def _parse_and_answer(self, head_len: int) -> bytes | FileReply | None:
        """Parse the head at the buffer's start; the fast reply, or None once handed on."""
        parser = self._parser
        try:
            parser.feed_data(bytes(self._buffer[:head_len]))
        except httptools.HttpParserError:
            self._hand_on(None)  # aiohttp answers the malformed request as it would
            return None
        head = self._head
        if not self._headers_done:
            self._hand_on(None)
            return None
        head.method = parser.get_method()
        length = _body_length(head)
        if length != 0 or parser.get_http_version() != "1.1" or parser.should_upgrade():
            if length is None or not self._take_body(head, head_len, length):
                self._hand_on(None if length is None else head_len + length)
            return None
        try:
            reply = self._server.handler(head)
        except Exception:
            log.exception("fast path failed on %r; handing the request on", head.url[:256])
            reply = None
        if isinstance(reply, FileReply) and not self._server.zero_copy:
            os.close(reply.fd)  # TLS, or a loop without sendfile: aiohttp streams it
            reply = None
        if reply is None:
            self._hand_on(head_len)
        return reply

    def _take_body(self, head: RequestHead, head_len: int, length: int) -> bool:
        """Whether the body handler takes this request (its body then collected and given to it)."""
        handler = self._server.body_handler
        parser = self._parser
        if (
            handler is None
            or length > MAX_BODY
            or parser.get_http_version() != "1.1"
            or parser.should_upgrade()
        ):
            return False
        head.body_length = length
        try:
            take = handler(head)
        except Exception:
            log.exception("fast body path failed on %r; handing the request on", head.url[:256])
            return False
        if take is None:
            return False
        self._body = _BodyWait(head_len, length, take)
        self._give_body()
        return True

    def _give_body(self) -> None:
        """Once the whole body is buffered, give it to the body handler and await its reply."""
        wait = self._body
        assert wait is not None and wait.take is not None
        end = wait.head_len + wait.body_len
        if len(self._buffer) < end:
            if self._stall is None:
                self._arm_stall()
            return
        self._disarm_stall()
        take, wait.take = wait.take, None
        try:
            reply = take(bytes(self._buffer[wait.head_len : end]))
        except Exception:
            log.exception("fast body path failed on %r; handing the request on", self._head.url[:256])
            self._body_done(None)
            return
        reply.add_done_callback(self._body_reply)

    def _arm_stall(self) -> None:
        deadline = self.last_active + self._server.body_idle()
        self._stall = self._server.loop.call_at(deadline, self._body_stalled)

    def _disarm_stall(self) -> None:
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None

    def _body_stalled(self) -> None:
        """No body bytes for the idle timeout: aiohttp takes the request as it stands (and answers 408)."""
        self._stall = None
        wait = self._body
        if wait is None or wait.take is None or self._transport is None or self._transport.is_closing():
            return
        if self._server.loop.time() < self.last_active + self._server.body_idle():
            self._arm_stall()  # bytes came meanwhile: wait from the last of them
            return
        self._body = None
        self._hand_on(wait.head_len + wait.body_len)

    def _body_reply(self, future: "asyncio.Future[bytes | None]") -> None:
        """The body handler's outcome: a reply, None (hand on), or a failure (close, unanswered)."""
        error = None if future.cancelled() else future.exception()
        if future.cancelled() or error is not None:
            # The handler may have acted on the request: it is neither to be done again nor answered.
            log.error(
                "fast body path failed on %r; closing the connection", self._head.url[:256], exc_info=error
            )
            self._body = None
            if self._transport is not None:
                self._transport.close()
            return
        self._body_done(future.result())

    def _body_done(self, reply: bytes | None) -> None:
        """Write the body handler's reply and go on with the connection, or hand the request on."""
        wait, self._body = self._body, None
        transport = self._transport
        if wait is None or transport is None or transport.is_closing():
            return  # the client left meanwhile (the write, if any, stands: it was never acknowledged)
        if self._reading_paused:
            self._reading_paused = False
            transport.resume_reading()
        if reply is None:
            self._hand_on(wait.head_len + wait.body_len)
            return
        del self._buffer[: wait.head_len + wait.body_len]
        transport.write(reply)
        if not self._head.keep_alive:
            transport.close()
            return
        self._parser = httptools.HttpRequestParser(self)  # this one still expects the body
        self._head = RequestHead()
        self._headers_done = False
        if self._buffer:
            self._serve_buffered()

    def _hand_on(self, request_len: int | None) -> None:
        """Give the buffered bytes to aiohttp: `request_len` of them (the rest wait), or all, for good."""
        transport = self._transport
        assert transport is not None
        delegate = self._server.new_delegate()
        delegate.front = self
        self._delegate = delegate
        self._replied = False
        delegate.connection_made(transport)
        if self._writing_paused:
            delegate.pause_writing()
        buffer, self._buffer = self._buffer, bytearray()
        if request_len is None:
            self._owed = None
            delegate.data_received(bytes(buffer))
            return
        if len(buffer) <= request_len:
            self._owed = request_len - len(buffer)
            delegate.data_received(bytes(buffer))
            return
        self._owed = 0
        self._buffer = buffer[request_len:]
        delegate.data_received(bytes(buffer[:request_len]))

    def delegate_done(self) -> None:
        """aiohttp wrote a reply: take the connection back once it is idle (next loop turns)."""
        if self._owed is None:
            return
        self._replied = True
        if self._owed == 0:
            self._reclaim_soon()
        # else: the request's body is still arriving; data_received reclaims once it has.

    def _reclaim_soon(self) -> None:
        self._reclaim_tries = 0
        self._server.loop.call_soon(self._reclaim)

    def _reclaim(self) -> None:
        """Take the connection back from an idle aiohttp protocol and serve what waited meanwhile."""
        delegate, transport = self._delegate, self._transport
        if delegate is None or transport is None or transport.is_closing() or self._owed != 0:
            return  # gone, closing, or its body still arriving (data_received calls again)
        if delegate._force_close or delegate._close:
            return  # aiohttp closes the connection: nothing to take back
        if delegate._messages or delegate._waiter is None:
            self._reclaim_tries += 1
            if self._reclaim_tries < _RECLAIM_TRIES:
                self._server.loop.call_soon(self._reclaim)
            else:
                self._keep_delegating()
            return
        # Detach aiohttp's protocol without letting it close the transport.
        delegate.front = None
        delegate.transport = None
        delegate.connection_lost(None)
        self._delegate = None
        self._parser = httptools.HttpRequestParser(self)
        self._head = RequestHead()
        self._headers_done = False
        if not transport.is_reading():
            transport.resume_reading()
        if self._buffer:
            self._serve_buffered()

    def _keep_delegating(self) -> None:
        """aiohttp stays busy (e.g. a handler still running): the connection is its for good."""
        delegate = self._delegate
        assert delegate is not None
        self._owed = None
        delegate.front = None
        buffer, self._buffer = self._buffer, bytearray()
        if buffer:
            delegate.data_received(bytes(buffer))


def _body_length(head: RequestHead) -> int | None:
    """The request body's length: 0 without one, None when unknown (chunked) or invalid."""
    headers = head.headers
    if b"transfer-encoding" in headers:
        return None
    raw = headers.get(b"content-length")
    if raw is None:
        return 0
    text = raw.strip()
    if not text.isdigit() or len(text) > 18:
        return None
    return int(text)


class FastServer:
    """The listening side: the asyncio server, its connections, aiohttp's protocol factory."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        runner: web.AppRunner,
        handler: FastHandler,
        body_handler: BodyHandler | None = None,
        body_idle: Callable[[], float] = lambda: DEFAULT_BODY_IDLE,
    ) -> None:
        self.loop = loop
        self.handler = handler
        self.body_handler = body_handler
        self.body_idle = body_idle  # seconds a body being collected may go without a byte (live)
        self.connections: set[FastHttpProtocol] = set()
        # Whether a FileReply can be sent as it is: plain TCP under asyncio's own loop (set by listen).
        self.zero_copy = False
        server = runner.server
        assert server is not None, "the runner is set up first"
        self._aiohttp = server
        self._kwargs: dict[str, Any] = dict(getattr(server, "_kwargs", {}))
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.TimerHandle | None = None

    def new_delegate(self) -> _Delegate:
        """A fresh aiohttp protocol for the application, as aiohttp's server would make it."""
        return _Delegate(self._aiohttp, loop=self.loop, **self._kwargs)

    async def listen(self, sock: socket.socket, ssl_context: ssl.SSLContext | None) -> None:
        """Serve on the listening socket."""
        self.zero_copy = ssl_context is None and isinstance(self.loop, asyncio.BaseEventLoop)
        self._server = await self.loop.create_server(
            lambda: FastHttpProtocol(self), sock=sock, ssl=ssl_context, backlog=1024
        )
        self._sweeper = self.loop.call_later(KEEPALIVE_TIMEOUT / 3, self._sweep)

    def _sweep(self) -> None:
        """Close fast-path connections idle past the keep-alive timeout (aiohttp times out its own)."""
        deadline = self.loop.time() - KEEPALIVE_TIMEOUT
        for conn in list(self.connections):
            if conn.last_active < deadline:
                conn.close_if_ours()
        self._sweeper = self.loop.call_later(KEEPALIVE_TIMEOUT / 3, self._sweep)

    async def close(self) -> None:
        """Stop listening and close the front's idle connections (aiohttp's runner closes its own)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._server is not None:
            self._server.close()
        for conn in list(self.connections):
            conn.close_if_ours()
        if self._server is not None:
            await self._server.wait_closed()


async def start(
    runner: web.AppRunner,
    sock: socket.socket,
    handler: FastHandler,
    ssl_context: ssl.SSLContext | None = None,
    body_handler: BodyHandler | None = None,
    body_idle: Callable[[], float] = lambda: DEFAULT_BODY_IDLE,
) -> FastServer:
    """Serve `runner`'s application on `sock` behind the fast front; close() it before runner.cleanup()."""
    server = FastServer(asyncio.get_running_loop(), runner, handler, body_handler, body_idle)
    await server.listen(sock, ssl_context)
    return server
