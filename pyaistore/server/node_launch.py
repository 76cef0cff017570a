"""Launching a cluster's node processes: the proxy, a target (given the primary's cluster secret
first), one more target, and the AuthN service again.

Every daemon runs `python -m pyaistore.server.daemon` in a session of its own, logs to
`<log dir>/<name>.log`, and holds the launcher's lifeline (server/lifeline.py).
"""

import os
import subprocess
import sys
import time

from pyaistore.cluster import cluster_secret
from pyaistore.server.local_nodes import PROXY, LocalNodes

__all__ = ["NodeLaunch"]


class NodeLaunch(LocalNodes):
    """Start node processes; waiting for them to be ready is ClusterReadiness's part."""

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        lifeline = self._held_lifeline()
        log = open(self.log_dir / f"{name}.log", "ab")
        command = [sys.executable, "-m", "pyaistore.server.daemon", *args, *lifeline.args()]
        self.started_at[name] = time.monotonic()
        try:
            # A session of its own: Ctrl-C in the terminal reaches only the launcher, which stops
            # the nodes in order; the lifeline stops them if the launcher dies instead.
            return subprocess.Popen(
                [*command, *self.extra_args],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=(lifeline.fd,),
                env={**os.environ, **self.env} if self.env else None,
            )
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

    def add_target(self) -> int:
        """Start one more target (a new data dir, target-<n>) and return its index."""
        self.targets.append(None)
        self.num_targets += 1
        index = self.num_targets - 1
        self.start_target(index)
        return index

    def _start_authn(self) -> None:
        """Start the AuthN service on its state (nothing without auth)."""
        self.security.start_authn(self._held_lifeline(), self.log_dir)

    def restart_authn(self) -> None:
        """Stop the AuthN service and start it again on its state (auth clusters only)."""
        self.security.stop()
        self._start_authn()
