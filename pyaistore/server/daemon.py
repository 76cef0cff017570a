"""Run one proxy or target: `python -m pyaistore.server.daemon --role target --data DIR ...`."""

import argparse
import asyncio
import functools
import logging
import os
import signal
import socket
import ssl
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Final

from aiohttp import web

from pyaistore.auth.redirect_signature import RedirectVerifier
from pyaistore.auth.revoked_tokens import RevokedTokens
from pyaistore.auth.tokens import TokenVerifier
from pyaistore.backends.registry import BackendRegistry
from pyaistore.cluster import cluster_secret, tls
from pyaistore.cluster import node as node_identity
from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.config_table import OVERRIDE_FILE, ConfigTable
from pyaistore.cluster.errors import ClusterMismatch
from pyaistore.cluster.membership import Membership
from pyaistore.cluster.meta_owner import MetaOwner
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.cluster.target_agent import TargetAgent
from pyaistore.config import PROXY, TARGET, NodeConfig, with_environment
from pyaistore.etl.registry import EtlRegistry
from pyaistore.job_kinds import registry as job_kinds
from pyaistore.jobs.registry import JobRegistry
from pyaistore.monitoring import log_files
from pyaistore.monitoring.node_monitor import NodeMonitor
from pyaistore.monitoring.request_counters import KEEPALIVE_ERROR
from pyaistore.node_context import NodeContext
from pyaistore.proxy import node_lifecycle
from pyaistore.proxy import rebalance as rebalancing
from pyaistore.s3 import handlers as s3_handlers
from pyaistore.server import event_loop, exit_status, lifeline, public_port, target_store
from pyaistore.server.http_workers import WorkerPool
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.target import bucket_sync, mountpath_ops, multipart_upload
from pyaistore.web import app as web_app

log = logging.getLogger("pyaistore.daemon")

# After the launcher is gone, a node that has not stopped cleanly by then exits anyway.
ORPHAN_EXIT_DEADLINE: Final = 5.0


class CannotListen(Exception):
    """The node's port cannot be bound (another process holds it, or the address is not local)."""


def bind(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """Bind the listening socket first, so that port 0 resolves before the node advertises itself.

    `reuse_port`: other sockets may listen on the same port (a target's HTTP workers, each its own
    socket, among which the kernel spreads new connections evenly).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CannotListen(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def build_context(config: NodeConfig, port: int, control_port: int = 0) -> NodeContext:
    """Identity, cluster view, store and peers for this node (blocking start-up work)."""
    node_id = node_identity.load_or_create_id(config.data_dir, config.role)
    snode = node_identity.make_snode(node_id, config.role, config.host, port, control_port, config.scheme)
    meta = ClusterMeta()
    ctx = NodeContext(
        config=config,
        node=snode,
        meta=meta,
        peers=PeerClient(ssl_context=peer_tls(config)),
        jobs=JobRegistry(idle_linger_s=config.job_idle_linger),
    )
    # The primary creates the cluster secret on its first start; other nodes get it when they join.
    secret_of = cluster_secret.load_or_create if config.is_primary else cluster_secret.load
    ctx.peer_api.cluster_secret = secret_of(config.data_dir)
    if config.auth:
        ctx.redirects = RedirectVerifier(lambda: ctx.peer_api.cluster_secret)
        if config.role == PROXY:
            ctx.tokens = TokenVerifier(config.auth_secret, RevokedTokens(config.data_dir))
    if config.role == TARGET:
        store = target_store.open_store(config)
        restored = store.recover_journals()  # before any worker writes a journal of its own
        if restored:
            log.warning("restored %d objects from the write journals after a reboot", restored)
        removed = store.cleanup_work()
        if removed:
            log.info("removed %d leftover work files", removed)
        ctx.store = store
        ctx.slices = target_store.open_slices(config, store)
        ctx.backends = BackendRegistry()
        meta.buckets = BucketTable.load(config.data_dir / bucket_sync.BMD_FILE)
        registry = EtlRegistry(config.data_dir, snode.display_name, snode.public_net.url)
        ctx.etls = registry
        ctx.etl_lookup = registry.lookup
        ctx.etl_listeners.append(registry.reconcile)
        mountpath_ops.install(ctx)
    elif config.is_primary:
        ctx.owner = MetaOwner(config.data_dir, meta, ctx.peer_api, snode)
        ctx.membership = Membership(
            ctx.owner,
            ctx.peer_api,
            config.keepalive_interval,
            config.keepalive_timeout,
            config.startup_grace_seconds,
            open_join=config.open_join and not config.auth,
        )
        triggers = rebalancing.Triggers(ctx)
        ctx.membership.on_ready = functools.partial(_on_ready, ctx, triggers)
        ctx.membership.on_join = triggers.on_join
        ctx.membership.on_keepalive_error = _keepalive_errors(ctx)
        ctx.rebalance_listeners.append(functools.partial(node_lifecycle.settle, ctx))
    # Values set at run time: the cluster's (the primary's table; others get it when they join),
    # then this node's own, persisted by an earlier set-config.
    ctx.config_overrides = ConfigTable.load(config.data_dir / OVERRIDE_FILE)
    ctx.config_listeners.append(_apply_log_level)
    ctx.reload_config()
    return ctx


def peer_tls(config: NodeConfig) -> ssl.SSLContext | None:
    """The context node-to-node calls verify certificates with (None: plain HTTP, or the system's)."""
    return tls.client_context(config.tls_ca) if config.tls or config.tls_ca else None


def listener_tls(config: NodeConfig) -> ssl.SSLContext | None:
    """The context every listener of the node serves with (None without a certificate)."""
    return tls.server_context(config.tls_cert, config.tls_key) if config.tls else None


def _keepalive_errors(ctx: NodeContext) -> Callable[..., None]:
    """Counts keepalive failures in `err_kalive_count` (of the monitor in place when they happen)."""

    def count(failures: int = 1) -> None:
        ctx.monitor.counters.add(KEEPALIVE_ERROR, failures)

    return count


def _apply_log_level(config: NodeConfig) -> None:
    log_files.set_level(config.log_level)


async def _on_ready(
    ctx: NodeContext, triggers: rebalancing.Triggers, persisted: frozenset[str], current: frozenset[str]
) -> None:
    """The primary's last startup step: recover the jobs that were running, then rebalance if due
    (after the recovery, which records an interrupted rebalance as incomplete)."""
    try:
        await job_kinds.recover_jobs(ctx)
    except Exception:
        log.exception("recovering the jobs of the previous run failed")
    await triggers.on_ready(persisted, current)


async def on_start(ctx: NodeContext, on_fatal: Callable[[BaseException], None]) -> None:
    """Open peers; the primary starts up and watches targets, other nodes start joining.

    A join that can never succeed (the primary belongs to another cluster) ends in `on_fatal`.
    """
    await ctx.peers.start()
    tasks: set[asyncio.Task[None]] = set()
    if ctx.store is not None:
        tasks.add(asyncio.create_task(mountpath_ops.watch(ctx, ctx.config.disk_check_interval)))
        sweep = multipart_upload.sweep_forever(
            ctx, ctx.config.multipart_sweep_interval, ctx.config.multipart_idle_expiry
        )
        tasks.add(asyncio.create_task(sweep))
    if ctx.membership is not None:
        watcher = asyncio.create_task(ctx.membership.run())
        watcher.add_done_callback(functools.partial(_must_not_end, on_fatal=on_fatal))
        tasks.add(watcher)
    elif ctx.config.primary_url:

        async def on_meta(smap: object, buckets: object, etls: object, rmd: object, config: object) -> None:
            await bucket_sync.accept(ctx, smap, buckets, etls, rmd, config)  # type: ignore[arg-type]

        ctx.agent = TargetAgent(
            ctx.peer_api,
            ctx.config.primary_url.rstrip("/"),
            ctx.node,
            lambda: (ctx.meta.smap, ctx.meta.buckets, ctx.meta.etls, ctx.meta.rmd, ctx.meta.config),
            on_meta,
            ctx.config.keepalive_interval,
            ctx.config.data_dir,
            on_keepalive_error=_keepalive_errors(ctx),
        )
        agent = asyncio.create_task(ctx.agent.run())
        agent.add_done_callback(functools.partial(_must_not_end, on_fatal=on_fatal))
        tasks.add(agent)
    ctx.background |= tasks


def _must_not_end(task: asyncio.Task[None], on_fatal: Callable[[BaseException], None]) -> None:
    """Membership loops end only by cancellation (stop) or by an error the node cannot survive."""
    if not task.cancelled():
        error = task.exception()
        on_fatal(error if error is not None else RuntimeError("the membership loop ended"))


async def on_stop(ctx: NodeContext) -> None:
    """Cancel background work and close peers."""
    if isinstance(ctx.etls, EtlRegistry):
        await ctx.etls.stop_all()
    for task in ctx.background:
        task.cancel()
    # A task that failed has reported its error already (see _must_not_end).
    await asyncio.gather(*ctx.background, return_exceptions=True)
    await ctx.peers.close()
    if ctx.backends is not None:
        ctx.backends.close()
    if ctx.store is not None:
        await asyncio.to_thread(ctx.store.close)  # retire this process's journals


async def serve(config: NodeConfig, lifeline_fd: int = -1) -> None:
    """Run until SIGTERM or SIGINT, or until the launcher holding `lifeline_fd` is gone.

    Raises CannotListen, or ClusterMismatch when this node belongs to another cluster.
    """
    stop = asyncio.Event()
    fatal: list[BaseException] = []

    def on_fatal(exc: BaseException) -> None:
        fatal.append(exc)
        stop.set()

    if lifeline_fd >= 0:
        lifeline.watch(lifeline_fd, functools.partial(_orphaned, stop))
    workers = config.role == TARGET and config.http_workers > 1
    sock = bind(config.host, config.port, reuse_port=workers)
    port = sock.getsockname()[1]
    # With extra HTTP workers, node-to-node traffic gets a port of its own, served only here.
    control = bind(config.host, 0) if workers else None
    control_port = control.getsockname()[1] if control else 0
    ctx = await asyncio.to_thread(build_context, config, port, control_port)
    ctx.stop_requested = stop
    pool = None
    if control is not None:
        # Every process of the target counts its requests in its row of one shared block.
        ctx.monitor = NodeMonitor.shared(config.data_dir, config.http_workers, 0)
        listen = functools.partial(bind, config.host, port, reuse_port=True)
        pool = WorkerPool(config, ctx.node, listen, config.http_workers - 1)
        ctx.monitor.worker_pids = pool.pids
        pool.start()
        ctx.meta_listeners.append(pool.broadcast)
        ctx.meta_applied.append(pool.tables_applied)
        ctx.mountpath_listeners.append(pool.broadcast_mountpaths)
        ctx.config_listeners.append(pool.broadcast_config)
        pool.broadcast_config(ctx.config)
        if isinstance(ctx.etls, EtlRegistry):
            ctx.etls.on_routes.append(pool.broadcast_etls)
        ctx.background.add(asyncio.create_task(pool.supervise()))
    app = web_app.build(ctx, functools.partial(on_start, on_fatal=on_fatal), on_stop)
    if config.role == PROXY:
        s3_handlers.install(app, ctx)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    server_tls = listener_tls(config)
    stop_public = await public_port.serve_public(runner, sock, ctx, server_tls)
    if control is not None:
        await web.SockSite(runner, control, ssl_context=server_tls).start()
    log.info("%s %s listening on %s", config.role, ctx.node.display_name, ctx.node.public_net.url)
    print(f"{config.role} {ctx.node.display_name} listening on {ctx.node.public_net.url}", flush=True)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        if pool is not None:
            await asyncio.to_thread(pool.stop)
        await stop_public()
        await runner.cleanup()
    if fatal:
        raise fatal[0]


def _orphaned(stop: asyncio.Event) -> None:
    """The launcher died: stop now, and exit hard if a clean stop takes too long."""
    log.warning("the process that started this node is gone: stopping")
    timer = threading.Timer(ORPHAN_EXIT_DEADLINE, os._exit, (1,))
    timer.daemon = True
    timer.start()
    stop.set()


def parse_args(argv: list[str] | None = None) -> tuple[NodeConfig, int]:
    """Command-line flags -> NodeConfig (environment variables fill in what flags leave out), and
    the launcher's lifeline fd (-1: none)."""
    parser = argparse.ArgumentParser(prog="pyaistore-daemon", description="Run one pyaistore node.")
    parser.add_argument("--role", choices=(PROXY, TARGET), required=True)
    parser.add_argument("--data", type=Path, required=True, help="data directory of this node")
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--primary", default="", help="URL of the primary proxy (empty: be the primary)")
    parser.add_argument(
        "--mountpath", action="append", type=Path, default=[], help="a target disk (repeatable)"
    )
    parser.add_argument(
        "--no-fsync",
        action="store_true",
        help="acknowledge writes before they reach stable storage (default: durable first, the"
        " flushes shared by concurrent writes)",
    )
    parser.add_argument("--http-workers", type=int, default=1, help="target processes serving the object API")
    parser.add_argument(
        "--s3-at-root", action="store_true", help="serve the S3 API at the root too, besides /s3 (proxy)"
    )
    parser.add_argument("--s3-access-key", default="", help="S3 key pair checked on every S3 request (proxy)")
    parser.add_argument(
        "--s3-secret-key", default="", help="(better: PYAISTORE_S3_SECRET_KEY, out of the process list)"
    )
    parser.add_argument(
        "--auth",
        action="store_true",
        help="client auth: tokens on proxies, proxy-signed requests on targets (every node); the proxy "
        "verifies tokens with PYAISTORE_AUTH_SECRET",
    )
    parser.add_argument("--tls-cert", default="", help="serve HTTPS with this PEM certificate (chain)")
    parser.add_argument("--tls-key", default="", help="the certificate's PEM key")
    parser.add_argument("--tls-ca", default="", help="CA bundle other nodes' certificates are verified with")
    parser.add_argument(
        lifeline.FLAG, type=int, default=-1, help="stop when this inherited pipe closes (the launcher died)"
    )
    args = parser.parse_args(argv)
    if args.role == TARGET and not args.primary:
        parser.error("a target needs --primary")
    config = with_environment(
        NodeConfig(
            role=args.role,
            data_dir=args.data,
            port=args.port,
            primary_url=args.primary,
            mountpaths=tuple(args.mountpath),
            http_workers=max(1, args.http_workers),
        )
    )
    changes: dict[str, object] = {}
    if args.host:
        changes["host"] = args.host
    if args.no_fsync:
        changes["fsync"] = False
    if args.s3_at_root:
        changes["s3_at_root"] = True
    if args.s3_access_key:
        changes["s3_access_key"] = args.s3_access_key
    if args.s3_secret_key:
        changes["s3_secret_key"] = args.s3_secret_key
    if args.auth:
        changes["auth"] = True
    for name in ("tls_cert", "tls_key", "tls_ca"):
        if getattr(args, name):
            changes[name] = getattr(args, name)
    config = replace(config, **changes) if changes else config  # type: ignore[arg-type]
    return config, args.lifeline_fd


def main(argv: list[str] | None = None) -> None:
    """Entry point; exit status as in server/exit_status.py."""
    config, lifeline_fd = parse_args(argv)
    if config.auth and config.role == PROXY and not config.auth_secret:
        print(
            "error: a proxy with --auth needs PYAISTORE_AUTH_SECRET (the AuthN signing secret)",
            file=sys.stderr,
        )
        sys.exit(exit_status.CANNOT_RUN)
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_files.install(config.data_dir, config.role, rotate=True, level=config.log_level)
    try:
        event_loop.run(serve(config, lifeline_fd), config.event_loop)
    except (CannotListen, ClusterMismatch) as exc:
        log.error("this %s cannot run: %s", config.role, exc)
        message = f"error: {config.role} with data {config.data_dir} cannot run: {exc}"
        print(message, file=sys.stderr, flush=True)
        sys.exit(exit_status.CANNOT_RUN)


if __name__ == "__main__":
    main()
