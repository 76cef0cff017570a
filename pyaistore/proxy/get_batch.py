"""Get-batch on the gateway: check the request and choose its designated target (reference ML §4.2).

The gateway reads the request once: every bucket it names must exist (404 otherwise, before any
target is involved), and the designated target is the one owning most entries (`coloc=1`) or
one chosen at random. The client is then redirected (307, body kept) to that target's control URL,
where the batch is assembled (target/get_batch.py).
"""

import random
from collections import Counter

from pyaistore.cluster import cluster_map, placement, redirect_url
from pyaistore.cluster.errors import BadRequest, NoTargets
from pyaistore.node_context import NodeContext
from pyaistore.wire import get_batch, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.get_batch import MossReq
from pyaistore.wire.messages import Snode

__all__ = ["check_coloc", "designated_target", "redirect_location"]


def check_coloc(text: str | None) -> int:
    """The `coloc` query value: 0, 1 or 2; BadRequest otherwise (AIS's message)."""
    if not text:
        return get_batch.COLOC_NONE
    value = int(text) if text.isdigit() and len(text) < 4 else -1
    if not get_batch.COLOC_NONE <= value <= get_batch.COLOC_SHARD:
        raise BadRequest(f"invalid '{query.COLOC}={text}' (expecting 0, 1, or 2)")
    return value


def designated_target(ctx: NodeContext, req: MossReq, default: BucketId | None, coloc: int) -> Snode:
    """Check every bucket the request names, then pick the target that assembles the batch."""
    buckets: dict[BucketId, None] = {}
    for entry in req.entries:
        try:
            buckets.setdefault(entry.bucket_id(default))
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
    for bucket in buckets:
        ctx.bucket_props(bucket)
    targets = [node for node in cluster_map.working_targets(ctx.smap) if not cluster_map.is_leaving(node)]
    if not targets:
        raise NoTargets()
    if coloc < get_batch.COLOC_TARGET and req.colocation < get_batch.COLOC_TARGET:
        return random.choice(targets)
    counts: Counter[str] = Counter()
    for entry in req.entries:
        counts[placement.owner(ctx.smap, entry.bucket_id(default), entry.objname).daemon_id] += 1
    allowed = {node.daemon_id: node for node in targets}
    for node_id, _ in counts.most_common():
        if node_id in allowed:
            return allowed[node_id]
    return random.choice(targets)


def redirect_location(ctx: NodeContext, node: Snode, path_qs: str) -> str:
    """Where the client goes: the designated target's control URL, same path and query, `tid`
    (signed like any redirect when client auth is on)."""
    sep = "&" if "?" in path_qs else "?"
    key = ctx.redirects.key() if ctx.redirects is not None else b""
    target_qs = f"{path_qs}{sep}{query.TARGET_ID}={node.daemon_id}"
    return redirect_url.signed_location(node, target_qs, ctx.node.daemon_id, "GET", key, control=True)
