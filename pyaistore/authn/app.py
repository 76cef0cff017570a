"""The AuthN service's aiohttp application: its routes and its one error funnel."""

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from pyaistore.authn import handlers
from pyaistore.authn.cluster_calls import ClusterCalls
from pyaistore.authn.errors import STATUS, AuthnError
from pyaistore.authn.service import Service
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.wire import headers
from pyaistore.wire.error_body import ErrorBody

__all__ = ["build"]

log = logging.getLogger(__name__)


def _status(exc: AuthnError) -> int:
    for klass in type(exc).__mro__:
        if klass in STATUS:
            return STATUS[klass]
    return 500


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every AuthnError becomes its status with AIS's JSON error body."""
    try:
        return await handler(request)
    except AuthnError as exc:
        status = _status(exc)
        body = ErrorBody(status=status, message=str(exc), method=request.method, url_path=request.path)
        return web.Response(status=status, text=body.to_json(), content_type=headers.JSON_TYPE)


def build(service: Service, peers: PeerClient) -> web.Application:
    """The application: routes, error funnel, the client to registered clusters (closed at cleanup)."""
    app = web.Application(middlewares=[_errors])
    app[handlers.SERVICE] = service
    app[handlers.CALLS] = ClusterCalls(peers, service.self_token)
    for method, path, handler in handlers.ROUTES:
        app.router.add_route(method, path, handler)

    async def close_peers(_: web.Application) -> None:
        await peers.close()

    app.on_cleanup.append(close_peers)
    return app
