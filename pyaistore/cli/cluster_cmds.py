"""`pyaistore cluster ...`: the cluster map."""

from typing import Any

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkGroup
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
@click.pass_obj
def show(app: CliContext) -> None:
    """Show every node of the cluster, the primary proxy, and the map's version and UUID.

    \b
    Example:
      pyaistore cluster show
      pyaistore --json cluster show
    """
    smap = app.client.cluster().get_info()
    nodes = [_node_record(node, smap) for node in _nodes(smap)]
    if app.as_json:
        print_json(app.out, {"version": smap.version, "uuid": smap.uuid, "nodes": nodes})
        return
    caption = (
        f"cluster map v{smap.version}, uuid {smap.uuid or '-'}; "
        f"{len(smap.pmap)} proxy(ies), {len(smap.tmap)} target(s)"
    )
    print_records(app.out, _NODE_COLUMNS, nodes, caption=caption)


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
        "state": "maintenance" if node.in_maint_or_decomm() else "online",
    }
