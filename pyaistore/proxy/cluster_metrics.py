"""Every node's metrics, scraped by the gateway (`GET /v1/cluster?what=prometheus`, the dashboard).

Nodes are scraped at once, each with a deadline: a node that does not answer is reported as
unreachable with the reason, and never delays the others past the deadline.
"""

import asyncio
from typing import Final

from pyaistore.cluster.errors import PeerFailed, PeerRejected
from pyaistore.monitoring import exposition, node_metrics
from pyaistore.node_context import NodeContext
from pyaistore.wire.messages import Snode

__all__ = ["SCRAPE_TIMEOUT", "scrape_all"]

SCRAPE_TIMEOUT: Final = 5.0


async def _scrape(ctx: NodeContext, node: Snode) -> str:
    if node.daemon_id == ctx.node.daemon_id:
        return exposition.render(await node_metrics.collect(ctx))
    return await ctx.peer_api.metrics_text(node, SCRAPE_TIMEOUT)


async def scrape_all(ctx: NodeContext) -> tuple[dict[str, str], dict[str, str]]:
    """({node ID: exposition text}, {node ID: why it could not be scraped}) for every node in the map."""
    smap = ctx.smap
    nodes = [*smap.proxies.values(), *smap.targets.values()]
    found = await asyncio.gather(*(_scrape(ctx, node) for node in nodes), return_exceptions=True)
    texts: dict[str, str] = {}
    failures: dict[str, str] = {}
    for node, result in zip(nodes, found, strict=True):
        if isinstance(result, str):
            texts[node.daemon_id] = result
        elif isinstance(result, PeerFailed | PeerRejected | TimeoutError):
            failures[node.daemon_id] = str(result) or type(result).__name__
        elif isinstance(result, BaseException):
            raise result
    return texts, failures
