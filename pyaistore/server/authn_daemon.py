"""Run the AuthN service: `pyaistore authn --data DIR [--port 52001]` (AIS's `authn`).

First start: the built-in Admin role and the administrator (`AIS_AUTHN_SU_NAME`, default
admin) with the password in `AIS_AUTHN_SU_PASS`, or a random one printed once. The token
signing secret is `PYAISTORE_AUTH_SECRET` (or `AIS_AUTHN_SECRET_KEY`) when set, else one made and
kept in the state; every proxy of a registered cluster must verify with the same secret.
"""

import argparse
import asyncio
import logging
import os
import secrets
import signal
import sys
from pathlib import Path
from typing import Final

from aiohttp import web

from pyaistore.authn import app as authn_app
from pyaistore.authn.service import Service
from pyaistore.authn.state import State
from pyaistore.cluster import tls
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.server import daemon, lifeline
from pyaistore.wire import authn

__all__ = ["SECRET_ENV", "main", "serve"]

SECRET_ENV: Final = "PYAISTORE_AUTH_SECRET"
_AIS_SECRET_ENV: Final = "AIS_AUTHN_SECRET_KEY"

log = logging.getLogger("pyaistore.authn")


def _first_admin(service: Service) -> None:
    """Create the administrator on a new state (printing a generated password once)."""
    if not service.state.is_new:
        return
    name = os.environ.get(authn.ENV_ADMIN_NAME) or authn.ADMIN_USER
    password = os.environ.get(authn.ENV_ADMIN_PASS, "")
    if not password:
        password = secrets.token_urlsafe(12)
        print(f"AuthN administrator: user {name!r}, password {password!r} (shown once)", flush=True)
    service.ensure_admin(name, password)


async def serve(args: argparse.Namespace) -> None:
    """Run until SIGTERM/SIGINT (or the launcher's lifeline closes)."""
    stop = asyncio.Event()
    if args.lifeline_fd >= 0:
        lifeline.watch(args.lifeline_fd, stop.set)
    state = State(args.data)
    secret = state.ensure_secret(os.environ.get(SECRET_ENV) or os.environ.get(_AIS_SECRET_ENV, ""))
    sock = daemon.bind(args.host, args.port)
    scheme = "https" if args.tls_cert else "http"
    url = f"{scheme}://{args.host}:{sock.getsockname()[1]}"
    service = Service(state, secret, issuer=url)
    await asyncio.to_thread(_first_admin, service)
    peers = PeerClient(ssl_context=tls.client_context(args.tls_ca) if args.tls_ca or args.tls_cert else None)
    runner = web.AppRunner(authn_app.build(service, peers), access_log=None, handle_signals=False)
    await runner.setup()
    server_tls = tls.server_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    await web.SockSite(runner, sock, ssl_context=server_tls).start()
    print(f"authn listening on {url}", flush=True)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags (environment: PYAISTORE_TLS_CERT/KEY/CA fill in the TLS ones)."""
    parser = argparse.ArgumentParser(prog="pyaistore authn", description="Run the AuthN service.")
    parser.add_argument("--data", type=Path, required=True, help="directory of the service's state")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=authn.DEFAULT_PORT, help="0 picks a free port")
    parser.add_argument("--tls-cert", default=os.environ.get("PYAISTORE_TLS_CERT", ""))
    parser.add_argument("--tls-key", default=os.environ.get("PYAISTORE_TLS_KEY", ""))
    parser.add_argument(
        "--tls-ca",
        default=os.environ.get("PYAISTORE_TLS_CA", ""),
        help="CA bundle clusters are verified with",
    )
    parser.add_argument(lifeline.FLAG, type=int, default=-1, dest="lifeline_fd", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(args))
    except daemon.CannotListen as exc:
        print(f"error: authn cannot run: {exc}", file=sys.stderr, flush=True)
        sys.exit(78)


if __name__ == "__main__":
    main()
