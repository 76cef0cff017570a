"""`pyaistore logs NODE`: a node's log through the proxy (AIS's what=log), or all its files as .tar.gz."""

from pathlib import Path

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkCommand
from pyaistore.cli.refs import NODE, NodeRef
from pyaistore.sdk.enums import LogSeverity

__all__ = ["logs"]


@click.command("logs", cls=SdkCommand)
@click.argument("node", type=NODE)
@click.option(
    "-s",
    "--severity",
    type=click.Choice([severity.value for severity in LogSeverity]),
    default=LogSeverity.INFO.value,
    show_default=True,
    help="info: every record; warning or error: warnings and errors only.",
)
@click.option("--offset", type=click.IntRange(0), default=0, help="Start at this byte of the current file.")
@click.option(
    "--all",
    "archive",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Save every file of that severity (rotated ones too) as a .tar.gz to FILE.",
)
@click.pass_obj
def logs(app: CliContext, node: NodeRef, severity: str, offset: int, archive: Path | None) -> None:
    """Print NODE's current log (a node ID, or t[ID] / p[ID] as `cluster show` prints them).

    \b
    Example:
      pyaistore logs tA1b2C3d4
      pyaistore logs tA1b2C3d4 --severity error
      pyaistore logs p[pX9y8Z7w] --all proxy-logs.tar.gz
    """
    cluster = app.client.cluster()
    level = LogSeverity(severity)
    text_id = node.node_id
    if len(text_id) > 3 and text_id[1] == "[" and text_id.endswith("]"):
        node = NodeRef(text_id[2:-1])
    if archive is not None:
        data = cluster.get_node_log_archive(node.node_id, level)
        archive.write_bytes(data)
        app.err.print(f"saved {len(data):,} bytes of {node}'s {severity} logs to {archive}")
        return
    if offset:
        click.echo(cluster.get_node_log_from(node.node_id, offset, level), nl=False)
    else:
        click.echo(cluster.get_node_log(node.node_id, level), nl=False)
