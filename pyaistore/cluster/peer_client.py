"""The single async HTTP client for node-to-node calls (joins, keepalives, metasync, fan-out)."""

import asyncio
import ssl
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy

__all__ = [
    "PeerClient",
    "PeerRefused",
    "PeerReply",
    "PeerSocket",
    "PeerStream",
    "PeerTimeout",
    "PeerUnreachable",
]

# Streams may be long: no total limit, but a stalled peer is given up on.
_STREAM_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=120)


class PeerUnreachable(Exception):
    """A peer did not answer: refused, reset or timed out."""

    def __init__(self, url: str, cause: Exception) -> None:
        super().__init__(f"node at {url} is unreachable: {cause!r}")
        self.url = url


class PeerRefused(PeerUnreachable):
    """Nothing listens there: the request was never sent, so another peer may take it."""


class PeerTimeout(PeerUnreachable):
    """The peer accepted the request but did not answer (or went quiet) within the read timeout."""


def _translate(url: str, exc: Exception) -> PeerUnreachable:
    """The PeerUnreachable subclass for an aiohttp or socket failure."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        return PeerRefused(url, exc)
    if isinstance(exc, TimeoutError):
        return PeerTimeout(url, exc)
    return PeerUnreachable(url, exc)


class PeerStream:
    """A peer's answer whose body is read as it arrives; close() it when done."""

    def __init__(self, url: str, response: aiohttp.ClientResponse) -> None:
        self.url = url
        self.status = response.status
        self.headers = response.headers
        self._response = response

    async def chunks(self, size: int = 1 << 20) -> AsyncIterator[bytes]:
        """The body in pieces as they come; PeerUnreachable (or PeerTimeout) if it breaks off."""
        try:
            async for chunk in self._response.content.iter_chunked(size):
                yield chunk
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _translate(self.url, exc) from exc

    async def read_exact(self, size: int) -> bytes:
        """The next `size` bytes of the body, fewer only where it ends; PeerUnreachable if it breaks off."""
        try:
            return await self._response.content.readexactly(size)
        except asyncio.IncompleteReadError as exc:
            return exc.partial
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _translate(self.url, exc) from exc

    async def read(self, limit: int) -> bytes:
        """Up to `limit` bytes of the body (for error messages)."""
        try:
            return await self._response.content.read(limit)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _translate(self.url, exc) from exc

    def close(self) -> None:
        """Drop the connection unless the body was read to the end (then it is reused)."""
        if self._response.content.at_eof():
            self._response.release()
        else:
            self._response.close()


class PeerSocket:
    """A websocket to a peer (an ETL transform server): binary or text messages, in order."""

    def __init__(self, url: str, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.url = url
        self._socket = socket

    @property
    def closed(self) -> bool:
        """True once either side closed the socket."""
        return self._socket.closed

    async def send(self, data: bytes) -> None:
        """Send one binary message; PeerUnreachable if the socket broke."""
        try:
            await self._socket.send_bytes(data)
        except (aiohttp.ClientError, ConnectionError, OSError) as exc:
            raise _translate(self.url, exc) from exc

    async def receive(self, timeout: float) -> bytes | str:
        """The next message: bytes (binary) or str (text); PeerTimeout after `timeout` seconds,
        PeerUnreachable when the peer closed the socket or it broke."""
        try:
            message = await self._socket.receive(timeout=timeout)
        except TimeoutError as exc:
            raise PeerTimeout(self.url, exc) from exc
        except (aiohttp.ClientError, ConnectionError, OSError) as exc:
            raise _translate(self.url, exc) from exc
        if message.type == aiohttp.WSMsgType.BINARY:
            return bytes(message.data)
        if message.type == aiohttp.WSMsgType.TEXT:
            return str(message.data)
        raise PeerUnreachable(self.url, ConnectionError(f"websocket closed ({message.type.name})"))

    async def close(self) -> None:
        """Close the socket (idempotent)."""
        await self._socket.close()


@dataclass(frozen=True, slots=True)
class PeerReply:
    """A peer's whole answer."""

    status: int
    body: bytes
    headers: CIMultiDictProxy[str]

    @property
    def ok(self) -> bool:
        """True for 2xx."""
        return 200 <= self.status < 300


class PeerClient:
    """One pooled aiohttp session per node, opened at startup and closed at cleanup."""

    def __init__(
        self, timeout: float = 10.0, retry_idempotent: bool = True, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        """`ssl_context` verifies the certificates of https peers (None: the system's trust store)."""
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self.ssl_context = ssl_context
        self._session: aiohttp.ClientSession | None = None
        self._retry_idempotent = retry_idempotent

    async def start(self) -> None:
        """Open the session (must run inside the event loop)."""
        connector = aiohttp.TCPConnector(limit=256, ssl=self.ssl_context or True)
        self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout)
        if not self._retry_idempotent:
            # aiohttp resends an idempotent request (RFC 9112 §9.3.1) when a reused connection
            # drops; for calls that run user code (ETL transforms) that would run a crashing
            # transform twice. There is no public switch: aiohttp's own test client does this.
            self._session._retry_connection = False

    async def ensure_started(self) -> None:
        """Open the session unless it is open (for clients started on first use)."""
        if self._session is None:
            await self.start()

    async def close(self) -> None:
        """Close the session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> PeerReply:
        """Send one request and read the whole reply; PeerUnreachable on network failure."""
        if self._session is None:
            raise RuntimeError("peer client used before start()")
        kwargs: dict[str, Any] = {"headers": headers, "allow_redirects": False}
        if json_body is not None:
            kwargs["json"] = json_body
        elif data is not None:
            kwargs["data"] = data
        if timeout is not None:
            kwargs["timeout"] = aiohttp.ClientTimeout(total=timeout)
        try:
            async with self._session.request(method, url, **kwargs) as resp:
                body = await resp.read()
                return PeerReply(resp.status, body, resp.headers)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise PeerUnreachable(url, exc) from exc

    async def call_stream(
        self,
        method: str,
        url: str,
        body: AsyncIterable[bytes] | AsyncIterable[memoryview],
        headers: dict[str, str],
    ) -> PeerReply:
        """Send a streamed body (bounded memory) and read the whole reply."""
        if self._session is None:
            raise RuntimeError("peer client used before start()")
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, allow_redirects=False, timeout=_STREAM_TIMEOUT
            ) as resp:
                return PeerReply(resp.status, await resp.read(), resp.headers)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise PeerUnreachable(url, exc) from exc

    async def open_socket(self, url: str, connect_timeout: float = 5.0) -> PeerSocket:
        """Open a websocket (`ws://host:port/path`); PeerRefused when nothing listens there."""
        await self.ensure_started()
        assert self._session is not None
        timeout = aiohttp.ClientWSTimeout(ws_close=connect_timeout)
        try:
            async with asyncio.timeout(connect_timeout):
                socket = await self._session.ws_connect(url, timeout=timeout, max_msg_size=0)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _translate(url, exc) from exc
        return PeerSocket(url, socket)

    async def open_stream(
        self,
        method: str,
        url: str,
        *,
        data: bytes | AsyncIterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
        read_timeout: float | None = None,
        connect_timeout: float = 5.0,
    ) -> PeerStream:
        """Send a request (the body may stream) and return as soon as the reply's headers arrive.

        `read_timeout` bounds every wait for data, headers included (PeerTimeout); a peer that
        refuses the connection raises PeerRefused; any other network failure PeerUnreachable.
        """
        await self.ensure_started()
        assert self._session is not None
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout, sock_read=read_timeout)
        try:
            response = await self._session.request(
                method, url, data=data, headers=headers, allow_redirects=False, timeout=timeout
            )
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _translate(url, exc) from exc
        return PeerStream(url, response)
