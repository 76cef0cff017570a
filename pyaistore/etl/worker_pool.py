"""The child processes of one ETL on one target: start, health-check, restart, stop.

Each child is a transform server (pyaistore.server.transform_server) on its own loopback port,
with its output in `<work>/logs/child-<n>.log`. A child that exits is restarted (with a growing
pause if it keeps dying); one that hangs past the ETL's object timeout is recycled by the
caller. The endpoints of ready children are what transformers (in this process or in HTTP
worker processes) send objects to.
"""

import asyncio
import contextlib
import itertools
import json
import logging
import os
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pyaistore
from pyaistore.cluster.peer_client import PeerClient, PeerUnreachable
from pyaistore.etl.errors import EtlInitFailed
from pyaistore.etl.spec import EtlSpec
from pyaistore.etl.ws_sockets import SocketPool
from pyaistore.process_termination import terminate
from pyaistore.wire import etl as wire_etl

__all__ = ["WorkerPool"]

log = logging.getLogger(__name__)

SERVER_MODULE: Final = "pyaistore.server.transform_server"
LOG_TAIL: Final = 4000
POLL: Final = 0.05
SUPERVISE_INTERVAL: Final = 0.5
STOP_GRACE: Final = 3.0


@dataclass(eq=False)
class _Child:
    index: int
    port: int
    proc: subprocess.Popen[bytes]
    ready: bool = False
    failures: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class WorkerPool:
    """`spec.workers` transform servers for one ETL, run by `python`, supervised from the event loop."""

    def __init__(
        self,
        spec: EtlSpec,
        python: str,
        work_dir: Path,
        env: Mapping[str, str],
        peers: PeerClient,
        sockets: SocketPool | None = None,
    ) -> None:
        self.spec = spec
        self._python = python
        self._dir = work_dir
        self._env = dict(env)
        self._peers = peers
        self._sockets = sockets if sockets is not None else SocketPool(peers)
        self._children: list[_Child] = []
        self._turn = itertools.count()
        self._supervisor: asyncio.Task[None] | None = None
        self._stopped = False
        # Called whenever the set of ready endpoints changes (HTTP workers get the new list).
        self.on_change: Callable[[], None] = lambda: None

    @property
    def endpoints(self) -> list[str]:
        """URLs of the ready children."""
        return [child.url for child in self._children if child.ready]

    def next_endpoint(self) -> str:
        """A ready child, round-robin; "" when none is ready."""
        ready = self.endpoints
        return ready[next(self._turn) % len(ready)] if ready else ""

    async def start(self) -> None:
        """Start every child and wait until all answer /health; EtlInitFailed (with the log) otherwise."""
        await asyncio.to_thread(self._write_spec)
        self._children = [self._spawn(index) for index in range(self.spec.workers)]
        try:
            await asyncio.gather(
                *(self._await_ready(child, self.spec.init_timeout) for child in self._children)
            )
        except EtlInitFailed:
            await self.stop()
            raise
        self._supervisor = asyncio.create_task(self._supervise())
        self.on_change()

    async def stop(self) -> None:
        """Terminate every child (SIGTERM, then SIGKILL after a grace period)."""
        self._stopped = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        children, self._children = self._children, []
        await asyncio.to_thread(terminate, [child.proc for child in children], STOP_GRACE)

    def recycle(self, url: str) -> None:
        """Kill the child at `url` (it hung); the supervisor starts a fresh one."""
        for child in self._children:
            if child.url == url and child.proc.poll() is None:
                log.warning(
                    "ETL %s: killing transform server %s (pid %d)", self.spec.name, url, child.proc.pid
                )
                child.proc.kill()
                child.ready = False
                self.on_change()

    def logs(self) -> bytes:
        """The tail of every child's log."""
        parts = []
        for path in sorted((self._dir / "logs").glob("child-*.log")):
            with contextlib.suppress(OSError):
                parts.append(f"==> {path.name} <==\n".encode() + _tail(path, 64 * 1024))
        return b"\n".join(parts)

    def _write_spec(self) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        (self._dir / "logs").mkdir(exist_ok=True)
        io_script = self._dir / "io_transform.py"
        if self.spec.comm == wire_etl.IO:
            io_script.write_text(self.spec.code)
        description = {
            "name": self.spec.name,
            "kind": self.spec.kind,
            "comm": self.spec.comm,
            "code": self.spec.code,
            "func_name": self.spec.func_name,
            "chunk_size": self.spec.chunk_size,
            "class_payload": self.spec.class_payload,
            "obj_timeout": self.spec.obj_timeout,
            "io_script": str(io_script),
        }
        (self._dir / "spec.json").write_text(json.dumps(description))

    def _spawn(self, index: int) -> _Child:
        port = _free_port()
        env = {**os.environ, **self._env, "PYTHONUNBUFFERED": "1"}
        source_root = str(Path(pyaistore.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH", ""), source_root) if p)
        command = [self._python, "-m", SERVER_MODULE, "--spec", str(self._dir / "spec.json")]
        command += ["--port", str(port), "--parent", str(os.getpid())]
        with open(self._dir / "logs" / f"child-{index}.log", "ab") as out:
            proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=self._dir)
        return _Child(index, port, proc)

    async def _await_ready(self, child: _Child, timeout: float) -> None:
        """Poll /health until it answers 200; EtlInitFailed if the child exits or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if child.proc.poll() is not None:
                raise EtlInitFailed(self._failure(child, f"exited with code {child.proc.returncode}"))
            with contextlib.suppress(PeerUnreachable):
                reply = await self._peers.call("GET", child.url + wire_etl.HEALTH_PATH, timeout=2)
                if reply.ok:
                    await self._check_websocket(child)
                    child.ready = True
                    return
            await asyncio.sleep(POLL)
        child.proc.kill()
        raise EtlInitFailed(self._failure(child, f"did not become ready within {timeout:g}s"))

    async def _check_websocket(self, child: _Child) -> None:
        """A ws:// ETL's server must serve its websocket (as AIS dials it at init)."""
        if self.spec.comm != wire_etl.WS:
            return
        try:
            await self._sockets.check(child.url, timeout=5.0)
        except PeerUnreachable as exc:
            child.proc.kill()
            what = (
                f"serves no websocket at {wire_etl.WS_PATH} ({exc}); ws:// needs a server that does, "
                "such as the SDK's FastAPIServer"
            )
            raise EtlInitFailed(self._failure(child, what)) from exc

    def _failure(self, child: _Child, what: str) -> str:
        tail = _tail(self._dir / "logs" / f"child-{child.index}.log", LOG_TAIL).decode(errors="replace")
        return f"ETL {self.spec.name}: transform server {what}; its log:\n{tail}"

    async def _supervise(self) -> None:
        """Restart children that died, pausing longer each time one keeps dying."""
        while not self._stopped:
            await asyncio.sleep(SUPERVISE_INTERVAL)
            for position, child in enumerate(self._children):
                if child.proc.poll() is None or self._stopped:
                    continue
                log.warning(
                    "ETL %s: transform server %s exited (%s); restarting it",
                    self.spec.name,
                    child.url,
                    child.proc.returncode,
                )
                child.ready = False
                self.on_change()
                if time.monotonic() - child.started < 10:
                    await asyncio.sleep(min(5.0, 0.2 * 2**child.failures))
                fresh = self._spawn(child.index)
                fresh.failures = child.failures + 1 if time.monotonic() - child.started < 10 else 0
                self._children[position] = fresh
                try:
                    await self._await_ready(fresh, self.spec.init_timeout)
                except EtlInitFailed as exc:
                    log.error("%s", exc)
                    continue
                self.on_change()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, size: int) -> bytes:
    try:
        with open(path, "rb") as stream:
            stream.seek(0, os.SEEK_END)
            stream.seek(max(0, stream.tell() - size))
            return stream.read()
    except OSError:
        return b""
