"""The `pyaistore` command: groups, global options and error display."""

import click

from pyaistore import __version__
from pyaistore.cli import serve_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pyaistore")
def cli() -> None:
    """pyaistore: an AIStore-compatible object store for AI data.

    Start a local cluster with `pyaistore serve`, then point clients at the printed endpoint.
    """


cli.add_command(serve_cmd.serve)
cli.add_command(serve_cmd.daemon)


def main() -> None:
    """Console-script entry point."""
    cli()
