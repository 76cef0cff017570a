"""Serve a node's public port behind the lean front (web/fast_http.py), or aiohttp alone.

A target's front answers plain small GETs (web/fast_get.py) and plain small PUTs
(web/fast_put.py), a proxy's front plain GET and HEAD redirects (web/fast_redirect.py);
`fast_get = False` in the node's config serves every request through aiohttp, `fast_put = False`
every PUT (for comparison: docs/performance.md). With client auth on, every request goes
through aiohttp, where tokens and the gateway's signed redirects are checked.
"""

import socket
import ssl
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.http import SERVER_SOFTWARE

from pyaistore.config import TARGET
from pyaistore.node_context import NodeContext
from pyaistore.web import fast_get, fast_http, fast_put, fast_redirect
from pyaistore.web.fast_http import BodyHandler, FastHandler

__all__ = ["serve_public"]

Closer = Callable[[], Awaitable[None]]


async def serve_public(
    runner: web.AppRunner, sock: socket.socket, ctx: NodeContext, ssl_context: ssl.SSLContext | None = None
) -> Closer:
    """Start serving `sock`; the returned coroutine function stops it (call before runner.cleanup())."""
    if ctx.config.fast_get and not ctx.config.auth:
        handler: FastHandler = (
            fast_get.FastGet(ctx) if ctx.config.role == TARGET else fast_redirect.FastRedirect(ctx)
        )
        body_handler: BodyHandler | None = None
        if ctx.config.role == TARGET and ctx.config.fast_put:
            body_handler = fast_put.FastPut(ctx, b"Server: %s\r\n" % SERVER_SOFTWARE.encode())
        front = await fast_http.start(
            runner, sock, handler, ssl_context, body_handler, body_idle=lambda: ctx.config.body_timeout
        )
        return front.close
    site = web.SockSite(runner, sock, ssl_context=ssl_context)
    await site.start()
    return site.stop
