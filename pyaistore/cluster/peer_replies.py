"""A peer's reply as an outcome: a 4xx refusal is relayed as is, any other failure is a retryable 503."""

from pyaistore.cluster.errors import PeerFailed, PeerRejected
from pyaistore.cluster.peer_client import PeerReply
from pyaistore.wire.error_body import ErrorBody
from pyaistore.wire.messages import Snode

__all__ = ["raise_for_reply"]


def raise_for_reply(reply: PeerReply, node: Snode, what: str) -> None:
    """Return for 2xx; PeerRejected (the peer's status and code) for 4xx; PeerFailed otherwise."""
    if 400 <= reply.status < 500:
        refusal = ErrorBody.parse(reply.body.decode(errors="replace"), reply.status)
        raise PeerRejected(reply.status, refusal.message, refusal.tcode)
    if not reply.ok:
        detail = reply.body[:300].decode(errors="replace")
        raise PeerFailed(f"{what} failed on {node.display_name}: {detail}")
