"""Control calls to any node: push versioned cluster metadata (metasync), ask a target for its
mountpaths, scrape a node's metrics.
"""

import json
from typing import Any

from pyaistore.cluster.errors import PeerFailed
from pyaistore.cluster.peer_caller import PeerCaller
from pyaistore.cluster.peer_client import PeerUnreachable
from pyaistore.cluster.peer_replies import raise_for_reply
from pyaistore.wire import monitoring, paths, query
from pyaistore.wire.messages import Snode
from pyaistore.wire.mountpaths import MountpathList

__all__ = ["ControlCalls"]


class ControlCalls(PeerCaller):
    """Metadata pushes and questions about a node itself."""

    async def push_meta(self, node: Snode, body: dict[str, Any], timeout: float = 10.0) -> bool:
        """Send versioned cluster metadata (metasync) to `node`; False when it did not take it."""
        url = node.control_url + paths.url_path(paths.METASYNC)
        try:
            reply = await self.client.call(
                "PUT", url, json_body=body, timeout=timeout, headers=self._caller()
            )
        except PeerUnreachable:
            return False
        return reply.ok

    async def mountpaths(self, node: Snode) -> MountpathList:
        """The target's mountpaths by state (`GET /v1/daemon?what=mountpaths`)."""
        path_qs = paths.url_path(paths.DAEMON) + f"?{query.WHAT}={query.WHAT_MOUNTPATHS}"
        reply = await self.call_node(node, "GET", path_qs)
        raise_for_reply(reply, node, "mountpath query")
        try:
            return MountpathList.from_json(json.loads(reply.body))
        except ValueError as exc:
            raise PeerFailed(f"{node.display_name} sent an invalid mountpath list: {exc}") from exc

    async def metrics_text(self, node: Snode, timeout: float | None = None) -> str:
        """The node's Prometheus exposition (`GET /metrics` on its control port)."""
        reply = await self.call_node(node, "GET", monitoring.METRICS_PATH, timeout=timeout)
        raise_for_reply(reply, node, "metrics scrape")
        return reply.body.decode("utf-8", errors="replace")
