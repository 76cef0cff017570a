"""`pyaistore storage mountpath ...`: the targets' disks (mountpaths): list, attach, detach, enable, disable.

A mountpath is named as AIS's CLI names it, `NODE_ID=PATH` (the path as the target sees it).
Every change is followed by a resilver on that target, which moves objects to the mountpaths
they now belong on and restores mirror copies (`pyaistore job ls` shows it); `--no-resilver`
skips it on detach and disable.
"""

from typing import Any

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkGroup
from pyaistore.cli.refs import MOUNTPATH, NODE, MountpathRef, NodeRef
from pyaistore.cli.render import Column, print_json, print_records
from pyaistore.sdk.types import MountpathList

__all__ = ["storage"]

_COLUMNS = (
    Column("node", "NODE"),
    Column("mountpath", "MOUNTPATH"),
    Column("state", "STATE"),
)
_NO_RESILVER_HELP = "Do not resilver afterwards (objects on the mountpath stay where they are)."


@click.group(cls=SdkGroup)
def storage() -> None:
    """Storage on the targets: their mountpaths (disks)."""


@storage.group("mountpath")
def mountpath() -> None:
    """List, attach, detach, enable and disable the mountpaths of targets.

    \b
    Example:
      pyaistore storage mountpath ls
      pyaistore storage mountpath attach tXyz12345=/data/disk3
      pyaistore storage mountpath disable tXyz12345=/data/disk1
    """


@mountpath.command("ls")
@click.argument("node", metavar="[NODE_ID]", required=False, type=NODE)
@click.pass_obj
def list_mountpaths(app: CliContext, node: NodeRef | None) -> None:
    """List every target's mountpaths (or one target's) with their states.

    \b
    Example:
      pyaistore storage mountpath ls
      pyaistore --json storage mountpath ls tXyz12345
    """
    cluster = app.client.cluster()
    if node is None:
        found = cluster.list_all_mountpaths()
    else:
        found = {node.node_id: cluster.list_mountpaths(node.node_id)}
    if app.as_json:
        print_json(app.out, {node_id: found[node_id].to_json() for node_id in sorted(found)})
        return
    records = [record for node_id in sorted(found) for record in _records(node_id, found[node_id])]
    caption = f"{len(records)} mountpath(s) on {len(found)} target(s)"
    print_records(app.out, _COLUMNS, records, caption=caption)


def _records(node_id: str, mountpaths: MountpathList) -> list[dict[str, Any]]:
    """One target's mountpaths as table rows, available ones first."""
    states = (
        ("available", mountpaths.available),
        ("waiting", mountpaths.waiting_dd),
        ("disabled", mountpaths.disabled),
    )
    return [{"node": node_id, "mountpath": path, "state": state} for state, paths in states for path in paths]


@mountpath.command("attach")
@click.argument("ref", metavar="NODE_ID=PATH", type=MOUNTPATH)
@click.option("--label", default="", help="A label for the mountpath.")
@click.pass_obj
def attach(app: CliContext, ref: MountpathRef, label: str) -> None:
    """Attach a directory of a target's host as a new mountpath (the directory must exist).

    \b
    Example:
      pyaistore storage mountpath attach tXyz12345=/data/disk3
    """
    app.client.cluster().attach_mountpath(ref.node.node_id, ref.path, label)
    app.out.print(f"attached {ref.path} to {ref.node}; resilvering", soft_wrap=True)


@mountpath.command("detach")
@click.argument("ref", metavar="NODE_ID=PATH", type=MOUNTPATH)
@click.option("--no-resilver", is_flag=True, help=_NO_RESILVER_HELP)
@click.pass_obj
def detach(app: CliContext, ref: MountpathRef, no_resilver: bool) -> None:
    """Detach a mountpath from a target (its files stay on disk).

    \b
    Example:
      pyaistore storage mountpath detach tXyz12345=/data/disk3
    """
    app.client.cluster().detach_mountpath(ref.node.node_id, ref.path, dont_resilver=no_resilver)
    app.out.print(
        f"detached {ref.path} from {ref.node}{'' if no_resilver else '; resilvering'}", soft_wrap=True
    )


@mountpath.command("enable")
@click.argument("ref", metavar="NODE_ID=PATH", type=MOUNTPATH)
@click.pass_obj
def enable(app: CliContext, ref: MountpathRef) -> None:
    """Use a disabled mountpath again.

    \b
    Example:
      pyaistore storage mountpath enable tXyz12345=/data/disk1
    """
    if app.client.cluster().enable_mountpath(ref.node.node_id, ref.path):
        app.out.print(f"enabled {ref.path} on {ref.node}; resilvering", soft_wrap=True)
    else:
        app.out.print(f"{ref.path} on {ref.node} is enabled already", soft_wrap=True)


@mountpath.command("disable")
@click.argument("ref", metavar="NODE_ID=PATH", type=MOUNTPATH)
@click.option("--no-resilver", is_flag=True, help=_NO_RESILVER_HELP)
@click.pass_obj
def disable(app: CliContext, ref: MountpathRef, no_resilver: bool) -> None:
    """Stop using a mountpath (it stays attached); objects on it are served from their mirror copies.

    \b
    Example:
      pyaistore storage mountpath disable tXyz12345=/data/disk1
    """
    if app.client.cluster().disable_mountpath(ref.node.node_id, ref.path, dont_resilver=no_resilver):
        suffix = "" if no_resilver else "; resilvering"
        app.out.print(f"disabled {ref.path} on {ref.node}{suffix}", soft_wrap=True)
    else:
        app.out.print(f"{ref.path} on {ref.node} is disabled already", soft_wrap=True)
