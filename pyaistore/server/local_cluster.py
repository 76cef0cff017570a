"""`pyaistore serve`: a primary proxy and N targets on loopback, as child processes, zero config.

Each node keeps its own directory under the data dir (proxy/, target-0/, ...), holding its ID,
its tables and (for targets) its mountpaths, so a restart with the same --data brings back every
bucket and object. Also used by the test suite to run real clusters.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Final

from pyaistore.wire import paths, query

DEFAULT_PORT: Final = 8080
READY_TIMEOUT: Final = 30.0
HEALTH_PATH: Final = paths.url_path(paths.HEALTH)
SMAP_PATH: Final = f"{paths.url_path(paths.DAEMON)}?{query.WHAT}={query.WHAT_SMAP}"


def default_data_dir() -> Path:
    """$PYAISTORE_DATA, else $XDG_DATA_HOME/pyaistore, else ~/.local/share/pyaistore."""
    if os.environ.get("PYAISTORE_DATA"):
        return Path(os.environ["PYAISTORE_DATA"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pyaistore"


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS says is free right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _get_json(url: str, timeout: float = 2.0) -> object:
    with urllib.request.urlopen(url, timeout=timeout) as reply:
        return json.loads(reply.read())


class LocalCluster:
    """One proxy and `targets` targets as child processes on loopback."""

    def __init__(
        self,
        data_dir: Path,
        port: int = 0,
        targets: int = 2,
        mountpaths: int = 1,
        host: str = "127.0.0.1",
        extra_args: tuple[str, ...] = (),
        log_dir: Path | None = None,
        http_workers: int = 0,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port or free_port(host)
        self.num_targets = targets
        self.num_mountpaths = mountpaths
        # Spread the cores over the targets: one HTTP process per core in all.
        self.http_workers = http_workers or max(1, (os.cpu_count() or 1) // max(1, targets))
        self.extra_args = extra_args
        self.log_dir = log_dir or self.data_dir / "logs"
        self.proxy: subprocess.Popen[bytes] | None = None
        self.targets: list[subprocess.Popen[bytes] | None] = [None] * targets

    @property
    def endpoint(self) -> str:
        """The proxy URL clients use."""
        return f"http://{self.host}:{self.port}"

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")
        command = [sys.executable, "-m", "pyaistore.server.daemon", *args, *self.extra_args]
        try:
            return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()

    def start_proxy(self) -> None:
        """Start the primary proxy."""
        args = [
            "--role",
            "proxy",
            "--data",
            str(self.data_dir / "proxy"),
            "--host",
            self.host,
            "--port",
            str(self.port),
        ]
        self.proxy = self._spawn("proxy", args)

    def start_target(self, index: int) -> None:
        """Start target `index` (its ID and data persist across restarts)."""
        target_dir = self.data_dir / f"target-{index}"
        args = [
            "--role",
            "target",
            "--data",
            str(target_dir),
            "--host",
            self.host,
            "--port",
            "0",
            "--primary",
            self.endpoint,
        ]
        for disk in range(self.num_mountpaths):
            args += ["--mountpath", str(target_dir / f"mp{disk}")]
        args += ["--http-workers", str(self.http_workers)]
        self.targets[index] = self._spawn(f"target-{index}", args)

    def start(self) -> "LocalCluster":
        """Start every node and wait until the proxy sees all targets."""
        self.start_proxy()
        for index in range(self.num_targets):
            self.start_target(index)
        self.wait_ready(self.num_targets)
        return self

    def target_count(self) -> int:
        """How many targets the proxy's map holds now (-1 when the proxy does not answer)."""
        try:
            smap = _get_json(f"{self.endpoint}{SMAP_PATH}")
        except (OSError, urllib.error.URLError, ValueError):
            return -1
        return len(smap.get("tmap") or {}) if isinstance(smap, dict) else -1

    def wait_ready(self, targets: int, timeout: float = READY_TIMEOUT) -> None:
        """Block until the map holds exactly `targets` targets and all of them are ready."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            if self.target_count() == targets and self._targets_ready():
                return
            time.sleep(0.1)
        raise TimeoutError(f"cluster at {self.endpoint} not ready with {targets} targets in {timeout}s")

    def _targets_ready(self) -> bool:
        try:
            smap = _get_json(f"{self.endpoint}{SMAP_PATH}")
            assert isinstance(smap, dict)
            for node in smap["tmap"].values():
                url = f"{node['public_net']['direct_url']}{HEALTH_PATH}?{query.READINESS}=true"
                with urllib.request.urlopen(url, timeout=2):
                    pass
        except (OSError, urllib.error.URLError, ValueError, AssertionError, KeyError):
            return False
        return True

    def _check_alive(self) -> None:
        if self.proxy is not None and self.proxy.poll() is not None:
            raise RuntimeError(f"proxy exited with {self.proxy.returncode}; see {self.log_dir / 'proxy.log'}")

    def kill_target(self, index: int, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to target `index` and reap it."""
        proc = self.targets[index]
        if proc is not None and proc.poll() is None:
            proc.send_signal(sig)
            proc.wait(timeout=30)
        self.targets[index] = None

    def stop(self) -> None:
        """Stop every node: SIGTERM, then SIGKILL whatever lingers."""
        procs = [p for p in (*self.targets, self.proxy) if p is not None]
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.proxy = None
        self.targets = [None] * self.num_targets

    def restart(self) -> None:
        """Stop everything and start again on the same data and port."""
        self.stop()
        self.start()

    def __enter__(self) -> "LocalCluster":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def run(data_dir: Path, port: int, targets: int, mountpaths: int, fsync: bool = True) -> int:
    """Start the cluster, print the endpoint, supervise until Ctrl-C/SIGTERM, stop cleanly."""
    extra = () if fsync else ("--no-fsync",)
    cluster = LocalCluster(data_dir, port, targets, mountpaths, extra_args=extra)
    stopping = False

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        cluster.start()
        print(f"pyaistore cluster is up: endpoint {cluster.endpoint}", flush=True)
        print(f"  1 proxy, {targets} target(s), data in {data_dir}, logs in {cluster.log_dir}", flush=True)
        print(f"  try: AIS_ENDPOINT={cluster.endpoint} pyaistore cluster show   (Ctrl-C stops)", flush=True)
        while not stopping:
            for index, proc in enumerate(cluster.targets):
                if proc is not None and proc.poll() is not None:
                    print(f"target-{index} exited ({proc.returncode}); restarting it", flush=True)
                    cluster.start_target(index)
            cluster._check_alive()
            time.sleep(0.5)
    except (RuntimeError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        cluster.stop()
        print("pyaistore cluster stopped", flush=True)
    return 0


def main(argv: list[str] | None = None) -> None:
    """`python -m pyaistore.server.local_cluster` (the same as `pyaistore serve`)."""
    parser = argparse.ArgumentParser(prog="pyaistore serve", description="Run a local pyaistore cluster.")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="proxy port (0 picks a free one)")
    parser.add_argument("--targets", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--mountpaths", type=int, default=1, help="disks (directories) per target")
    parser.add_argument("--no-fsync", action="store_true")
    args = parser.parse_args(argv)
    sys.exit(run(args.data, args.port, args.targets, args.mountpaths, not args.no_fsync))


if __name__ == "__main__":
    main()
