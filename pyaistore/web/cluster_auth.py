"""Internal routes answer only cluster members: the middleware, and the route flags that drive it.

A route in web/routes.py is public unless its handler is flagged:

- `members_only`: the request must carry this node's cluster secret (`Pyaistore-Cluster-Secret`)
  and come from a node in this node's map (`Ais-Caller-Id`): metasync, PUT /v1/daemon, every
  /v1/internal/* route, a target's ETL control routes. A node that holds the secret but no map
  yet takes the secret alone: a member restarted at the address the map still holds, which
  peers may call before its join reply brings the map (a new node is listed only once it
  confirmed it installed the tables: cluster/membership.py);
- `secret_only`: the secret is enough (keepalive: the handler itself answers 404 to a node the
  map does not hold, which is how a dropped target learns to join again);
- the join route is public here: whether a node may join is the primary's rule
  (cluster/membership.py `Membership.join`), which needs the join body.

Anything else gets 403 (ErrForbidden). The check is done here, once, never in a handler. HTTP
worker processes of a target hold no secret, so they refuse every internal route: node-to-node
traffic goes to the main process's control port.
"""

from collections.abc import Callable
from typing import Final, TypeVar

from aiohttp import web
from aiohttp.typedefs import Middleware

from pyaistore.cluster import cluster_map, cluster_secret
from pyaistore.cluster.errors import Forbidden
from pyaistore.node_context import NodeContext
from pyaistore.web.error_mapping import Handler
from pyaistore.wire import headers

__all__ = ["MEMBERS", "SECRET", "access_of", "has_secret", "make_middleware", "members_only", "secret_only"]

MEMBERS: Final = "members"
SECRET: Final = "secret"
_FLAG: Final = "_pyaistore_access"

H = TypeVar("H", bound=Callable[..., object])


def members_only(handler: H) -> H:
    """Flag a route's handler: cluster secret and a caller in the map."""
    setattr(handler, _FLAG, MEMBERS)
    return handler


def secret_only(handler: H) -> H:
    """Flag a route's handler: the cluster secret alone."""
    setattr(handler, _FLAG, SECRET)
    return handler


def access_of(handler: object) -> str:
    """The handler's flag ("" for a public route)."""
    return str(getattr(handler, _FLAG, ""))


def has_secret(ctx: NodeContext, request: web.Request) -> bool:
    """True when the request carries this node's cluster secret."""
    return cluster_secret.matches(
        ctx.peer_api.cluster_secret, request.headers.get(headers.CLUSTER_SECRET, "")
    )


def check(ctx: NodeContext, request: web.Request, access: str) -> None:
    """Forbidden unless the request meets the route's access rule."""
    path = request.path[:128]
    if not has_secret(ctx, request):
        raise Forbidden(f"{ctx.node.display_name}: {request.method} {path} is for cluster members only")
    if access != MEMBERS:
        return
    caller = request.headers.get(headers.CALLER_ID, "")
    smap = ctx.meta.smap
    if smap is None:
        return  # a node given the secret, before its join reply brings the map: the secret vouches
    if not caller or cluster_map.find_node(smap, caller) is None:
        where = f"{ctx.node.display_name}: {request.method} {path}"
        raise Forbidden(f"{where}: caller {caller[:64]!r} is not in the cluster map")


def make_middleware(ctx: NodeContext) -> Middleware:
    """The middleware that applies each route's flag (one attribute lookup for public routes)."""

    @web.middleware
    async def members(request: web.Request, handler: Handler) -> web.StreamResponse:
        access = getattr(request.match_info.handler, _FLAG, "")
        if access:
            check(ctx, request, access)
        return await handler(request)

    return members
