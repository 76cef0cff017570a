"""pyaistore as the measured peer: a 1-target local cluster, reached directly at the owning target."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from loopback import LOOPBACK, free_port, wait_for_http_ok
from process_tree import command_line, descendants

REPO_ROOT = Path(__file__).resolve().parent.parent
BUCKET = "bench"
PROVIDER_QUERY = "?provider=ais"


class PyaistorePeer:
    """`python -m pyaistore.server.local_cluster --targets 1` on loopback, with bucket `bench`."""

    label = "pyaistore"
    path_prefix = f"/v1/objects/{BUCKET}/"
    path_suffix = PROVIDER_QUERY
    supports_put = True

    def __init__(
        self,
        targets: int = 1,
        work_dir: Path | None = None,
        python: str = sys.executable,
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        """Prepare (but do not start) a local cluster with its data under a fresh temp dir; `env`
        adds to the nodes' environment (e.g. a `PYAISTORE_*` setting)."""
        self.targets = targets
        self.extra_args = extra_args
        self.env = env or {}
        self.python = python
        self.data_dir = Path(tempfile.mkdtemp(prefix="bench-pyaistore-", dir=work_dir))
        self.port = free_port()
        self.endpoint = f"http://{LOOPBACK}:{self.port}"
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None
        self._local = threading.local()

    def start(self, bucket: bool = True, timeout_s: float = 60) -> None:
        """Start the cluster, wait for /v1/health, find the target's direct URL and create the bucket."""
        log = (self.data_dir / "cluster.log").open("wb")
        command = [self.python, "-m", "pyaistore.server.local_cluster"]
        command += ["--data", str(self.data_dir / "data"), "--port", str(self.port)]
        command += ["--targets", str(self.targets), *self.extra_args]
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **self.env},
        )
        try:
            wait_for_http_ok(f"{self.endpoint}/v1/health", timeout_s, alive=self._alive)
            self.url = self._wait_for_target_url(timeout_s)
            if bucket:
                self._create_bucket()
        except Exception as exc:
            raise RuntimeError(f"pyaistore cluster failed to start: {exc}\n{self.log_tail()}") from exc

    def object_url(self, name: str) -> str:
        """Return the direct target URL of one object."""
        return f"{self.url}{self.path_prefix}{name}{self.path_suffix}"

    def store(self, name: str, data: bytes) -> None:
        """PUT one object straight to the target (thread-safe: one session per thread)."""
        response = self._session().put(self.object_url(name), data=data, timeout=120)
        if response.status_code >= 300:
            raise RuntimeError(f"PUT {name} -> {response.status_code}: {response.text[:300]}")

    def remove_prefix(self, prefix: str) -> None:
        """Delete the objects a wrk PUT run created (t<thread>-<n>), stopping after a run of 404s."""
        for thread in range(1, 65):
            misses = 0
            number = 0
            while misses < 8 and number < 10_000_000:
                number += 1
                url = self.object_url(f"{prefix}t{thread}-{number}")
                status = self._session().delete(url, timeout=60).status_code
                misses = misses + 1 if status == 404 else 0
                if status not in (200, 204, 404):
                    return
            if number <= misses:
                break

    def server_pids(self) -> dict[str, int]:
        """Return role -> pid for the local_cluster process and every descendant daemon."""
        if self.process is None:
            return {}
        pids = {"local_cluster": self.process.pid}
        for pid in descendants(self.process.pid):
            pids[_role_of(command_line(pid), pid)] = pid
        return pids

    def cpu_pids(self) -> list[int]:
        """Return the pids of the processes serving objects: the targets and their HTTP workers."""
        return [pid for role, pid in self.server_pids().items() if role.startswith(("target", "worker"))]

    def log_tail(self, lines: int = 20) -> str:
        """Return the last lines of the cluster's output and of each daemon's log."""
        parts = []
        for path in [self.data_dir / "cluster.log", *sorted((self.data_dir / "data" / "logs").glob("*.log"))]:
            if path.exists():
                tail = path.read_text(errors="replace").strip().splitlines()[-lines:]
                parts.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(parts)

    def stop(self) -> None:
        """SIGTERM the cluster, SIGKILL any daemon that lingers, and remove the data dir."""
        if self.process is not None:
            # the daemons run in sessions of their own, so remember them before the parent goes
            daemons = descendants(self.process.pid)
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
            for pid in daemons:
                if "pyaistore" in command_line(pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
        self.process = None
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def _alive(self) -> bool:
        """Tell whether the local_cluster process is still running."""
        return self.process is not None and self.process.poll() is None

    def _session(self) -> requests.Session:
        """Return this thread's keep-alive session."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            self._local.session = session
        return session

    def _wait_for_target_url(self, timeout_s: float) -> str:
        """Read the cluster map until it lists a target, and return that target's direct URL."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            response = requests.get(f"{self.endpoint}/v1/daemon", params={"what": "smap"}, timeout=5)
            response.raise_for_status()
            targets = response.json().get("tmap") or {}
            if len(targets) >= self.targets:
                node = next(iter(targets.values()))
                return str(node["public_net"]["direct_url"]).rstrip("/")
            time.sleep(0.2)
        raise TimeoutError(f"no target in the cluster map after {timeout_s:.0f}s")

    def _create_bucket(self) -> None:
        """Create ais://bench through the proxy."""
        body = {"action": "create-bck", "name": "", "value": None}
        response = requests.post(
            f"{self.endpoint}/v1/buckets/{BUCKET}{PROVIDER_QUERY}", json=body, timeout=30
        )
        if response.status_code >= 300:
            raise RuntimeError(f"create bucket -> {response.status_code}: {response.text[:300]}")


def _role_of(command: str, pid: int) -> str:
    """Name a daemon by its command line ('proxy', 'target', 'worker', ...), with its pid."""
    for role in ("proxy", "target"):
        if f"--role {role}" in command or f"--role={role}" in command:
            return f"{role}-{pid}"
    if "resource_tracker" in command:
        return f"mp-tracker-{pid}"
    if "spawn_main" in command or "multiprocessing" in command:
        return f"worker-{pid}"
    return f"process-{pid}"
