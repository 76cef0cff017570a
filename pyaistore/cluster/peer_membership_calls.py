"""Membership: a node's calls to the primary (join, keepalive, the blocking keepalive of the
keepalive thread), and the primary's check of who answers at a fresh node's address.
"""

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from pyaistore.cluster.peer_caller import PeerCaller
from pyaistore.cluster.peer_client import PeerReply, PeerUnreachable
from pyaistore.wire import headers, paths, query
from pyaistore.wire.messages import Snode

__all__ = ["MembershipCalls"]


class MembershipCalls(PeerCaller):
    """Joining the cluster and staying in it."""

    async def identify(self, node: Snode, timeout: float = 5.0) -> str:
        """The ID of the node answering at `node`'s control URL ("" when none answers); asked
        without the cluster secret (the primary checks a fresh node this way before it joins)."""
        url = node.control_url + paths.url_path(paths.DAEMON) + f"?{query.WHAT}={query.WHAT_SNODE}"
        try:
            reply = await self.client.call("GET", url, timeout=timeout)
            found = json.loads(reply.body) if reply.ok else {}
        except (PeerUnreachable, ValueError):
            return ""
        return str(found.get("daemon_id", "")) if isinstance(found, dict) else ""

    async def join(self, primary_url: str, body: dict[str, Any]) -> PeerReply:
        """Register with the primary (PeerUnreachable when it does not answer)."""
        url = primary_url + paths.url_path(paths.CLUSTER, paths.JOIN)
        return await self.client.call("POST", url, json_body=body, headers=self._caller())

    def keepalive_blocking(self, primary_url: str, body: dict[str, Any], timeout: float) -> tuple[int, bytes]:
        """Blocking keepalive for the keepalive thread (cluster/heartbeat.py): (status, body).

        Plain http.client on a connection of its own, so no event loop, executor or pool of this
        node can hold it up; PeerUnreachable when the primary does not answer within `timeout`.
        """
        url = primary_url + paths.url_path(paths.CLUSTER, paths.KEEPALIVE)
        parts = urlsplit(url)
        hdrs = self._caller({headers.CONTENT_TYPE: headers.JSON_TYPE})
        connection = (
            http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=timeout, context=self.client.ssl_context
            )
            if parts.scheme == "https"
            else http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
        )
        try:
            connection.request("POST", parts.path, body=json.dumps(body).encode(), headers=hdrs)
            reply = connection.getresponse()
            return reply.status, reply.read(64 << 20)
        except (OSError, http.client.HTTPException) as exc:
            raise PeerUnreachable(url, exc) from exc
        finally:
            connection.close()

    async def keepalive(self, primary_url: str, body: dict[str, Any], timeout: float) -> PeerReply:
        """Tell the primary this node is alive (PeerUnreachable when it does not answer)."""
        url = primary_url + paths.url_path(paths.CLUSTER, paths.KEEPALIVE)
        return await self.client.call("POST", url, json_body=body, timeout=timeout, headers=self._caller())
