"""The single async HTTP client for node-to-node calls (joins, keepalives, metasync, fan-out)."""

from collections.abc import AsyncIterable
from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy

__all__ = ["PeerClient", "PeerReply", "PeerUnreachable"]

# Streams may be long: no total limit, but a stalled peer is given up on.
_STREAM_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=120)


class PeerUnreachable(Exception):
    """A peer did not answer: refused, reset or timed out."""

    def __init__(self, url: str, cause: Exception) -> None:
        super().__init__(f"node at {url} is unreachable: {cause!r}")
        self.url = url


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

    def __init__(self, timeout: float = 10.0) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Open the session (must run inside the event loop)."""
        connector = aiohttp.TCPConnector(limit=256)
        self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout)

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
        self, method: str, url: str, body: AsyncIterable[bytes], headers: dict[str, str]
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
