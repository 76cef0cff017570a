"""Build the aiohttp Application for a node: routes by role, the error funnel, start/stop hooks."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Final

from aiohttp import web

from pyaistore.config import PROXY
from pyaistore.node_context import NodeContext
from pyaistore.web import error_mapping, routes
from pyaistore.web.app_keys import CONTEXT

# Object bodies are streamed and never limited by this; it bounds request.read() of control bodies.
CLIENT_MAX_SIZE: Final = 8 << 20

Lifecycle = Callable[[NodeContext], Awaitable[None]]


def build(ctx: NodeContext, on_start: Lifecycle, on_stop: Lifecycle) -> web.Application:
    """The application for this node's role."""
    app = web.Application(
        middlewares=[error_mapping.make_middleware(ctx.node.display_name)], client_max_size=CLIENT_MAX_SIZE
    )
    app[CONTEXT] = ctx
    routes.install(app, routes.PROXY_ROUTES if ctx.config.role == PROXY else routes.TARGET_ROUTES)

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        await on_start(ctx)
        yield
        await on_stop(ctx)

    app.cleanup_ctx.append(lifecycle)
    return app
