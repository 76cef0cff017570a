"""`pyaistore serve|proxy|target`: imports the server lazily, with a clear message if it is absent."""

import os
import sys
from pathlib import Path

import click

MISSING_SERVER = (
    "the pyaistore server is not installed: run `pip install 'pyaistore[server]'` "
    "(or `make install` in a checkout)"
)


def _require_server() -> None:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        raise click.ClickException(MISSING_SERVER) from None


@click.command("serve")
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=None,
    help="Data directory (default: $PYAISTORE_DATA or ~/.local/share/pyaistore).",
)
@click.option("--port", type=int, default=8080, show_default=True, help="Proxy port; 0 picks a free one.")
@click.option("--targets", type=int, default=os.cpu_count() or 1, show_default=True, help="Storage targets.")
@click.option("--mountpaths", type=int, default=1, show_default=True, help="Disks (directories) per target.")
@click.option("--no-fsync", is_flag=True, help="Acknowledge writes before they reach stable storage.")
def serve(data: Path | None, port: int, targets: int, mountpaths: int, no_fsync: bool) -> None:
    """Start a local cluster (1 proxy + N targets) on loopback; Ctrl-C stops it."""
    _require_server()
    from pyaistore.server import local_cluster

    if targets < 1:
        raise click.BadParameter("at least one target is needed", param_hint="--targets")
    sys.exit(
        local_cluster.run(data or local_cluster.default_data_dir(), port, targets, mountpaths, not no_fsync)
    )


@click.command("daemon", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def daemon(args: tuple[str, ...]) -> None:
    """Run one node: `pyaistore daemon --role proxy|target --data DIR [--primary URL] ...`."""
    _require_server()
    from pyaistore.server import daemon as node_daemon

    node_daemon.main(list(args))
