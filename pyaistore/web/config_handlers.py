"""Config endpoints: set the cluster's (proxy) and one node's (every node). Parse, one call, render.

`PUT /v1/cluster/set-config?KEY=VALUE...` and `PUT /v1/cluster` with the `set-config` action
(value: AIS's nested sections, `{"log": {"level": "DEBUG"}}`) set the cluster's;
`PUT /v1/daemon/set-config?KEY=VALUE...` sets the node's own (through a proxy:
`/v1/reverse/daemon/set-config` with `Ais-Node-Id`). `transient=true` is not a key.
"""

from collections.abc import Mapping
from typing import Final

from aiohttp import web

from pyaistore.cluster import config_settings
from pyaistore.cluster.errors import BadRequest
from pyaistore.proxy import cluster_config
from pyaistore.target import node_config
from pyaistore.web import mountpath_handlers
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import query
from pyaistore.wire.messages import ActionMsg

__all__ = ["set_cluster", "set_cluster_message", "set_node"]


# Query parameters that are not config keys: `transient`, and the proxy's signature of a request
# it relayed to a node with client auth on (auth/redirect_signature.py).
_NOT_KEYS: Final = frozenset((query.TRANSIENT, query.REDIRECT_SIGNATURE))


def _pairs(request: web.Request) -> dict[str, str]:
    """The query's KEY=VALUE pairs, `transient` and a signature apart; a key given twice is refused."""
    pairs: dict[str, str] = {}
    for key, value in request.query.items():
        if key in _NOT_KEYS:
            continue
        if key in pairs:
            raise BadRequest(f'config key "{key[:128]}" given more than once')
        pairs[key] = value
    return pairs


def _transient(request: web.Request) -> bool:
    return query.parse_bool(request.query.get(query.TRANSIENT))


async def set_cluster(request: web.Request) -> web.Response:
    """PUT /v1/cluster/set-config?KEY=VALUE...: 1) parse the pairs 2) set them cluster-wide."""
    await cluster_config.set_values(request.app[CONTEXT], _pairs(request), _transient(request))
    return web.Response()


async def set_cluster_message(request: web.Request, msg: ActionMsg) -> web.Response:
    """PUT /v1/cluster, action set-config: 1) flatten the value's sections 2) set them cluster-wide."""
    if not isinstance(msg.value, Mapping):
        raise BadRequest("set-config: the value must be an object of config sections")
    pairs = config_settings.flatten(msg.value)
    await cluster_config.set_values(request.app[CONTEXT], pairs, _transient(request))
    return web.Response()


async def set_node(request: web.Request) -> web.Response:
    """PUT /v1/daemon/set-config?KEY=VALUE...: 1) parse the pairs 2) set them on this node
    (a target's HTTP worker relays to its main process)."""
    ctx = request.app[CONTEXT]
    if ctx.http_worker:
        return mountpath_handlers.relayed(await node_config.relay(ctx, request.method, request.path_qs))
    await node_config.set_local(request.app[CONTEXT], _pairs(request), _transient(request))
    return web.Response()
