"""Where the proxy sends an object request: the owning target's URL plus a redirect marker."""

import time

from pyaistore.cluster import cluster_map, placement
from pyaistore.node_context import NodeContext
from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Snode


def _base36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while value:
        value, rem = divmod(value, 36)
        out = digits[rem] + out
    return out or "0"


def target_for(ctx: NodeContext, bucket: BucketId, obj_name: str, handle_node: str = "") -> Snode:
    """The owner by HRW, or the node named in an append handle when it is still in the map."""
    if handle_node:
        node = cluster_map.find_node(ctx.smap, handle_node)
        if node is not None:
            return node
    return placement.owner(ctx.smap, bucket, obj_name)


def location(ctx: NodeContext, node: Snode, path_qs: str) -> str:
    """The target URL with the original path and query plus pid and utm (the redirect marker)."""
    sep = "&" if "?" in path_qs else "?"
    marker = f"{query.PROXY_ID}={ctx.node.daemon_id}&{query.UNIX_TIME}={_base36(time.time_ns())}"
    return f"{node.public_net.url}{path_qs}{sep}{marker}"
