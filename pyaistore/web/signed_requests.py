"""Client auth on a target: a public request is served only through a redirect the proxy signed.

With `auth` on, a target's public routes (objects, mountpaths, daemon queries) answer only:

1. a request carrying a current `rsig` signature of its method, path and query
   (auth/redirect_signature.py), which the proxy adds to a redirect after checking the client's
   token, and to a request it relays to the node (reverse proxy); or
2. a cluster member (the cluster secret: node-to-node calls, the launcher).

Anything else is 401, so going around the proxy gets nothing. Open routes (health) and the ETL
callback route (its own secret in the URL) are flagged `route_access.no_token`; internal routes
are cluster_auth's.
"""

from aiohttp import web
from aiohttp.typedefs import Middleware

from pyaistore.auth import redirect_signature, route_access
from pyaistore.auth.errors import Unauthenticated
from pyaistore.node_context import NodeContext
from pyaistore.web import cluster_auth
from pyaistore.web.error_mapping import Handler
from pyaistore.wire import headers, paths

__all__ = ["make_middleware"]

_OPEN = frozenset(("/" + paths.API_VERSION + "/" + paths.HEALTH,))


def _is_open(request: web.Request) -> bool:
    handler = request.match_info.handler
    if route_access.rule_of(handler) == route_access.NO_TOKEN or cluster_auth.access_of(handler):
        return True
    route = request.match_info.route
    return route.resource is not None and route.resource.canonical in _OPEN


def make_middleware(ctx: NodeContext) -> Middleware:
    """The target's check (install only when ctx.redirects is set)."""
    assert ctx.redirects is not None
    verifier = ctx.redirects

    @web.middleware
    async def signed_only(request: web.Request, handler: Handler) -> web.StreamResponse:
        signature = request.query.get(redirect_signature.PARAM)
        if signature is not None:
            if verifier.verify(signature, request.method, request.path, list(request.query.items())):
                return await handler(request)
        elif _is_open(request) or (
            headers.CLUSTER_SECRET in request.headers and cluster_auth.has_secret(ctx, request)
        ):
            return await handler(request)
        where = f"{ctx.node.display_name}: {request.method} {request.path[:128]}"
        raise Unauthenticated(f"{where}: requests go through a proxy (no valid proxy signature)")

    return signed_only
