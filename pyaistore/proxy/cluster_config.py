"""The cluster configuration: what clients read (`what=cluster_config`) and set (`set-config`).

The view is the primary's start-up config with the cluster's values over it, in AIS's sections,
plus `auth` in AIS's exact shape (AIStore's own test helpers read it to learn whether they may
talk to targets directly). A set checks every pair first (unknown key, a key read only at start,
a bad value: 400 naming the key, nothing changes), then the primary persists the new version and
pushes it to every node (MetaOwner, as the other tables), each of which runs with it at once.
"""

from typing import Any

from pyaistore.cluster import config_settings
from pyaistore.cluster.errors import NotSupported
from pyaistore.node_context import NodeContext

__all__ = ["describe", "set_values"]


def describe(ctx: NodeContext) -> dict[str, Any]:
    """The cluster's config in AIS's sections, with its version."""
    cluster = config_settings.apply(ctx.base_config, ctx.meta.config.values)
    view = config_settings.nested(config_settings.render(cluster))
    view["config_version"] = ctx.meta.config.version
    # Client auth (docs/architecture.md, "Security"), set at start only: AIS 4.x's `enabled` and
    # 5.0's name for it. Node-to-node calls carry the cluster secret, not AIS's intra-cluster tokens.
    auth = ctx.config.auth
    view["auth"] = {"enabled": auth, "client_auth_required": auth, "intra_cluster": {"enabled": False}}
    return view


async def set_values(ctx: NodeContext, pairs: dict[str, str], transient: bool) -> int:
    """Set `pairs` cluster-wide; returns the new config version.

    Raises NotSupported off the primary or with `transient` (a version that no node keeps would
    be overtaken by the older persisted one after a restart), BadRequest subclasses for a pair.
    """
    if ctx.owner is None:
        raise NotSupported("the cluster config is set through the primary proxy")
    if transient:
        raise NotSupported("transient cluster config is not supported: set it on each node, or persistently")
    values = config_settings.parse_settings(pairs)
    table = await ctx.owner.update_config(lambda old: old.with_values(values))
    ctx.reload_config()
    return table.version
