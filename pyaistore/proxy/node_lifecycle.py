"""Node lifecycle on the primary: maintenance, shutdown and decommission of nodes, and shutdown of
the whole cluster (reference §1.4, §1.5).

A membership change is validated as a whole first (unknown node 404, the primary 400, one change
at a time and none while a rebalance runs: 409), then applied in one map update:

| action            | map flags | rebalance?                      | final step                        |
|-------------------|-----------|---------------------------------|-----------------------------------|
| start-maintenance | +4        | if the active targets change    | +16 (if rebalanced); node is told |
| shutdown-node     | +4        | same                            | +16 (if rebalanced); node exits   |
| decommission-node | +8        | same                            | node cleans up, exits; removed    |
| stop-maintenance  | -4, -16   | same (at least one must remain) | none                              |

The final step waits for a rebalance that completed: a decommission never removes a node whose
objects did not all move (AIS proceeds anyway; losing acknowledged objects is not an option here).
A rebalance renewed by a newer one leaves the step to the newer one's completion.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Final

from pyaistore.cluster import cluster_map
from pyaistore.cluster.cluster_meta import active_target_ids
from pyaistore.cluster.errors import BadRequest, Busy, NodeNotFound, NotSupported, PeerFailed
from pyaistore.cluster.meta_owner import MetaOwner
from pyaistore.node_context import NodeContext
from pyaistore.proxy import rebalance as rebalancing
from pyaistore.wire import actions, paths
from pyaistore.wire import jobs as kinds
from pyaistore.wire.membership import (
    FLAG_DECOMMISSION,
    FLAG_MAINTENANCE,
    FLAG_MAINTENANCE_DONE,
    RemoveNodeValue,
)
from pyaistore.wire.messages import TARGET, ActionMsg, Smap, Snode

__all__ = ["CLUSTER_ACTIONS", "NODE_ACTIONS", "change", "leave", "settle", "shutdown_cluster"]

log = logging.getLogger(__name__)

NODE_ACTIONS: Final = frozenset(
    {
        actions.START_MAINTENANCE,
        actions.STOP_MAINTENANCE,
        actions.SHUTDOWN_NODE,
        actions.DECOMMISSION_NODE,
        actions.RM_NODE_UNSAFE,
    }
)
CLUSTER_ACTIONS: Final = frozenset({actions.SHUTDOWN_CLUSTER, actions.DECOMMISSION_CLUSTER})
# Seconds stop-maintenance waits for a node to answer (it may have just been restarted).
HEALTH_WAIT_S: Final = 10.0
# Seconds the primary waits after answering a cluster shutdown before it exits itself.
EXIT_DELAY_S: Final = 0.3


def _owner(ctx: NodeContext) -> MetaOwner:
    if ctx.owner is None:
        raise NotSupported("membership changes go to the primary proxy")
    return ctx.owner


def _nodes(ctx: NodeContext, action: str, value: RemoveNodeValue) -> list[Snode]:
    """The named nodes, all known and none the primary; 400/404 as AIS answers."""
    try:
        ids = value.node_ids()
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    smap = ctx.smap
    nodes = []
    for node_id in ids:
        node = cluster_map.find_node(smap, node_id)
        if node is None:
            raise NodeNotFound(f'node "{node_id}" does not exist (not in the cluster map)')
        if node_id == smap.primary.daemon_id:
            raise BadRequest(f"{node.display_name} is the current primary, cannot perform action {action}")
        nodes.append(node)
    return nodes


def _check_idle(ctx: NodeContext, action: str) -> None:
    running = ctx.jobs.find(kind=kinds.REBALANCE, active_only=True)
    if ctx.membership_lock.locked() or running:
        what = f"rebalance[{running[0].job_id}] is running" if running else "another change is in progress"
        raise Busy(f'cluster membership "{action}" is currently busy ({what}), please try again')


async def change(ctx: NodeContext, action: str, value: RemoveNodeValue) -> str:
    """Apply a membership change; returns the ID of the rebalance it started ("" when none)."""
    owner = _owner(ctx)
    if action == actions.RM_NODE_UNSAFE:
        raise NotSupported(f"{action}: removing a live node without moving its objects is not supported")
    nodes = _nodes(ctx, action, value)
    _check_idle(ctx, action)
    async with ctx.membership_lock:
        if action == actions.STOP_MAINTENANCE:
            await _wait_healthy(ctx, [n for n in nodes if n.flags & FLAG_MAINTENANCE])
        chosen = _select(action, nodes)
        if not chosen:
            return ""  # every node is in that state already (AIS: 200, nothing done)
        ids = {n.daemon_id for n in chosen}
        old = ctx.smap
        new = await owner.update_smap(lambda smap: _with_flags(smap, ids, action))
        for node in chosen:
            if action == actions.STOP_MAINTENANCE:
                ctx.node_transitions.pop(node.daemon_id, None)
            else:
                ctx.node_transitions[node.daemon_id] = (action, value)
        log.info("%s of %s", action, sorted(ids))
        moves = rebalancing.moves_objects(old, new) and rebalancing.holds_objects(ctx)
        if moves and not value.skip_rebalance and active_target_ids(new):
            return await rebalancing.start(ctx, f"{action} of {', '.join(sorted(ids))}")
    await settle(ctx, completed=True, rebalanced=False)
    return ""


def _select(action: str, nodes: Iterable[Snode]) -> list[Snode]:
    """The nodes the change applies to; 400 for one being decommissioned (maintenance actions)."""
    chosen = []
    for node in nodes:
        decommissioning = bool(node.flags & FLAG_DECOMMISSION)
        if action in (actions.START_MAINTENANCE, actions.STOP_MAINTENANCE) and decommissioning:
            raise BadRequest(f"{node.display_name} is being decommissioned: cannot {action}")
        if action == actions.START_MAINTENANCE and node.flags & FLAG_MAINTENANCE:
            continue
        if action == actions.STOP_MAINTENANCE and not node.flags & FLAG_MAINTENANCE:
            continue
        if action == actions.DECOMMISSION_NODE and decommissioning:
            continue
        chosen.append(node)
    return chosen


def _flags_after(action: str, flags: int) -> int:
    if action == actions.STOP_MAINTENANCE:
        return flags & ~(FLAG_MAINTENANCE | FLAG_MAINTENANCE_DONE)
    if action == actions.DECOMMISSION_NODE:
        return flags | FLAG_DECOMMISSION
    return flags | FLAG_MAINTENANCE


def _with_flags(smap: Smap, node_ids: set[str], action: str) -> Smap:
    """The map with the action's flags set on every named node (one version bump)."""
    return _retagged(smap, node_ids, lambda flags: _flags_after(action, flags))


def _retagged(smap: Smap, node_ids: set[str], tag: Callable[[int], int]) -> Smap:
    targets = {k: replace(v, flags=tag(v.flags)) if k in node_ids else v for k, v in smap.targets.items()}
    proxies = {k: replace(v, flags=tag(v.flags)) if k in node_ids else v for k, v in smap.proxies.items()}
    if targets == smap.targets and proxies == smap.proxies:
        return smap
    return replace(smap, version=smap.version + 1, targets=targets, proxies=proxies)


async def settle(ctx: NodeContext, completed: bool, rebalanced: bool = True) -> None:
    """Run the final steps of pending transitions once their rebalance completed (or none was needed)."""
    if not ctx.node_transitions or ctx.owner is None:
        return
    if not completed:
        log.warning("rebalance did not complete: %s wait for one that does", sorted(ctx.node_transitions))
        return
    owner = ctx.owner
    pending, ctx.node_transitions = dict(ctx.node_transitions), {}
    done = {nid for nid, (action, _) in pending.items() if action != actions.DECOMMISSION_NODE}
    if rebalanced and done:
        await owner.update_smap(lambda smap: _retagged(smap, done, lambda f: f | FLAG_MAINTENANCE_DONE))
    leaving = []
    for node_id, (action, value) in pending.items():
        node = cluster_map.find_node(ctx.smap, node_id)
        if node is None:
            continue
        await _tell(ctx, node, action, value)
        if action == actions.DECOMMISSION_NODE:
            leaving.append(node_id)
    if leaving:
        await owner.update_smap(lambda smap: _without(smap, leaving))
        log.info("decommissioned %s", leaving)


def _without(smap: Smap, node_ids: list[str]) -> Smap:
    for node_id in node_ids:
        smap = cluster_map.without_node(smap, node_id)
    return smap


async def _tell(ctx: NodeContext, node: Snode, action: str, value: RemoveNodeValue) -> None:
    """Tell a node its part (`PUT /v1/daemon`); an unreachable node is logged, not an error."""
    body = ActionMsg(action, "", value.to_json()).to_json()
    try:
        reply = await ctx.peer_api.call_node(node, "PUT", paths.url_path(paths.DAEMON), body, timeout=30)
    except PeerFailed as exc:
        log.warning("%s: could not tell %s: %s", action, node.display_name, exc)
        return
    if not reply.ok:
        log.warning("%s: %s answered %s: %s", action, node.display_name, reply.status, reply.body[:200])


async def _wait_healthy(ctx: NodeContext, nodes: list[Snode]) -> None:
    """PeerFailed (503) unless every node answers its health check within a few seconds."""
    deadline = asyncio.get_running_loop().time() + HEALTH_WAIT_S
    for node in nodes:
        while True:
            try:
                reply = await ctx.peer_api.call_node(node, "GET", paths.url_path(paths.HEALTH), timeout=2)
                if reply.ok:
                    break
            except PeerFailed:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise PeerFailed(f"stop-maintenance: {node.display_name} does not answer (is it running?)")
            await asyncio.sleep(0.2)


async def shutdown_cluster(ctx: NodeContext, action: str, value: RemoveNodeValue) -> None:
    """Tell every other node to shut down (or decommission), then stop the primary itself."""
    _owner(ctx)
    smap = ctx.smap
    others = [
        n for n in (*smap.targets.values(), *smap.proxies.values()) if n.daemon_id != ctx.node.daemon_id
    ]
    node_action = actions.SHUTDOWN_NODE if action == actions.SHUTDOWN_CLUSTER else actions.DECOMMISSION_NODE
    targets_first = sorted(others, key=lambda n: n.daemon_type != TARGET)
    await asyncio.gather(*(_tell(ctx, node, node_action, value) for node in targets_first))
    log.info("cluster %s: every node told; the primary stops", action)
    asyncio.get_running_loop().call_later(EXIT_DELAY_S, ctx.stop_requested.set)


def leave(ctx: NodeContext, action: str) -> None:
    """A non-primary proxy told to shut down or leave: it stops (nothing of it holds objects)."""
    if action not in (
        actions.SHUTDOWN_NODE,
        actions.SHUTDOWN_CLUSTER,
        actions.DECOMMISSION_NODE,
        actions.DECOMMISSION_CLUSTER,
        actions.START_MAINTENANCE,
    ):
        raise BadRequest(f'invalid action "{action}"')
    if action != actions.START_MAINTENANCE:
        asyncio.get_running_loop().call_later(EXIT_DELAY_S, ctx.stop_requested.set)
