"""Extra HTTP worker processes for a target: the same object API on the same port.

One Python process tops out at one core. A target therefore runs `http_workers - 1` extra
processes that serve objects from the same disks, each listening on the public port with a socket
of its own (SO_REUSEPORT, as the main process's): the kernel hashes each new connection to one of
them, so a client pool opening many connections at once spreads evenly. (One shared socket gave
a burst to whichever process woke first, and the others stayed idle.)

The main process keeps the control port (join, keepalive, metasync, listing) and forwards every
newer smap and bucket table to the workers over a pipe each (and acknowledges the metasync only
once they say they applied them: `tables_applied`), and the routes (loopback endpoints)
of the ETL transform servers it runs, so inline ETL GETs work anywhere, every new mountpath state
(a snapshot the workers `apply`), and its config after a set-config. Workers never change disks
on their own: creating and destroying buckets and mountpath changes stay with the main process (a
worker relays a mountpath request, and a disk failure it meets, to the main process's control
port).
"""

import asyncio
import contextlib
import logging
import multiprocessing
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Final

from aiohttp import web

from pyaistore.auth.redirect_signature import RedirectVerifier
from pyaistore.backends.registry import BackendRegistry
from pyaistore.cluster import cluster_secret, config_settings, metasync, tls
from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.config import NodeConfig
from pyaistore.etl.registry import ROUTES_KEY, EtlDirectory
from pyaistore.monitoring import log_files
from pyaistore.monitoring.node_monitor import NodeMonitor
from pyaistore.node_context import NodeContext
from pyaistore.server import event_loop, public_port, target_store
from pyaistore.target import mountpath_ops
from pyaistore.web import app as web_app
from pyaistore.wire.messages import Snode

log = logging.getLogger(__name__)

# The key of a pipe message carrying a mountpath snapshot (MountpathSet.snapshot()).
MOUNTPATHS_KEY: Final = "mountpaths"
# The key of a pipe message carrying the main process's config values (config_settings.render).
CONFIG_KEY: Final = "node_config"
# The number every pipe message carries, which the worker sends back once it applied it.
SEQ_KEY: Final = "seq"
# How long a metasync waits for the workers to apply the new tables.
TABLES_TIMEOUT: Final = 5.0

_SPAWN = multiprocessing.get_context("spawn")


@dataclass
class _Worker:
    """One running worker: its process, its end of the pipe, the last message it said it applied."""

    proc: multiprocessing.process.BaseProcess
    conn: Connection
    applied: int = 0


class WorkerPool:
    """Starts, feeds, supervises and stops a target's extra HTTP workers."""

    def __init__(
        self,
        config: NodeConfig,
        node: Snode,
        listen: Callable[[], socket.socket],
        count: int,
        entry: Callable[..., None] | None = None,
    ) -> None:
        """`listen` binds a new listening socket on the public port (SO_REUSEPORT) for a worker;
        `entry` is what a worker process runs (worker_entry; a stand-in in tests)."""
        self._config = config
        self._node = node
        self._listen = listen
        self._count = count
        self._entry = entry or worker_entry
        self._workers: list[_Worker] = []
        self._sent = 0  # the number of the last message sent (every worker gets every message)
        self._tables = 0  # the number of the last cluster tables sent
        self._acks = asyncio.Event()
        self._latest: dict[str, Any] = {}
        self._latest_etls: dict[str, Any] = {}
        self._latest_mountpaths: dict[str, Any] = {}
        self._latest_config: dict[str, Any] = {}

    def start(self) -> None:
        """Spawn every worker (on the running event loop, which reads their acknowledgements)."""
        for index in range(self._count):
            self._workers.append(self._spawn(index))

    def _spawn(self, index: int) -> _Worker:
        """Start worker `index`; it counts requests in row index + 1 of the node's counter block."""
        conn, child = _SPAWN.Pipe(duplex=True)
        sock = self._listen()
        args = (self._config, self._node.to_json(), sock, child, index + 1)
        proc = _SPAWN.Process(target=self._entry, args=args, daemon=True)
        try:
            proc.start()
        finally:
            # The worker has its own copy now: one left open here would take connections unanswered.
            sock.close()
        child.close()
        worker = _Worker(proc, conn)
        for message in (self._latest, self._latest_etls, self._latest_mountpaths, self._latest_config):
            if message:
                with contextlib.suppress(OSError):
                    conn.send(message)
        asyncio.get_running_loop().add_reader(conn.fileno(), self._on_ack, worker)
        return worker

    def _send(self, message: dict[str, Any]) -> dict[str, Any]:
        """Number `message` and send it to every worker; returns it numbered (to resend at a restart)."""
        self._sent += 1
        message[SEQ_KEY] = self._sent
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.conn.send(message)
        return message

    def _on_ack(self, worker: _Worker) -> None:
        """A worker applied a message (its number comes back); a closed pipe: the worker is gone."""
        try:
            ack = worker.conn.recv()
        except (EOFError, OSError):
            with contextlib.suppress(ValueError, OSError):
                asyncio.get_running_loop().remove_reader(worker.conn.fileno())
            worker.applied = -1  # never again: supervise() restarts it
            self._acks.set()
            return
        worker.applied = max(worker.applied, int(ack.get(SEQ_KEY, 0)))
        self._acks.set()

    async def tables_applied(self, timeout: float = TABLES_TIMEOUT) -> None:
        """Return once every live worker has applied the cluster tables last sent (at most `timeout`).

        The target acknowledges a metasync only then, so a request that any of its processes
        serves after the primary's change returned sees the new tables (a PUT into a bucket just
        mirrored makes its copies). A worker that does not answer in time is logged, not waited for.
        """
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            # A worker that never answered yet is still starting: it applies everything sent so far
            # before it serves (see _serve_worker), so waiting for it would only slow the start.
            behind = [w for w in self._workers if 0 < w.applied < self._tables and w.proc.is_alive()]
            if not behind:
                return
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                log.warning(
                    "HTTP workers %s did not apply tables %d in time",
                    [w.proc.pid for w in behind],
                    self._tables,
                )
                return
            self._acks.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._acks.wait(), remaining)

    def broadcast(self, meta: ClusterMeta) -> None:
        """Send the newest tables to every worker (tables_applied waits for them)."""
        self._latest = self._send(metasync.payload(meta.smap, meta.buckets, rmd=meta.rmd))
        self._tables = self._sent

    def broadcast_etls(self, routes: list[dict[str, Any]]) -> None:
        """Send the routes of the ETLs running on this target to every worker."""
        self._latest_etls = self._send({ROUTES_KEY: routes})

    def broadcast_mountpaths(self, snapshot: dict[str, Any]) -> None:
        """Send this target's new mountpath state to every worker."""
        self._latest_mountpaths = self._send({MOUNTPATHS_KEY: snapshot})

    def broadcast_config(self, config: NodeConfig) -> None:
        """Send the main process's new config values (set-config) to every worker."""
        self._latest_config = self._send({CONFIG_KEY: config_settings.render(config)})

    async def supervise(self, interval: float = 1.0) -> None:
        """Restart a worker that died."""
        while True:
            await asyncio.sleep(interval)
            for index, worker in enumerate(self._workers):
                if not worker.proc.is_alive():
                    log.warning(
                        "HTTP worker %s exited (%s); restarting it", worker.proc.pid, worker.proc.exitcode
                    )
                    self._forget(worker)
                    self._workers[index] = self._spawn(index)

    def answering(self) -> int:
        """How many live workers have answered at least once (have started)."""
        return sum(1 for w in self._workers if w.applied > 0 and w.proc.is_alive())

    def pids(self) -> list[int]:
        """The workers' process IDs (for the node's CPU and memory metrics)."""
        return [worker.proc.pid for worker in self._workers if worker.proc.pid is not None]

    def stop(self) -> None:
        """Terminate and reap every worker."""
        for worker in self._workers:
            self._forget(worker)
            if worker.proc.is_alive():
                worker.proc.terminate()
        for worker in self._workers:
            worker.proc.join(timeout=10)
            if worker.proc.is_alive():
                worker.proc.kill()
                worker.proc.join()
        self._workers.clear()

    @staticmethod
    def _forget(worker: _Worker) -> None:
        """Stop reading the worker's pipe and close it."""
        if not worker.conn.closed:
            with contextlib.suppress(ValueError, OSError, RuntimeError):
                asyncio.get_running_loop().remove_reader(worker.conn.fileno())
            worker.conn.close()


def worker_entry(
    config: NodeConfig, node_json: dict[str, Any], sock: socket.socket, conn: Connection, row: int
) -> None:
    """Child process: serve the object API on its socket until terminated; count requests in `row`."""
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_files.install(config.data_dir, config.role, rotate=False, level=config.log_level)
    event_loop.run(_serve_worker(config, Snode.from_json(node_json), sock, conn, row), config.event_loop)


async def _serve_worker(
    config: NodeConfig, node: Snode, sock: socket.socket, conn: Connection, row: int
) -> None:
    peers = PeerClient(ssl_context=tls.client_context(config.tls_ca) if config.tls or config.tls_ca else None)
    ctx = NodeContext(config=config, node=node, meta=ClusterMeta(), peers=peers, http_worker=True)
    ctx.monitor = NodeMonitor.shared(config.data_dir, config.http_workers, row)
    if config.auth:
        # The redirect key only: a worker never holds the cluster secret (it refuses internal routes).
        ctx.redirects = RedirectVerifier(lambda: cluster_secret.load(config.data_dir))
    ctx.store = target_store.open_store(config, worker=True)
    ctx.slices = target_store.open_slices(config, ctx.store)
    ctx.backends = BackendRegistry()
    mountpath_ops.install(ctx)
    # ETL transform servers belong to the main process; workers reach them by their routes.
    directory = EtlDirectory(node.display_name)
    ctx.etls, ctx.etl_lookup = directory, directory.lookup
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_message() -> None:
        try:
            body = conn.recv()
        except (EOFError, OSError):
            stop.set()  # the main process is gone
            return
        seq = body.pop(SEQ_KEY, None)
        apply_message(body)
        if seq is not None:
            with contextlib.suppress(OSError):
                conn.send({SEQ_KEY: seq})  # applied: the main process may acknowledge its metasync

    def apply_message(body: dict[str, Any]) -> None:
        if ROUTES_KEY in body:
            directory.update(body[ROUTES_KEY])
        elif MOUNTPATHS_KEY in body:
            ctx.object_store.mountpaths.apply(body[MOUNTPATHS_KEY])
        elif CONFIG_KEY in body:
            ctx.config = config_settings.apply(ctx.base_config, body[CONFIG_KEY])
            log_files.set_level(ctx.config.log_level)
        else:
            ctx.meta.accept(*metasync.parse(body))
            ctx.meta.accept_rmd(metasync.parse_rmd(body))

    while conn.poll():  # everything sent before this worker serves is applied before it serves
        on_message()
    loop.add_reader(conn.fileno(), on_message)
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    async def start(node_ctx: NodeContext) -> None:
        await node_ctx.peers.start()

    async def close(node_ctx: NodeContext) -> None:
        await node_ctx.peers.close()

    runner = web.AppRunner(web_app.build(ctx, start, close), access_log=None, handle_signals=False)
    await runner.setup()
    sock.setblocking(False)
    server_tls = tls.server_context(config.tls_cert, config.tls_key) if config.tls else None
    stop_public = await public_port.serve_public(runner, sock, ctx, server_tls)
    try:
        await stop.wait()
    finally:
        loop.remove_reader(conn.fileno())
        await stop_public()
        await runner.cleanup()
        await asyncio.to_thread(ctx.object_store.close)  # retire this process's journals
