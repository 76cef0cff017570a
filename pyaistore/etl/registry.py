"""The ETLs of one target: which run here, their transform servers, stats and errors.

EtlDirectory is what every process of a target has: the routes (ready endpoints) of the
ETLs running on it, from which it makes Transformers. The main target process holds an
EtlRegistry, which also owns the child processes: it starts and stops them when told to
(init, start, stop) and reconciles with the cluster's ETL table (after a restart it starts
again every ETL the table says is Running). Every change of routes is handed to
`on_routes` listeners, which forward them to the HTTP worker processes.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pyaistore.cluster.etl_table import EtlTable
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.etl import dependencies
from pyaistore.etl import spec as etl_spec
from pyaistore.etl.errors import EtlInitFailed, EtlNotFound
from pyaistore.etl.transform import EtlRoute, EtlStats, Transformer
from pyaistore.etl.worker_pool import WorkerPool
from pyaistore.etl.ws_sockets import SocketPool
from pyaistore.wire import etl as wire_etl
from pyaistore.wire import paths
from pyaistore.wire.etl import EtlInfo, ObjError

__all__ = ["EtlDirectory", "EtlRegistry"]

log = logging.getLogger(__name__)

SECRET_KEY: Final = "secret"
ROUTES_KEY: Final = "etl_routes"


class EtlDirectory:
    """Routes to the ETLs running on this target, as known by this process."""

    def __init__(self, node_name: str) -> None:
        # A client of its own: it never resends a request (a resent transform may crash twice).
        self._peers = PeerClient(retry_idempotent=False)
        # Websockets to ws:// ETLs' transform servers, reused between objects.
        self._sockets = SocketPool(self._peers)
        self._node_name = node_name
        self._routes: dict[str, EtlRoute] = {}
        self._secrets: dict[str, str] = {}

    def update(self, routes: list[dict[str, Any]]) -> None:
        """Replace the routes (HTTP workers get them from the main process)."""
        self._routes = {item["name"]: EtlRoute.from_json(item) for item in routes}
        self._secrets = {item["name"]: str(item.get(SECRET_KEY, "")) for item in routes}

    def find(self, name: str, job_id: str = "") -> Transformer | None:
        """A transformer for a running ETL (for offline job `job_id`, if given), or None."""
        route = self._routes.get(name)
        if route is None:
            return None
        return Transformer(route, self._peers, self._node_name, sockets=self._sockets, job_id=job_id)

    def lookup(self, name: str, job_id: str = "") -> Transformer:
        """A transformer for a running ETL (for offline job `job_id`, if given); EtlNotFound (AIS's
        "ETL <name> doesn't exist") otherwise."""
        found = self.find(name, job_id)
        if found is None:
            raise EtlNotFound(f"ETL {name} doesn't exist")
        return found

    def secret_ok(self, name: str, secret: str) -> bool:
        """True when `secret` authorises callbacks from ETL `name`'s transform servers."""
        expected = self._secrets.get(name, "")
        return bool(expected) and secret == expected


@dataclass
class _Running:
    """One ETL on this target."""

    spec: etl_spec.EtlSpec
    pool: WorkerPool
    xaction_id: str
    secret: str
    stats: EtlStats


class EtlRegistry(EtlDirectory):
    """The main target process's ETLs: child processes, stats, errors and reconciliation."""

    def __init__(self, data_dir: Path, node_name: str, target_url: str) -> None:
        super().__init__(node_name)
        self._root = data_dir / "etl"
        self._target_url = target_url
        self._running: dict[str, _Running] = {}
        self._starting: dict[str, asyncio.Task[None]] = {}
        self._venv_locks: dict[str, asyncio.Lock] = {}
        self._lock = asyncio.Lock()
        self.on_routes: list[Callable[[list[dict[str, Any]]], None]] = []

    async def start(self, init_msg: Mapping[str, Any], xaction_id: str, secret: str) -> None:
        """Start an ETL's transform servers and wait until they answer (EtlInitFailed otherwise)."""
        spec = etl_spec.parse(init_msg)
        await self._peers.ensure_started()
        async with self._lock:
            if spec.name in self._running:
                await self._stop_locked(spec.name)
            who = f"ETL {spec.name} on {self._node_name}"
            await asyncio.to_thread(dependencies.check_os_packages, spec.os_packages, who)
            async with self._venv_locks.setdefault(spec.dependencies_key, asyncio.Lock()):
                python = await asyncio.to_thread(
                    dependencies.interpreter_for,
                    self._root / "venvs",
                    spec.dependencies_key,
                    spec.dependencies,
                    spec.init_timeout,
                    who,
                )
            pool = WorkerPool(
                spec,
                python,
                self._root / "run" / spec.name,
                self._child_env(spec, secret),
                self._peers,
                self._sockets,
            )
            try:
                await pool.start()
            except EtlInitFailed as exc:
                raise EtlInitFailed(f"{who} failed to start: {exc.message}") from exc
            pool.on_change = self._publish
            self._running[spec.name] = _Running(spec, pool, xaction_id, secret, EtlStats())
        log.info("ETL %s running (%s, %d transform servers)", spec.name, spec.comm, spec.workers)
        self._publish()

    async def stop(self, name: str) -> bool:
        """Stop an ETL's transform servers; False when it was not running here."""
        task = self._starting.pop(name, None)
        if task is not None:
            task.cancel()
        async with self._lock:
            found = await self._stop_locked(name)
        self._publish()
        return found

    async def stop_all(self) -> None:
        """Stop every ETL (the target is shutting down)."""
        for name in list(self._starting) + list(self._running):
            await self.stop(name)
        await self._sockets.close()
        await self._peers.close()

    async def _stop_locked(self, name: str) -> bool:
        running = self._running.pop(name, None)
        if running is None:
            return False
        await running.pool.stop()
        log.info("ETL %s stopped", name)
        return True

    def reconcile(self, table: EtlTable) -> None:
        """Match the cluster's table: start what is Running but not here, stop what is gone or Aborted."""
        for name in list(self._running):
            entry = table.get(name)
            if entry is None or entry.stage == wire_etl.STAGE_ABORTED:
                asyncio.get_running_loop().create_task(self.stop(name))
        for name, entry in table.entries.items():
            if entry.stage != wire_etl.STAGE_RUNNING or name in self._running or name in self._starting:
                continue
            self._starting[name] = asyncio.get_running_loop().create_task(
                self._start_background(dict(entry.init_msg), entry.xaction_id, entry.secret)
            )

    async def _start_background(self, init_msg: dict[str, Any], xaction_id: str, secret: str) -> None:
        name = str(init_msg.get(wire_etl.NAME, ""))
        try:
            await self.start(init_msg, xaction_id, secret)
        except Exception:
            log.exception("ETL %s: could not start it again", name)
        finally:
            self._starting.pop(name, None)

    def find(self, name: str, job_id: str = "") -> Transformer | None:
        """A transformer that records stats (errors under `job_id`, if given) and recycles hung
        transform servers."""
        running = self._running.get(name)
        if running is None:
            return None
        route = self._route(running)
        return Transformer(
            route, self._peers, self._node_name, running.stats, running.pool.recycle, self._sockets, job_id
        )

    def secret_ok(self, name: str, secret: str) -> bool:
        """True when `secret` is the running ETL's callback secret."""
        running = self._running.get(name)
        return running is not None and bool(secret) and secret == running.secret

    def infos(self) -> list[EtlInfo]:
        """This target's ETLs with their counters."""
        return [
            EtlInfo(
                name,
                wire_etl.STAGE_RUNNING,
                r.xaction_id,
                r.stats.obj_count,
                r.stats.in_bytes,
                r.stats.out_bytes,
            )
            for name, r in self._running.items()
        ]

    def errors(self, name: str, job_id: str = "") -> list[ObjError]:
        """The recorded per-object errors of a running ETL: inline ones, or those of offline job
        `job_id` (empty when it is not running, or the job had none)."""
        running = self._running.get(name)
        if running is None:
            return []
        if job_id:
            return list(running.stats.job_errors.get(job_id, ()))
        return list(running.stats.errors)

    def logs(self, name: str) -> bytes:
        """The transform servers' output (EtlNotFound when the ETL is not running here)."""
        running = self._running.get(name)
        if running is None:
            raise EtlNotFound(f"{self._node_name}: etl job {name} does not exist")
        return running.pool.logs()

    def routes(self) -> list[dict[str, Any]]:
        """Every running ETL's route and secret, for HTTP workers."""
        return [self._route(r).to_json() | {SECRET_KEY: r.secret} for r in self._running.values()]

    def _route(self, running: _Running) -> EtlRoute:
        spec = running.spec
        return EtlRoute(spec.name, spec.kind, spec.comm, spec.obj_timeout, tuple(running.pool.endpoints))

    def _publish(self) -> None:
        routes = self.routes()
        for listener in self.on_routes:
            with contextlib.suppress(Exception):
                listener(routes)

    def _child_env(self, spec: etl_spec.EtlSpec, secret: str) -> dict[str, str]:
        callback = self._target_url + paths.url_path(paths.ETL, paths.ETL_OBJECT, spec.name, secret)
        direct_put = "true" if spec.direct_put else "false"
        env = dict(spec.env)
        env.update(
            {
                wire_etl.ENV_TARGET_URL: callback,
                wire_etl.ENV_DIRECT_PUT: direct_put,
                wire_etl.ENV_DIRECT_PUT_LOWER: direct_put,
            }
        )
        return env
