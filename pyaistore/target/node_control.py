"""What a target does when the primary ends its part in the cluster (`PUT /v1/daemon`, reference §1.4).

start-maintenance: it keeps running and serving what it still holds; its own jobs other than a
rebalance are aborted. shutdown-node: it stops cleanly (exit status 0, so a supervisor does not
restart it). decommission-node: it forgets the cluster (its ID, the cluster's UUID, its copy of the
bucket table, its mountpath state), removes every object too with `rm_user_data`, and stops unless
`no_shutdown`.
"""

import asyncio
import logging
import shutil
from pathlib import Path
from typing import Final

from pyaistore.cluster import cluster_identity, cluster_secret
from pyaistore.cluster import node as node_identity
from pyaistore.cluster.errors import UnknownAction
from pyaistore.node_context import NodeContext
from pyaistore.storage import layout, mountpath_state
from pyaistore.target import bucket_sync
from pyaistore.wire import actions
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import PROVIDERS
from pyaistore.wire.membership import RemoveNodeValue

__all__ = ["STOP_DELAY_S", "apply"]

log = logging.getLogger(__name__)

# Seconds between answering the primary and stopping (the reply must leave first).
STOP_DELAY_S: Final = 0.2
# Files of a target's data dir that tie it to its cluster.
MEMBERSHIP_FILES: Final = (
    node_identity.ID_FILE,
    cluster_identity.UUID_FILE,
    cluster_secret.SECRET_FILE,
    bucket_sync.BMD_FILE,
    mountpath_state.STATE_FILE,
)


async def apply(ctx: NodeContext, action: str, value: RemoveNodeValue) -> None:
    """Carry out the primary's final step for this target."""
    if action == actions.START_MAINTENANCE:
        for job in ctx.jobs.find(active_only=True):
            if job.kind != kinds.REBALANCE:
                job.abort("node in maintenance")
        log.info("in maintenance: serving what this target still holds, taking no new objects")
        return
    if action in (actions.SHUTDOWN_NODE, actions.SHUTDOWN_CLUSTER):
        log.info("shutting down as asked by the primary")
        _stop_soon(ctx)
        return
    if action in (actions.DECOMMISSION_NODE, actions.DECOMMISSION_CLUSTER):
        if ctx.agent is not None:
            ctx.agent.leave()
        ctx.jobs.abort_all("node decommissioned")
        await asyncio.to_thread(_forget_cluster, ctx.config.data_dir)
        ctx.peer_api.cluster_secret = ""
        if value.rm_user_data:
            roots = [mp.root for mp in ctx.object_store.mountpaths.all]
            await asyncio.to_thread(_remove_user_data, roots)
        log.info("decommissioned%s", " (objects removed)" if value.rm_user_data else "")
        if not value.no_shutdown:
            _stop_soon(ctx)
        return
    raise UnknownAction(action)


def _stop_soon(ctx: NodeContext) -> None:
    if ctx.agent is not None:
        ctx.agent.leave()  # no keepalive may make the primary take it back meanwhile
    asyncio.get_running_loop().call_later(STOP_DELAY_S, ctx.stop_requested.set)


def _forget_cluster(data_dir: Path) -> None:
    """Blocking: remove the files that make this data dir a member of a cluster."""
    for name in MEMBERSHIP_FILES:
        (data_dir / name).unlink(missing_ok=True)


def _remove_user_data(roots: list[Path]) -> None:
    """Blocking: remove every bucket tree (objects, copies, EC pieces) and work file of each mountpath."""
    for root in roots:
        for name in (*PROVIDERS, layout.WORK_DIR, layout.TRASH_DIR):
            shutil.rmtree(root / name, ignore_errors=True)
