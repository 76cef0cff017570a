"""`pyaistore cluster ...`: the cluster map, and nodes joining and leaving (maintenance, shutdown,
decommission) with the rebalances that move their objects, shown with progress."""

import time
from typing import Any

import click

from pyaistore.cli import cluster_view
from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkGroup
from pyaistore.cli.job_watch import follow, report, wait_options
from pyaistore.cli.render import Column, print_json, print_records
from pyaistore.sdk.types import Smap, Snode

__all__ = ["cluster"]

_NODE_COLUMNS = (
    Column("role", "ROLE"),
    Column("id", "NODE ID"),
    Column("url", "URL"),
    Column("primary", "PRIMARY", lambda primary: "yes" if primary else ""),
    Column("state", "STATE"),
)


@click.group(cls=SdkGroup)
def cluster() -> None:
    """Inspect the cluster: its proxies and storage targets."""


@cluster.command("show")
@click.option(
    "--interval",
    type=click.FloatRange(0, 60),
    default=1.0,
    show_default=True,
    help="Seconds between the two scrapes of the nodes' metrics that rates are computed from (0: no rates).",
)
@click.pass_obj
def show(app: CliContext, interval: float) -> None:
    """Show every node of the cluster with its state, CPU, memory, requests/s, throughput and
    capacity (read from the nodes' Prometheus metrics), and each target's mountpaths.

    \b
    Example:
      pyaistore cluster show
      pyaistore cluster show --interval 5
      pyaistore --json cluster show
    """
    cluster_api = app.client.cluster()
    smap = cluster_api.get_info()
    before = cluster_api.get_metrics() if interval > 0 else None
    started = time.monotonic()
    if before is not None:
        time.sleep(interval)
    metrics = cluster_api.get_metrics()
    seconds = time.monotonic() - started if before is not None else 0.0
    nodes = []
    for node in _nodes(smap):
        record = _node_record(node, smap)
        previous = before.nodes.get(node.daemon_id) if before is not None else None
        now = metrics.nodes.get(node.daemon_id)
        record.update(cluster_view.node_figures(node.daemon_type, now, previous, seconds))
        if node.daemon_id in metrics.unreachable:
            record["state"] += " (unreachable)"
        nodes.append(record)
    mountpaths = cluster_view.mountpath_records(metrics)
    if app.as_json:
        print_json(
            app.out, {"version": smap.version, "uuid": smap.uuid, "nodes": nodes, "mountpaths": mountpaths}
        )
        return
    caption = (
        f"cluster map v{smap.version}, uuid {smap.uuid or '-'}; "
        f"{len(smap.pmap)} proxy(ies), {len(smap.tmap)} target(s)"
    )
    print_records(app.out, [*_NODE_COLUMNS, *cluster_view.NODE_METRIC_COLUMNS], nodes, caption=caption)
    if mountpaths:
        print_records(app.out, cluster_view.MOUNTPATH_COLUMNS, mountpaths)


def _nodes(smap: Smap) -> list[Snode]:
    """Proxies then targets, each sorted by ID."""
    return [smap.pmap[key] for key in sorted(smap.pmap)] + [smap.tmap[key] for key in sorted(smap.tmap)]


def _node_record(node: Snode, smap: Smap) -> dict[str, Any]:
    """One node as a table row / JSON object."""
    return {
        "role": node.daemon_type,
        "id": node.daemon_id,
        "url": node.public_net.direct_url,
        "primary": node.daemon_id == smap.proxy_si.daemon_id,
        "state": _state(node),
    }


# Smap node flags (reference: maintenance 4, decommissioning 8, maintenance completed 16).
_FLAG_MAINTENANCE, _FLAG_DECOMMISSION, _FLAG_DONE = 4, 8, 16


def _state(node: Snode) -> str:
    """online, maintenance (draining or done) or decommissioning."""
    if node.flags & _FLAG_DECOMMISSION:
        return "decommissioning"
    if node.flags & _FLAG_MAINTENANCE:
        return "maintenance" if node.flags & _FLAG_DONE else "maintenance (draining)"
    return "online"


def _node_id(app: CliContext, text: str) -> str:
    """A node given by ID or as shown (t[ID], p[ID]); a clear error when the map has no such node."""
    node_id = text[2:-1] if len(text) > 3 and text[1] == "[" and text.endswith("]") else text
    smap = app.client.cluster().get_info()
    if node_id not in smap.tmap and node_id not in smap.pmap:
        known = ", ".join(sorted([*smap.tmap, *smap.pmap]))
        raise click.BadParameter(f"no node {node_id!r} in the cluster (nodes: {known})", param_hint="NODE")
    return node_id


def _after_change(app: CliContext, rebalance_id: str, done: str, wait: bool, timeout: float | None) -> None:
    """Follow the rebalance a change started (with progress), then say what was done."""
    if not rebalance_id:
        app.out.print(f"{done} (no objects had to move)")
        return
    summaries = follow(app, [rebalance_id], "rebalancing", wait=wait, timeout=timeout)
    if summaries is not None:
        report(app, summaries, done)


@cluster.group("maintenance", cls=SdkGroup)
def maintenance() -> None:
    """Put a node in maintenance (its objects move to the others) or take it out."""


@maintenance.command("start")
@click.argument("node")
@click.option("--skip-rebalance", is_flag=True, help="Leave its objects in place (unreachable meanwhile).")
@wait_options
@click.pass_obj
def maintenance_start(
    app: CliContext, node: str, skip_rebalance: bool, wait: bool, timeout: float | None
) -> None:
    """Move NODE's objects to the other targets and keep it running, out of placement.

    \b
    Example:
      pyaistore cluster maintenance start tA1b2C3d4
    """
    node_id = _node_id(app, node)
    rebalance_id = app.client.cluster().start_maintenance(node_id, skip_rebalance=skip_rebalance)
    _after_change(app, rebalance_id, f"{node_id} is in maintenance", wait, timeout)


@maintenance.command("stop")
@click.argument("node")
@wait_options
@click.pass_obj
def maintenance_stop(app: CliContext, node: str, wait: bool, timeout: float | None) -> None:
    """Take NODE out of maintenance; the objects it owns move back to it.

    \b
    Example:
      pyaistore cluster maintenance stop tA1b2C3d4
    """
    node_id = _node_id(app, node)
    rebalance_id = app.client.cluster().stop_maintenance(node_id)
    _after_change(app, rebalance_id, f"{node_id} is back in service", wait, timeout)


@cluster.command("decommission")
@click.argument("node")
@click.option("--rm-user-data", is_flag=True, help="Also delete the (moved) objects from its disks.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@wait_options
@click.pass_obj
def decommission(
    app: CliContext, node: str, rm_user_data: bool, yes: bool, wait: bool, timeout: float | None
) -> None:
    """Move every object off NODE, then remove it from the cluster for good (it stops).

    \b
    Example:
      pyaistore cluster decommission tA1b2C3d4 --yes
    """
    node_id = _node_id(app, node)
    if not yes:
        click.confirm(f"Decommission {node_id}? It leaves the cluster for good", abort=True)
    rebalance_id = app.client.cluster().decommission_node(node_id, rm_user_data=rm_user_data)
    _after_change(app, rebalance_id, f"{node_id} is decommissioned", wait, timeout)


@cluster.command("shutdown")
@click.argument("node", required=False)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@wait_options
@click.pass_obj
def shutdown(app: CliContext, node: str | None, yes: bool, wait: bool, timeout: float | None) -> None:
    """Stop NODE after moving its objects away, or, without NODE, stop the whole cluster.

    \b
    Example:
      pyaistore cluster shutdown tA1b2C3d4
      pyaistore cluster shutdown --yes
    """
    if node is None:
        if not yes:
            click.confirm("Stop every node of the cluster?", abort=True)
        app.client.cluster().shutdown()
        app.out.print("cluster is shutting down")
        return
    node_id = _node_id(app, node)
    rebalance_id = app.client.cluster().shutdown_node(node_id)
    _after_change(app, rebalance_id, f"{node_id} is shut down", wait, timeout)


@cluster.command("rebalance")
@wait_options
@click.pass_obj
def rebalance(app: CliContext, wait: bool, timeout: float | None) -> None:
    """Start a global rebalance by hand: every object moves to its owner under the current map.

    \b
    Example:
      pyaistore cluster rebalance
    """
    rebalance_id = app.client.job(job_kind="rebalance").start()
    _after_change(app, rebalance_id, "rebalanced", wait, timeout)
