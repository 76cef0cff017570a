"""Websockets to transform servers (ws:// communication), kept open and reused, one object at a time.

AIS's websocket contract (its ext/etl websocket communicator; the SDK's FastAPIServer serves it at
/ws): per object, a binary message carrying the JSON control message, then the object's bytes as
a second binary message unless the control message names the local file; the answer is one
message, binary (the transformed bytes) or text (the server's error). Messages on one socket
keep their order, so a socket carries one object at a time: a socket is taken from the pool for
an exchange and given back only when the exchange completed in step; any failure or timeout
leaves the socket out of step, and it is closed.
"""

import json
from collections.abc import Mapping
from typing import Final

from pyaistore.cluster.peer_client import PeerClient, PeerSocket
from pyaistore.wire import etl as wire_etl

__all__ = ["SocketPool", "ws_url"]

# Idle sockets kept per transform server (more are opened when more objects are in flight).
MAX_IDLE: Final = 16


def ws_url(endpoint: str) -> str:
    """The websocket URL of a transform server at `http://host:port`."""
    return "ws://" + endpoint.split("://", 1)[-1] + wire_etl.WS_PATH


class SocketPool:
    """Open websockets per transform server of this process, reused between objects."""

    def __init__(self, peers: PeerClient) -> None:
        self._peers = peers
        self._idle: dict[str, list[PeerSocket]] = {}

    async def exchange(
        self, endpoint: str, control: Mapping[str, str], body: bytes | None, timeout: float
    ) -> bytes | str:
        """Send one object (control message, then `body` unless None) and return the answer.

        Raises PeerRefused when nothing listens (another server may take it), PeerTimeout when
        no answer came within `timeout`, PeerUnreachable when the socket broke.
        """
        socket = await self._take(ws_url(endpoint))
        try:
            await socket.send(json.dumps(dict(control)).encode())
            if body is not None:
                await socket.send(body)
            answer = await socket.receive(timeout)
        except BaseException:
            await socket.close()
            raise
        await self._give_back(socket)
        return answer

    async def check(self, endpoint: str, timeout: float) -> None:
        """Open (and keep) one socket to a transform server: PeerUnreachable if it serves none."""
        socket = await self._peers.open_socket(ws_url(endpoint), connect_timeout=timeout)
        await self._give_back(socket)

    async def close(self) -> None:
        """Close every idle socket."""
        idle, self._idle = self._idle, {}
        for sockets in idle.values():
            for socket in sockets:
                await socket.close()

    async def _take(self, url: str) -> PeerSocket:
        sockets = self._idle.get(url, [])
        while sockets:
            socket = sockets.pop()
            if not socket.closed:
                return socket
        return await self._peers.open_socket(url)

    async def _give_back(self, socket: PeerSocket) -> None:
        sockets = self._idle.setdefault(socket.url, [])
        if len(sockets) < MAX_IDLE and not socket.closed:
            sockets.append(socket)
        else:
            await socket.close()
