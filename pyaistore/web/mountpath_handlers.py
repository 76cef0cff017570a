"""A target's mountpath endpoints (reference §3.1), and the rendering of a relayed peer reply.

PUT|POST|DELETE /v1/daemon/mountpaths with an action message whose value is the mountpath
(attach-mp, enable-mp, disable-mp, detach-mp, rescan-mp, fshc-mp; `dntres=true` skips the
resilver): 200, or 204 when nothing changed. GET /v1/daemon?what=mountpaths lists them. An HTTP
worker process relays changes to the target's main process, which owns the mountpath state.
"""

from aiohttp import web

from pyaistore.cluster.errors import BadRequest
from pyaistore.cluster.peer_client import PeerReply
from pyaistore.target import mountpath_ops
from pyaistore.web import request_parsing
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import headers, query

__all__ = ["change", "listing", "relayed"]


def relayed(reply: PeerReply) -> web.Response:
    """Another node's (or process's) reply, passed on as it is: status, body, content type."""
    if reply.status == 204:
        return web.Response(status=204)
    content_type = reply.headers.get(headers.CONTENT_TYPE, headers.JSON_TYPE).split(";")[0]
    return web.Response(status=reply.status, body=reply.body, content_type=content_type)


async def change(request: web.Request) -> web.Response:
    """Attach, enable, disable, detach (...) one mountpath: 1) parse 2) change 3) 200 or 204."""
    ctx = request.app[CONTEXT]
    if ctx.http_worker:
        body = await request.read()
        return relayed(await mountpath_ops.relay(ctx, request.method, request.path_qs, body))
    msg = await request_parsing.required_action(request)
    if not isinstance(msg.value, str):
        raise BadRequest("invalid mountpath value in request")
    dont_resilver = query.parse_bool(request.query.get(query.DONT_RESILVER))
    changed = await mountpath_ops.change(
        ctx, mountpath_ops.MountpathChange(msg.action, msg.value, dont_resilver)
    )
    return web.Response(status=200 if changed else 204)


def listing(request: web.Request) -> web.Response:
    """GET /v1/daemon?what=mountpaths on a target."""
    ctx = request.app[CONTEXT]
    if ctx.store is None:
        raise BadRequest(
            f'invalid query what="{query.WHAT_MOUNTPATHS}": {ctx.node.display_name} is not a target'
        )
    return web.json_response(mountpath_ops.listing(ctx).to_json())
