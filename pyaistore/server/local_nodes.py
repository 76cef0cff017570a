"""The nodes of a launched cluster, as the launcher knows them: the base every part of
LocalCluster extends (server/local_cluster.py composes them, as cluster/peer_api.py does).

It holds the layout (each node's data dir and log under the cluster's, named proxy, target-0,
target-1, ...), each node's current process, the lifeline every daemon holds, the cluster's
auth and TLS (server/local_security.py), and the launcher's own HTTP requests to its nodes.
"""

import json
import os
import subprocess
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from pyaistore.server.lifeline import Lifeline
from pyaistore.server.listen_ports import free_port
from pyaistore.server.local_security import LocalSecurity

__all__ = ["LOG_TAIL_LINES", "NODE_ID_FILE", "PROXY", "LocalNodes", "target_index"]

PROXY: Final = "proxy"
NODE_ID_FILE: Final = "node_id"
LOG_TAIL_LINES: Final = 5


def target_index(name: str) -> int:
    """The index of the target called `name` (target-<index>)."""
    return int(name.removeprefix("target-"))


class LocalNodes:
    """One proxy and `targets` targets on loopback: their places, processes and security."""

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

    def _held_lifeline(self) -> Lifeline:
        """The lifeline every daemon (and the AuthN service) inherits, made on first need."""
        if self._lifeline is None:
            self._lifeline = Lifeline()
        return self._lifeline

    def _open(self, url: str, timeout: float = 2.0, request: urllib.request.Request | None = None) -> Any:
        """urlopen with the launcher's TLS context and, with auth on, a member's headers."""
        request = request or urllib.request.Request(url)
        for name, value in self.security.member_headers(self.data_dir / PROXY).items():
            request.add_header(name, value)
        return urllib.request.urlopen(request, timeout=timeout, context=self.security.ssl_context())

    def _get_json(self, url: str, timeout: float = 2.0) -> object:
        with self._open(url, timeout) as reply:
            return json.loads(reply.read())

    def log_tail(self, name: str, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines of a node's log (for error messages)."""
        try:
            text = (self.log_dir / f"{name}.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

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
