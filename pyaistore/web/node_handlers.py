"""Endpoints every node serves: health, daemon queries and metasync."""

import time

from aiohttp import web

from pyaistore.auth import route_access
from pyaistore.cluster import metasync
from pyaistore.cluster.errors import BadRequest
from pyaistore.config import PROXY, TARGET
from pyaistore.proxy import node_lifecycle
from pyaistore.target import bucket_sync, node_config, node_control
from pyaistore.web import log_handlers, mountpath_handlers, request_parsing
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import headers, query
from pyaistore.wire.membership import RemoveNodeValue


@route_access.no_token
async def health(request: web.Request) -> web.Response:
    """Liveness, readiness (`readiness`) and primary-ready (`prr`), as in reference §1.6.

    1. `prr` on the primary: 503 with AIS's error JSON until startup has finished.
    2. `readiness` (and `prr` on another proxy): 503 with no body until the node holds a map
       (and, unless it is the primary, has joined). A target ignores `prr`.
    3. Otherwise 200 with the uptimes.
    """
    ctx = request.app[CONTEXT]
    primary_ready = query.parse_bool(request.query.get(query.PRR)) and ctx.config.role == PROXY
    if primary_ready and ctx.membership is not None:
        ctx.membership.raise_unless_ready(ctx.node.display_name)
    ready = ctx.meta.smap is not None and (ctx.agent is None or ctx.agent.joined.is_set())
    if (query.parse_bool(request.query.get(query.READINESS)) or primary_ready) and not ready:
        return web.Response(status=503)
    uptime = str(time.time_ns() - ctx.started_ns)
    return web.Response(headers={headers.NODE_UPTIME: uptime, headers.CLUSTER_UPTIME: uptime})


async def daemon(request: web.Request) -> web.StreamResponse:
    """GET /v1/daemon?what=smap|snode|bmd|config|node_status|mountpaths|log."""
    ctx = request.app[CONTEXT]
    what = request.query.get(query.WHAT, "")
    if what == query.WHAT_LOG:
        return await log_handlers.send_log(request)
    if what == query.WHAT_SMAP:
        return web.json_response(ctx.smap.to_json())
    if what == query.WHAT_SNODE:
        return web.json_response(ctx.node.to_json())
    if what == query.WHAT_BMD:
        return web.json_response(ctx.meta.buckets.to_json())
    if what == query.WHAT_CONFIG:
        if ctx.http_worker:  # the main process holds the node's config
            return mountpath_handlers.relayed(await node_config.relay(ctx, "GET", request.path_qs))
        return web.json_response(node_config.describe(ctx))
    if what == query.WHAT_MOUNTPATHS:
        return mountpath_handlers.listing(request)
    if what == query.WHAT_NODE_STATUS:
        return web.json_response(
            {
                "snode": ctx.node.to_json(),
                "status": "online",
                "uptime_ns": time.time_ns() - ctx.started_ns,
                "smap_version": ctx.smap.version,
                "bmd_version": ctx.meta.buckets.version,
            }
        )
    raise BadRequest(f'invalid query what="{what}"')


async def receive_metasync(request: web.Request) -> web.Response:
    """PUT /v1/metasync from the primary: accept newer tables; targets then sync their disks."""
    ctx = request.app[CONTEXT]
    smap, buckets, etls, rmd, config = await request_parsing.read_message(request, metasync.parse_all)
    await bucket_sync.accept(ctx, smap, buckets, etls, rmd, config)
    return web.Response()


async def daemon_put(request: web.Request) -> web.Response:
    """PUT /v1/daemon from the primary: this node's final step of a membership change."""
    ctx = request.app[CONTEXT]
    msg = await request_parsing.required_action(request)
    value = request_parsing.parse_value(msg.value, RemoveNodeValue.from_json)
    if ctx.config.role == TARGET:
        await node_control.apply(ctx, msg.action, value)
    else:
        node_lifecycle.leave(ctx, msg.action)
    return web.Response()
