"""One node's config as clients read and set it (`what=config`, `PUT /v1/daemon/set-config`).

Every node runs this, proxies too (as bucket_sync). What a node runs with is its start-up
config, then the cluster's values, then the values set for it alone (its overrides, persisted in
its data dir unless `transient`), so a node's own setting wins over the cluster's, as in AIS.
A target's HTTP workers hold only the values the main process sends them: a request for the
node's config that a worker accepts is relayed to the main process (`relay`).
"""

import asyncio
from typing import Any

from pyaistore.cluster import config_settings
from pyaistore.cluster.config_table import OVERRIDE_FILE
from pyaistore.cluster.peer_client import PeerReply
from pyaistore.config import TARGET
from pyaistore.node_context import NodeContext

__all__ = ["describe", "relay", "set_local"]


def describe(ctx: NodeContext) -> dict[str, Any]:
    """The node's config in AIS's sections, the versions it derives from, and its local facts."""
    config = ctx.config
    view = config_settings.nested(config_settings.render(config))
    view["config_version"] = ctx.meta.config.version
    view["overrides"] = dict(ctx.config_overrides.values)
    view["local"] = {
        "role": config.role,
        "data_dir": str(config.data_dir),
        "host": config.host,
        "port": ctx.node.public_net.port,
        "primary_url": config.primary_url,
        "http_workers": config.http_workers,
        "mountpaths": [str(path) for path in config.disk_roots] if config.role == TARGET else [],
    }
    return view


async def set_local(ctx: NodeContext, pairs: dict[str, str], transient: bool) -> None:
    """Set `pairs` on this node alone (BadRequest subclasses name a key at fault; nothing changes)."""
    values = config_settings.parse_settings(pairs)
    table = ctx.config_overrides.with_values(values)
    if not transient:
        await asyncio.to_thread(table.save, ctx.config.data_dir / OVERRIDE_FILE)
    ctx.config_overrides = table
    ctx.reload_config()


async def relay(ctx: NodeContext, method: str, path_qs: str) -> PeerReply:
    """An HTTP worker's config request, answered by the main process (which owns the config)."""
    return await ctx.peer_api.call_node(ctx.node, method, path_qs, as_member=False)
