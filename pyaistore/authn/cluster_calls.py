"""The AuthN service's calls into registered clusters (AIS's cmd/authn/aisreq.go).

Each call carries a short-lived admin token the service signs for that cluster (`aud` = its
UUID) and tries the cluster's URLs in order: `POST /v1/tokens` proves the cluster verifies this
service's tokens (registration), `DELETE /v1/tokens` adds revoked tokens.
"""

from collections.abc import Callable
from typing import Final

from pyaistore.authn.errors import InvalidRequest
from pyaistore.authn.state import Cluster
from pyaistore.cluster.peer_client import PeerClient, PeerUnreachable
from pyaistore.wire import authn, headers, paths

__all__ = ["ClusterCalls"]

_TIMEOUT: Final = 10.0


class ClusterCalls:
    """Calls to clusters, each with a fresh admin token for that cluster.

    Args:
        peers: the HTTP client (verifies https clusters' certificates).
        self_token: cluster UUID -> a short-lived admin token for it.
    """

    def __init__(self, peers: PeerClient, self_token: Callable[[str], str]) -> None:
        self._peers = peers
        self._self_token = self_token

    async def _call(self, cluster: Cluster, method: str, body: object, what: str) -> None:
        token = self._self_token(cluster.cluster_id)
        hdrs = {headers.AUTHORIZATION: f"{authn.BEARER} {token}"}
        problems = []
        await self._peers.ensure_started()
        for url in cluster.urls:
            target = url.rstrip("/") + paths.url_path(authn.TOKENS)
            try:
                reply = await self._peers.call(method, target, json_body=body, headers=hdrs, timeout=_TIMEOUT)
            except PeerUnreachable as exc:
                problems.append(str(exc))
                continue
            if reply.ok:
                return
            problems.append(f"{url} answered {reply.status}: {reply.body[:300].decode(errors='replace')}")
        raise InvalidRequest(f"failed to {what} with cluster {cluster.cluster_id}: {'; '.join(problems)}")

    async def validate(self, cluster: Cluster) -> None:
        """InvalidRequest unless the cluster accepts this service's tokens."""
        await self._call(cluster, "POST", {}, "validate the token signer")

    async def revoke(self, cluster: Cluster, tokens: list[str]) -> None:
        """Tell the cluster to refuse `tokens`; InvalidRequest when it cannot be told."""
        await self._call(cluster, "DELETE", {"tokens": tokens, "version": "0"}, "revoke tokens")
