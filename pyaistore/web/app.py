"""Build the aiohttp Application for a node: routes by role, the error funnel, start/stop hooks."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Middleware

from pyaistore.config import PROXY
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import MountpathUnavailable
from pyaistore.web import client_auth, cluster_auth, error_mapping, request_metrics, routes, signed_requests
from pyaistore.web.app_keys import CONTEXT

# Object bodies are streamed and never limited by this; it bounds request.read() of control bodies.
CLIENT_MAX_SIZE: Final = 8 << 20

Lifecycle = Callable[[NodeContext], Awaitable[None]]


def build(ctx: NodeContext, on_start: Lifecycle, on_stop: Lifecycle) -> web.Application:
    """The application for this node's role."""
    middlewares = [
        error_mapping.make_middleware(ctx.node.display_name),
        request_metrics.make_middleware(ctx.monitor.counters, proxy=ctx.config.role == PROXY),
        cluster_auth.make_middleware(ctx),
    ]
    if ctx.tokens is not None:
        middlewares.append(client_auth.make_middleware(ctx))
    elif ctx.redirects is not None and ctx.config.role != PROXY:
        middlewares.append(signed_requests.make_middleware(ctx))
    if ctx.config.role != PROXY:
        middlewares.append(_disk_failures(ctx))
    app = web.Application(middlewares=middlewares, client_max_size=CLIENT_MAX_SIZE)
    app[CONTEXT] = ctx
    routes.install(app, routes.PROXY_ROUTES if ctx.config.role == PROXY else routes.TARGET_ROUTES)

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        await on_start(ctx)
        yield
        await on_stop(ctx)

    app.cleanup_ctx.append(lifecycle)
    return app


def _disk_failures(ctx: NodeContext) -> Middleware:
    """A request that met a disk gone or failing reports it (FSHC), then fails as it would (503)."""

    @web.middleware
    async def report(request: web.Request, handler: error_mapping.Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except MountpathUnavailable as exc:
            if ctx.on_disk_failure is not None:
                ctx.on_disk_failure(exc.path)
            raise

    return report
