"""The cluster configuration as AIS clients read it (`GET /v1/cluster?what=cluster_config`).

Only sections that this cluster implements, in AIS's exact shape, are sent: clients such as
AIStore's own test helpers read `auth` to learn whether they may talk to targets directly.
"""

from typing import Any

from pyaistore.node_context import NodeContext


def describe(ctx: NodeContext) -> dict[str, Any]:
    """The parts of the cluster config this cluster implements."""
    del ctx  # nothing below depends on the node yet
    # No authentication exists: every node serves every client (see docs/architecture.md).
    return {"auth": {"enabled": False, "intra_cluster": {"enabled": False}}}
