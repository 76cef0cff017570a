"""The cluster configuration as AIS clients read it (`GET /v1/cluster?what=cluster_config`).

Only sections that this cluster implements, in AIS's exact shape, are sent: clients such as
AIStore's own test helpers read `auth` to learn whether they may talk to targets directly.
"""

from typing import Any

from pyaistore.node_context import NodeContext


def describe(ctx: NodeContext) -> dict[str, Any]:
    """The parts of the cluster config this cluster implements."""
    # Client auth (docs/architecture.md, "Security"): AIS 4.x's `enabled` and 5.0's name for it.
    auth = ctx.config.auth
    return {"auth": {"enabled": auth, "client_auth_required": auth, "intra_cluster": {"enabled": False}}}
