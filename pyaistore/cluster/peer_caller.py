"""The base every group of node-to-node calls shares (peer_api.py composes them): the node's
pooled PeerClient, the caller's identity (ID and cluster secret) on every request, a plain
control call, and the timeouts more than one group uses.
"""

from typing import Any, Final

from pyaistore.cluster.errors import PeerFailed
from pyaistore.cluster.peer_client import PeerClient, PeerReply, PeerUnreachable
from pyaistore.wire import headers
from pyaistore.wire.messages import Snode

__all__ = ["READ_STALL_TIMEOUT", "SMALL_PUT_TIMEOUT", "PeerCaller"]

# Seconds a peer may take to store a small object (it fsyncs; a loaded disk can be slow).
SMALL_PUT_TIMEOUT: Final = 60.0
# Seconds a streamed object read may stall before the peer is given up on.
READ_STALL_TIMEOUT: Final = 120.0


class PeerCaller:
    """A node's identity and client for calling other nodes; each group of calls extends it."""

    def __init__(self, client: PeerClient, self_id: str) -> None:
        self.client = client
        self._self_id = self_id
        # This node's cluster secret ("" until it has one): sent with every call (cluster_secret.py).
        self.cluster_secret = ""

    def _caller(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        found = {headers.CALLER_ID: self._self_id}
        if self.cluster_secret:
            found[headers.CLUSTER_SECRET] = self.cluster_secret
        if extra:
            found.update(extra)
        return found

    async def call_node(
        self,
        node: Snode,
        method: str,
        path_qs: str,
        body: Any = None,
        timeout: float | None = None,
        *,
        data: bytes | None = None,
        content_type: str = "",
        as_member: bool = True,
    ) -> PeerReply:
        """Any other control request to `node` (ETL control, reverse proxy); network failure -> PeerFailed.

        `body` is sent as JSON; `data` as it is (a relayed request's body, of `content_type`).
        A client's request relayed (`as_member=False`) carries no cluster secret: it reaches
        only what the client could reach itself.
        """
        extra = {headers.CONTENT_TYPE: content_type} if content_type else {}
        hdrs = self._caller(extra) if as_member else {headers.CALLER_ID: self._self_id, **extra}
        try:
            return await self.client.call(
                method, node.control_url + path_qs, json_body=body, data=data, timeout=timeout, headers=hdrs
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"{node.display_name} did not answer: {exc}") from exc
