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
@click.option("--s3-at-root", is_flag=True, help="Serve the S3 API at the root too (it is always under /s3).")
@click.option(
    "--s3-access-key",
    envvar="PYAISTORE_S3_ACCESS_KEY",
    default="",
    help="S3 key pair: with it, every S3 request must be SigV4-signed by it [env PYAISTORE_S3_ACCESS_KEY].",
)
@click.option(
    "--s3-secret-key", envvar="PYAISTORE_S3_SECRET_KEY", default="", help="[env PYAISTORE_S3_SECRET_KEY]"
)
@click.option(
    "--auth", is_flag=True, help="Run the AuthN service beside the cluster: every request needs a token."
)
@click.option(
    "--authn-port", type=int, default=52001, show_default=True, help="AuthN port (0 picks a free one)."
)
@click.option("--tls", is_flag=True, help="HTTPS on every listener (a self-signed pair unless --cert/--key).")
@click.option("--cert", default="", help="PEM certificate for every listener (implies --tls).")
@click.option("--key", default="", help="PEM key of --cert.")
def serve(
    data: Path | None,
    port: int,
    targets: int,
    mountpaths: int,
    no_fsync: bool,
    s3_at_root: bool,
    s3_access_key: str,
    s3_secret_key: str,
    auth: bool,
    authn_port: int,
    tls: bool,
    cert: str,
    key: str,
) -> None:
    """Start a local cluster (1 proxy + N targets) on loopback; Ctrl-C stops it."""
    _require_server()
    from pyaistore.server import local_cluster

    if targets < 1:
        raise click.BadParameter("at least one target is needed", param_hint="--targets")
    if bool(s3_access_key) != bool(s3_secret_key):
        raise click.BadParameter(
            "give both the S3 access key and the secret key", param_hint="--s3-secret-key"
        )
    keys = (s3_access_key, s3_secret_key) if s3_access_key else None
    data_dir = data or local_cluster.default_data_dir()
    if bool(cert) != bool(key):
        raise click.BadParameter("give both --cert and --key", param_hint="--key")
    security = {"auth": auth, "tls": tls, "cert": cert, "key": key, "authn_port": authn_port}
    sys.exit(local_cluster.run(data_dir, port, targets, mountpaths, not no_fsync, s3_at_root, keys, security))


@click.command("daemon", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def daemon(args: tuple[str, ...]) -> None:
    """Run one node: `pyaistore daemon --role proxy|target --data DIR [--primary URL] ...`."""
    _require_server()
    from pyaistore.server import daemon as node_daemon

    node_daemon.main(list(args))


@click.command("authn", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def authn(args: tuple[str, ...]) -> None:
    """Run the AuthN service: `pyaistore authn --data DIR [--port 52001] [--tls-cert C --tls-key K]`."""
    _require_server()
    from pyaistore.server import authn_daemon

    authn_daemon.main(list(args))
