"""`pyaistore serve`: a primary proxy and N targets on loopback, as child processes, zero config.

Each node keeps its own directory under the data dir (proxy/, target-0/, ...), holding its ID,
its tables and (for targets) its mountpaths, so a restart with the same --data brings back every
bucket and object. Also used by the test suite to run real clusters.

Starting is ordered so that nothing can join somebody else's cluster: the proxy's port is
checked first (PortInUse), then the proxy started and confirmed to be ours (the node answering
on the port has the ID in our data dir), and only then are targets started. Every daemon holds
the launcher's lifeline (server/lifeline.py), so none outlives this process, however it ends.
"""

import argparse
import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from pyaistore.cluster import cluster_secret
from pyaistore.server import launcher_watch, supervisor
from pyaistore.server.lifeline import Lifeline
from pyaistore.server.local_security import LocalSecurity
from pyaistore.wire import actions, authn, paths, query

DEFAULT_PORT: Final = 8080
READY_TIMEOUT: Final = 30.0
PROXY: Final = "proxy"
HEALTH_PATH: Final = paths.url_path(paths.HEALTH)
PRR_PATH: Final = f"{HEALTH_PATH}?{query.PRR}=true"
SMAP_PATH: Final = f"{paths.url_path(paths.DAEMON)}?{query.WHAT}={query.WHAT_SMAP}"
SNODE_PATH: Final = f"{paths.url_path(paths.DAEMON)}?{query.WHAT}={query.WHAT_SNODE}"
NODE_ID_FILE: Final = "node_id"
CLUSTER_PATH: Final = paths.url_path(paths.CLUSTER)
DECOMMISSION: Final = actions.DECOMMISSION_NODE
# Seconds the objects of targets beyond --targets may take to move to the others.
RETIRE_TIMEOUT: Final = 600.0
LOG_TAIL_LINES: Final = 5


class PortInUse(RuntimeError):
    """The proxy's port is taken: the cluster does not start at all."""


def default_data_dir() -> Path:
    """$PYAISTORE_DATA, else $XDG_DATA_HOME/pyaistore, else ~/.local/share/pyaistore."""
    if os.environ.get("PYAISTORE_DATA"):
        return Path(os.environ["PYAISTORE_DATA"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pyaistore"


def cli_command() -> str:
    """How to run this installation's CLI from here, as printed in the banner.

    `pyaistore` when the shell finds this very one; otherwise its path, relative to the current
    directory when it is under it (`.venv/bin/pyaistore` after `make install`), else absolute.
    """
    installed = Path(sys.executable).parent / "pyaistore"
    found = shutil.which("pyaistore")
    if found is not None and Path(found).resolve() == installed.resolve():
        return "pyaistore"
    try:
        return str(installed.relative_to(Path.cwd()))
    except ValueError:
        return str(installed)


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS says is free right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def check_port(host: str, port: int) -> None:
    """PortInUse when `host:port` cannot be bound now (another program listens there)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise PortInUse(f"port {port} on {host} cannot be bound: {exc.strerror or exc}") from exc
            raise PortInUse(
                f"port {port} on {host} is already in use: another pyaistore cluster or another "
                f"program listens there; stop it or choose another --port"
            ) from exc


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
        env: Mapping[str, str] | None = None,
        provision_secret: bool = True,
        auth: bool = False,
        tls: bool = False,
        cert: str = "",
        key: str = "",
        authn_port: int = 0,
    ) -> None:
        """`env`: environment variables set for every node (e.g. PYAISTORE_S3_SECRET_KEY, kept out
        of the process list). `auth`: run the AuthN service and require tokens; `tls` (or a
        `cert`/`key` pair): HTTPS everywhere (server/local_security.py)."""
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port or free_port(host)
        self.num_targets = targets
        self.num_mountpaths = mountpaths
        # Spread the cores over the targets: one HTTP process per core in all.
        self.http_workers = http_workers or max(1, (os.cpu_count() or 1) // max(1, targets))
        self.extra_args = extra_args
        self.security = LocalSecurity(self.data_dir, host, auth, tls, cert, key, authn_port)
        # Variables added to the nodes' environment (e.g. a cloud's endpoint and credentials).
        self.env = {**self.security.node_env(), **(env or {})}
        # Give each target the primary's cluster secret before it starts (the launcher owns every
        # data dir): its first join is then a member's, and it answers members from its first moment.
        self.provision_secret = provision_secret
        self.log_dir = log_dir or self.data_dir / "logs"
        self.proxy: subprocess.Popen[bytes] | None = None
        self.targets: list[subprocess.Popen[bytes] | None] = [None] * targets
        self._lifeline: Lifeline | None = None
        # When each node (by name) was last started: the supervisor spaces out restarts.
        self.started_at: dict[str, float] = {}
        # With auth: the alias the cluster is registered under with its AuthN service ("": none).
        self.register_alias = "local"

    @property
    def endpoint(self) -> str:
        """The proxy URL clients use."""
        return f"{self.security.scheme}://{self.host}:{self.port}"

    def _open(self, url: str, timeout: float = 2.0, request: urllib.request.Request | None = None) -> Any:
        """urlopen with the launcher's TLS context and, with auth on, a member's headers."""
        request = request or urllib.request.Request(url)
        for name, value in self.security.member_headers(self.data_dir / PROXY).items():
            request.add_header(name, value)
        return urllib.request.urlopen(request, timeout=timeout, context=self.security.ssl_context())

    def _get_json(self, url: str, timeout: float = 2.0) -> object:
        with self._open(url, timeout) as reply:
            return json.loads(reply.read())

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if self._lifeline is None:
            self._lifeline = Lifeline()
        log = open(self.log_dir / f"{name}.log", "ab")
        command = [sys.executable, "-m", "pyaistore.server.daemon", *args, *self._lifeline.args()]
        self.started_at[name] = time.monotonic()
        try:
            # A session of its own: Ctrl-C in the terminal reaches only the launcher, which stops
            # the nodes in order; the lifeline stops them if the launcher dies instead.
            return subprocess.Popen(
                [*command, *self.extra_args],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=(self._lifeline.fd,),
                env={**os.environ, **self.env} if self.env else None,
            )
        finally:
            log.close()

    def log_tail(self, name: str, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines of a node's log (for error messages)."""
        try:
            text = (self.log_dir / f"{name}.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

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
        self.proxy = self._spawn(PROXY, args)

    def start_target(self, index: int) -> None:
        """Start target `index` (its ID and data persist across restarts)."""
        target_dir = self.data_dir / f"target-{index}"
        if self.provision_secret:
            secret = cluster_secret.load(self.data_dir / PROXY)
            if secret and cluster_secret.load(target_dir) != secret:
                cluster_secret.save(target_dir, secret)
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
        """Start every node and wait until the primary is ready with all targets.

        PortInUse (nothing started) when the proxy's port is taken; RuntimeError when the proxy
        that answers is not ours or a node exits; TimeoutError when readiness takes too long.
        """
        check_port(self.host, self.port)
        if self.security.auth:
            if self._lifeline is None:
                self._lifeline = Lifeline()
            self.security.start_authn(self._lifeline, self.log_dir)
        self.start_proxy()
        self.wait_own_proxy()
        extra = self._extra_target_dirs()
        wanted = self.num_targets
        self.targets += [None] * len(extra)
        self.num_targets += len(extra)
        for index in range(self.num_targets):
            self.start_target(index)
        self.wait_ready(self.num_targets)
        if extra:
            self._retire(range(wanted, self.num_targets))
        if self.security.auth and self.register_alias:
            smap = self._get_json(f"{self.endpoint}{SMAP_PATH}")
            uuid = str(smap.get("uuid", "")) if isinstance(smap, dict) else ""
            self.security.register(uuid, self.register_alias, self.endpoint)
        return self

    def _extra_target_dirs(self) -> list[Path]:
        """Data dirs of targets beyond the count asked for (target-<n>, n >= targets), in order."""
        found = []
        index = self.num_targets
        while (self.data_dir / f"target-{index}" / NODE_ID_FILE).exists():
            found.append(self.data_dir / f"target-{index}")
            index += 1
        return found

    def _retire(self, indexes: range, timeout: float = RETIRE_TIMEOUT) -> None:
        """Decommission the given targets (their objects move to the others), then drop their dirs.

        A cluster restarted with fewer targets than its data holds keeps every object this way.
        """
        ids = [node_id for node_id, index in self.target_ids().items() if index in indexes]
        print(f"retiring {len(ids)} target(s) beyond --targets: their objects move to the others", flush=True)
        body = {"action": DECOMMISSION, "name": "", "value": {"sids": ids, "rm_user_data": True}}
        request = urllib.request.Request(
            f"{self.endpoint}{CLUSTER_PATH}", data=json.dumps(body).encode(), method="PUT"
        )
        request.add_header("Content-Type", "application/json")
        with self._open("", timeout, request):
            pass
        deadline = time.monotonic() + timeout
        for index in sorted(indexes, reverse=True):
            proc = self.targets[index]
            if proc is not None:
                proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            del self.targets[index]
            self.num_targets -= 1
        self.wait_ready(self.num_targets, timeout=max(1.0, deadline - time.monotonic()))
        for index in indexes:
            shutil.rmtree(self.data_dir / f"target-{index}", ignore_errors=True)

    def restart_authn(self) -> None:
        """Stop the AuthN service and start it again on its state (auth clusters only)."""
        self.security.stop()
        if self._lifeline is None:
            self._lifeline = Lifeline()
        self.security.start_authn(self._lifeline, self.log_dir)

    def add_target(self) -> int:
        """Start one more target (a new data dir, target-<n>) and return its index."""
        self.targets.append(None)
        self.num_targets += 1
        index = self.num_targets - 1
        self.start_target(index)
        return index

    def target_ids(self) -> dict[str, int]:
        """Node ID -> index of every target that has started at least once."""
        found: dict[str, int] = {}
        for index in range(self.num_targets):
            try:
                found[(self.data_dir / f"target-{index}" / NODE_ID_FILE).read_text().strip()] = index
            except OSError:
                continue
        return found

    def own_proxy_id(self) -> str:
        """The proxy's node ID from its data dir ("" before its first start has written it)."""
        try:
            return (self.data_dir / PROXY / NODE_ID_FILE).read_text().strip()
        except OSError:
            return ""

    def wait_own_proxy(self, timeout: float = READY_TIMEOUT) -> None:
        """Block until the node answering on the proxy's port is this cluster's own proxy."""
        deadline = time.monotonic() + timeout
        answered = ""
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                snode = self._get_json(f"{self.endpoint}{SNODE_PATH}")
                answered = str(snode.get("daemon_id", "")) if isinstance(snode, dict) else ""
            except (OSError, urllib.error.URLError, ValueError):
                answered = ""
            if answered and answered == self.own_proxy_id():
                return
            time.sleep(0.05)
        if answered:
            raise RuntimeError(
                f"port {self.port} is answered by node {answered}, not by this cluster's proxy "
                f"{self.own_proxy_id() or '(none yet)'}: another cluster holds the port"
            )
        raise TimeoutError(f"the proxy did not answer on {self.endpoint} in {timeout}s")

    def is_ready(self) -> bool:
        """True when the primary answers `GET /v1/health?prr=true` with 200."""
        try:
            with self._open(f"{self.endpoint}{PRR_PATH}", timeout=2):
                return True
        except (OSError, urllib.error.URLError, ValueError):
            return False

    def target_count(self) -> int:
        """How many targets the proxy's map holds now (-1 when the proxy does not answer)."""
        try:
            smap = self._get_json(f"{self.endpoint}{SMAP_PATH}")
        except (OSError, urllib.error.URLError, ValueError):
            return -1
        return len(smap.get("tmap") or {}) if isinstance(smap, dict) else -1

    def wait_ready(self, targets: int, timeout: float = READY_TIMEOUT) -> None:
        """Block until the primary is ready (prr), its map holds exactly `targets` targets, and
        each of them is ready."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive(with_targets=True)
            if self.is_ready() and self.target_count() == targets and self._targets_ready():
                return
            time.sleep(0.05)
        raise TimeoutError(f"cluster at {self.endpoint} not ready with {targets} targets in {timeout}s")

    def _targets_ready(self) -> bool:
        try:
            smap = self._get_json(f"{self.endpoint}{SMAP_PATH}")
            assert isinstance(smap, dict)
            for node in smap["tmap"].values():
                url = f"{node['public_net']['direct_url']}{HEALTH_PATH}?{query.READINESS}=true"
                with self._open(url, timeout=2):
                    pass
        except (OSError, urllib.error.URLError, ValueError, AssertionError, KeyError):
            return False
        return True

    def _check_alive(self, with_targets: bool = False) -> None:
        """RuntimeError, with the end of its log, when the proxy (or a target) has exited."""
        nodes = [(PROXY, self.proxy)]
        if with_targets:
            nodes += [(f"target-{i}", proc) for i, proc in enumerate(self.targets)]
        for name, proc in nodes:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {proc.returncode}; the end of {self.log_dir / name}.log:\n"
                    f"{self.log_tail(name)}"
                )

    def node_names(self) -> list[str]:
        """Every node's name: proxy, target-0, target-1, ..."""
        return [PROXY, *(f"target-{index}" for index in range(self.num_targets))]

    def process(self, name: str) -> "subprocess.Popen[bytes] | None":
        """The current process of the node called `name`."""
        return self.proxy if name == PROXY else self.targets[_target_index(name)]

    def restart_node(self, name: str) -> None:
        """Start a node again on its data; the proxy on its port, confirmed to be ours."""
        if name == PROXY:
            self.start_proxy()
            self.wait_own_proxy()
        else:
            self.start_target(_target_index(name))

    def forget(self, name: str) -> None:
        """Drop a node that exited for good from the processes watched."""
        if name == PROXY:
            self.proxy = None
        else:
            self.targets[_target_index(name)] = None

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
        self.security.stop()
        if self._lifeline is not None:
            self._lifeline.close()
            self._lifeline = None

    def restart(self) -> None:
        """Stop everything and start again on the same data and port."""
        self.stop()
        self.start()

    def __enter__(self) -> "LocalCluster":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def _target_index(name: str) -> int:
    return int(name.removeprefix("target-"))


def run(
    data_dir: Path,
    port: int,
    targets: int,
    mountpaths: int,
    fsync: bool = True,
    s3_at_root: bool = False,
    s3_keys: tuple[str, str] | None = None,
    security: dict[str, Any] | None = None,
) -> int:
    """Start the cluster, print the endpoint once the primary is ready, supervise (see
    server/supervisor.py) until Ctrl-C/SIGTERM or until every node has stopped, stop cleanly.

    `s3_at_root` serves the S3 API at the root as well as under /s3; `s3_keys` (access key,
    secret) makes the S3 endpoint check every request's signature against that pair; `security`
    (LocalCluster's auth, tls, cert, key, authn_port) turns on auth and TLS.
    """
    extra = () if fsync else ("--no-fsync",)
    env = {}
    if s3_at_root:
        env["PYAISTORE_S3_AT_ROOT"] = "true"
    if s3_keys:
        env["PYAISTORE_S3_ACCESS_KEY"], env["PYAISTORE_S3_SECRET_KEY"] = s3_keys
    cluster = LocalCluster(data_dir, port, targets, mountpaths, extra_args=extra, env=env, **(security or {}))
    stopping = False

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    make_interrupted = launcher_watch.make_interrupted()
    try:
        check_port(cluster.host, cluster.port)
    except PortInUse as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    try:
        cluster.start()
        print(f"pyaistore cluster is up: endpoint {cluster.endpoint}", flush=True)
        print(f"  1 proxy, {targets} target(s), data in {data_dir}, logs in {cluster.log_dir}", flush=True)
        try_line = f"AIS_ENDPOINT={cluster.endpoint} {cli_command()} cluster show"
        print(f"  try: {try_line}   (Ctrl-C stops)", flush=True)
        root = f", and at {cluster.endpoint}/" if s3_at_root else ""
        signed = "signed with the configured key pair" if s3_keys else "anonymous (no key pair configured)"
        print(f"  S3: {cluster.endpoint}/s3{root}, {signed}", flush=True)
        _print_security(cluster)
        return supervisor.supervise(
            cluster, lambda: stopping or make_interrupted(), lambda line: print(line, flush=True)
        )
    except (RuntimeError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        cluster.stop()
        print("pyaistore cluster stopped", flush=True)


def _print_security(cluster: LocalCluster) -> None:
    """Where AuthN and the CA are, and the administrator's first credentials (once, on first start)."""
    security = cluster.security
    if security.tls:
        print(f"  TLS: verify with AIS_CLIENT_CA={security.ca}", flush=True)
    if not security.auth:
        return
    print(f"  AuthN: {security.authn_url} (AIS_AUTHN_URL); every request needs a token", flush=True)
    if security.first_admin_password:
        print(
            f"  AuthN administrator: user {authn.ADMIN_USER!r}, password {security.first_admin_password!r} "
            "(shown once: keep it)",
            flush=True,
        )
        print(
            f"  try: pyaistore auth login {authn.ADMIN_USER}   (then AIS_AUTHN_TOKEN_FILE is used)",
            flush=True,
        )


def main(argv: list[str] | None = None) -> None:
    """`python -m pyaistore.server.local_cluster` (the same as `pyaistore serve`)."""
    parser = argparse.ArgumentParser(prog="pyaistore serve", description="Run a local pyaistore cluster.")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="proxy port (0 picks a free one)")
    parser.add_argument("--targets", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--mountpaths", type=int, default=1, help="disks (directories) per target")
    parser.add_argument(
        "--no-fsync", action="store_true", help="acknowledge writes before they reach stable storage"
    )
    parser.add_argument("--s3-at-root", action="store_true", help="serve the S3 API at the root too")
    parser.add_argument("--auth", action="store_true", help="run AuthN beside the cluster; require tokens")
    parser.add_argument("--authn-port", type=int, default=authn.DEFAULT_PORT)
    parser.add_argument("--tls", action="store_true", help="HTTPS everywhere (self-signed unless --cert)")
    parser.add_argument("--cert", default="")
    parser.add_argument("--key", default="")
    args = parser.parse_args(argv)
    keys = _s3_keys_from_env()
    security = {
        "auth": args.auth,
        "tls": args.tls,
        "cert": args.cert,
        "key": args.key,
        "authn_port": args.authn_port,
    }
    sys.exit(
        run(
            args.data,
            args.port,
            args.targets,
            args.mountpaths,
            not args.no_fsync,
            args.s3_at_root,
            keys,
            security,
        )
    )


def _s3_keys_from_env() -> tuple[str, str] | None:
    """PYAISTORE_S3_ACCESS_KEY and PYAISTORE_S3_SECRET_KEY, when both are set."""
    access, secret = (
        os.environ.get("PYAISTORE_S3_ACCESS_KEY", ""),
        os.environ.get("PYAISTORE_S3_SECRET_KEY", ""),
    )
    return (access, secret) if access and secret else None


if __name__ == "__main__":
    main()
