"""`pyaistore serve`: a primary proxy and N targets on loopback, as child processes, zero config.

Each node keeps its own directory under the data dir (proxy/, target-0/, ...), holding its ID,
its tables and (for targets) its mountpaths, so a restart with the same --data brings back every
bucket and object. Also used by the test suite to run real clusters.

Starting is ordered so that nothing can join somebody else's cluster: the proxy's port is
checked first (PortInUse), then the proxy started and confirmed to be ours (the node answering
on the port has the ID in our data dir), and only then are targets started. Every daemon holds
the launcher's lifeline (server/lifeline.py), so none outlives this process, however it ends.

LocalCluster is that order, composed of one part per concept, each a module over the shared
LocalNodes (local_nodes.py: the layout, the processes, the security, the launcher's requests):

- node_launch.py: start the proxy, a target, one more target, the AuthN service again;
- cluster_readiness.py: wait for our own proxy, for prr, and for the targets in the map;
- node_control.py: the nodes by name, kill a target, forget a node, stop them all;
- listen_ports.py: a free port, and the check that the proxy's port is free.
"""

import argparse
import json
import os
import shutil
import signal
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Final

from pyaistore.server import launcher_watch, supervisor
from pyaistore.server.cluster_readiness import (
    HEALTH_PATH,
    PRR_PATH,
    READY_TIMEOUT,
    SMAP_PATH,
    SNODE_PATH,
    ClusterReadiness,
)
from pyaistore.server.listen_ports import PortInUse, check_port, free_port
from pyaistore.server.local_nodes import LOG_TAIL_LINES, NODE_ID_FILE, PROXY, target_index
from pyaistore.server.node_control import NodeControl
from pyaistore.server.node_launch import NodeLaunch
from pyaistore.wire import actions, authn, paths

__all__ = [
    "CLUSTER_PATH",
    "DECOMMISSION",
    "DEFAULT_PORT",
    "HEALTH_PATH",
    "LOG_TAIL_LINES",
    "NODE_ID_FILE",
    "PROXY",
    "PRR_PATH",
    "READY_TIMEOUT",
    "RETIRE_TIMEOUT",
    "SMAP_PATH",
    "SNODE_PATH",
    "LocalCluster",
    "PortInUse",
    "check_port",
    "cli_command",
    "default_data_dir",
    "free_port",
    "main",
    "run",
]

DEFAULT_PORT: Final = 8080
CLUSTER_PATH: Final = paths.url_path(paths.CLUSTER)
DECOMMISSION: Final = actions.DECOMMISSION_NODE
# Seconds the objects of targets beyond --targets may take to move to the others.
RETIRE_TIMEOUT: Final = 600.0


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


class LocalCluster(NodeLaunch, ClusterReadiness, NodeControl):
    """One proxy and `targets` targets as child processes on loopback."""

    def start(self) -> "LocalCluster":
        """Start every node and wait until the primary is ready with all targets.

        PortInUse (nothing started) when the proxy's port is taken; RuntimeError when the proxy
        that answers is not ours or a node exits; TimeoutError when readiness takes too long.
        """
        check_port(self.host, self.port)
        if self.security.auth:
            self._start_authn()
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

    def restart_node(self, name: str) -> None:
        """Start a node again on its data; the proxy on its port, confirmed to be ours."""
        if name == PROXY:
            self.start_proxy()
            self.wait_own_proxy()
        else:
            self.start_target(target_index(name))

    def restart(self) -> None:
        """Stop everything and start again on the same data and port."""
        self.stop()
        self.start()

    def __enter__(self) -> "LocalCluster":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


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
