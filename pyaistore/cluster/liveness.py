"""Which targets the primary drops for silence: dead ones fast, busy ones never before the timeout.

A target sends a keepalive every `interval`. Once it has missed `MISSED_BEFORE_PROBE` of them,
the primary asks its control port for `/v1/health`:

- connection refused: nothing listens there, the process is gone; the target is removed at once;
- any answer, a timeout, any other error: it is alive but busy (or stopped), or the network is
  slow; it is kept until it has been silent for the keepalive timeout.

Targets flagged maintenance (4) or decommission (8) send no keepalives and are never dropped
(reference §1.1, §1.3)."""

import errno
import logging
from dataclasses import dataclass
from typing import Final

from pyaistore.cluster.peer_api import PeerApi
from pyaistore.cluster.peer_client import PeerUnreachable
from pyaistore.wire import hrw, paths
from pyaistore.wire.messages import Smap, Snode

__all__ = ["MISSED_BEFORE_PROBE", "Silence", "is_listed_only", "probe_gone", "silent_targets"]

log = logging.getLogger(__name__)

MISSED_BEFORE_PROBE: Final = 2
_HEALTH_PATH: Final = paths.url_path(paths.HEALTH)


@dataclass(frozen=True, slots=True)
class Silence:
    """A target that stopped sending keepalives, as the primary saw it at one instant."""

    node: Snode
    seconds: float


def is_listed_only(node: Snode) -> bool:
    """True for a node in maintenance or being decommissioned: listed, no heartbeats expected."""
    return bool(node.flags & hrw.EXCLUDED_FLAGS)


def silent_targets(
    smap: Smap, last_seen: dict[str, float], now: float, threshold: float, skip: frozenset[str]
) -> list[Silence]:
    """Active targets silent for longer than `threshold` seconds, except those in `skip`.

    A target never seen by this process (in the map from before, just taken out of maintenance)
    starts its count now.
    """
    found = []
    for node_id, node in smap.targets.items():
        if node_id in skip or is_listed_only(node):
            continue
        seen = last_seen.setdefault(node_id, now)
        if now - seen > threshold:
            found.append(Silence(node, now - seen))
    return found


async def probe_gone(peers: PeerApi, node: Snode, timeout: float) -> bool:
    """True only when the node's control port refuses the connection (its process is gone)."""
    try:
        stream = await peers.client.open_stream(
            "GET", node.control_url + _HEALTH_PATH, read_timeout=timeout, connect_timeout=timeout
        )
    except PeerUnreachable as exc:
        # Only ECONNREFUSED proves absence; a timeout or an unreachable host may be a busy node
        # or a slow network, which the keepalive timeout decides.
        refused = getattr(exc.__cause__, "errno", None) == errno.ECONNREFUSED
        log.info("probe of %s: %s", node.display_name, "refused" if refused else exc)
        return refused
    stream.close()
    return False
