"""The `pyaistore` command: groups, global options and error display."""

import logging

import click

from pyaistore import __version__
from pyaistore.cli import (
    completion,
    config_cmds,
    log_cmds,
    object_cmds,
    object_edit_cmds,
    remote_cmds,
    serve_cmd,
    shortcut_cmds,
)
from pyaistore.cli.archive_cmds import archive
from pyaistore.cli.auth_cmds import auth
from pyaistore.cli.bucket_cmds import bucket
from pyaistore.cli.cluster_cmds import cluster
from pyaistore.cli.context import DEFAULT_ENDPOINT, CliContext
from pyaistore.cli.errors import SdkGroup
from pyaistore.cli.etl_cmds import etl
from pyaistore.cli.job_cmds import job
from pyaistore.cli.object_cmds import object_group
from pyaistore.cli.storage_cmds import storage
from pyaistore.sdk import const


@click.group(cls=SdkGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pyaistore")
@click.option(
    "-e",
    "--endpoint",
    envvar=const.AIS_ENDPOINT,
    default=DEFAULT_ENDPOINT,
    show_default=True,
    show_envvar=True,
    help="URL of the cluster's proxy.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print data (listings, properties) as JSON, not tables."
)
@click.pass_context
def cli(ctx: click.Context, endpoint: str, as_json: bool) -> None:
    """pyaistore: an AIStore-compatible object store for AI data.

    Start a local cluster with `pyaistore serve`, then point clients at the printed endpoint.
    Buckets are `NAME` or `ais://NAME`; objects are `BUCKET/NAME` or `ais://BUCKET/NAME`.

    \b
    Example:
      pyaistore serve --port 8080 &
      pyaistore cluster show
      pyaistore bucket create photos
      pyaistore object put -r ./pictures ais://photos/
      pyaistore ls photos
      pyaistore get ais://photos/ ./copy
      pyaistore bucket cp ais://photos ais://photos-backup
      pyaistore job ls
    """
    ctx.obj = app = CliContext(endpoint, as_json)
    ctx.call_on_close(app.close)


cli.add_command(cluster)
cli.add_command(bucket)
cli.add_command(object_group)
cli.add_command(archive)
cli.add_command(job)
cli.add_command(etl)
cli.add_command(storage)
cli.add_command(log_cmds.logs)
cli.add_command(config_cmds.config)
cli.add_command(completion.completion)
# Shortcuts, as `ais` has them: `ls`, and `get`/`put` (the same commands as `object get|put`).
cli.add_command(shortcut_cmds.list_anything)
cli.add_command(object_cmds.get, "get")
cli.add_command(object_cmds.put, "put")
object_group.add_command(object_edit_cmds.copy)
object_group.add_command(object_edit_cmds.move)
object_group.add_command(object_edit_cmds.set_custom)
object_group.add_command(object_edit_cmds.promote)
cli.add_command(serve_cmd.serve)
cli.add_command(serve_cmd.daemon)
object_group.add_command(remote_cmds.prefetch)
object_group.add_command(remote_cmds.evict)
bucket.add_command(remote_cmds.bucket_evict)
cluster.add_command(remote_cmds.remote)
cli.add_command(serve_cmd.authn)
cli.add_command(auth)


def main() -> None:
    """Console-script entry point."""
    # The SDK logs each network retry as a warning; a person gets the final one-line error instead.
    logging.basicConfig(level=logging.ERROR, format="%(name)s: %(message)s")
    cli(prog_name="pyaistore")
