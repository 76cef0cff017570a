"""Where the proxy sends an object request: the owning target (or an append session's target)."""

from pyaistore.cluster import cluster_map, placement
from pyaistore.node_context import NodeContext
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Snode


def target_for(ctx: NodeContext, bucket: BucketId, obj_name: str, handle_node: str = "") -> Snode:
    """The owner by HRW, or the node named in an append handle when it is still in the map."""
    if handle_node:
        node = cluster_map.find_node(ctx.smap, handle_node)
        if node is not None:
            return node
    return placement.owner(ctx.smap, bucket, obj_name)
