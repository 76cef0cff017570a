"""GET /metrics on every node, and the gateway's scrape of every node (`/v1/cluster?what=prometheus`)."""

from aiohttp import web

from pyaistore.cluster.errors import PeerFailed
from pyaistore.monitoring import exposition, node_metrics
from pyaistore.proxy import cluster_metrics
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import headers, monitoring

__all__ = ["cluster_scrape", "scrape"]


async def scrape(request: web.Request) -> web.Response:
    """This node's metrics: 1) an HTTP worker asks its main process (which sums every process's
    counters) 2) collect 3) write the Prometheus text."""
    ctx = request.app[CONTEXT]
    if ctx.http_worker:
        try:
            text = await ctx.peer_api.metrics_text(ctx.node, cluster_metrics.SCRAPE_TIMEOUT)
        except PeerFailed as exc:
            raise PeerFailed(f"{ctx.node.display_name}: metrics: {exc}") from exc
    else:
        text = exposition.render(await node_metrics.collect(ctx))
    return web.Response(body=text.encode(), headers={headers.CONTENT_TYPE: monitoring.METRICS_CONTENT_TYPE})


async def cluster_scrape(request: web.Request) -> web.Response:
    """Every node's exposition by node ID, and the nodes that did not answer."""
    texts, failures = await cluster_metrics.scrape_all(request.app[CONTEXT])
    return web.json_response({monitoring.METRICS_KEY: texts, monitoring.UNREACHABLE_KEY: failures})
