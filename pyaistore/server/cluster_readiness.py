"""Waiting for a launched cluster: the node on the proxy's port is our own proxy, the primary is
ready (`GET /v1/health?prr=true`), its map holds the targets we started, and each of those answers
its readiness probe. Every wait polls with a deadline, and fails at once, with the end of the
node's log, when a node it waits for has exited.
"""

import time
import urllib.error
from typing import Final

from pyaistore.server.local_nodes import PROXY, LocalNodes
from pyaistore.wire import paths, query

__all__ = ["HEALTH_PATH", "PRR_PATH", "READY_TIMEOUT", "SMAP_PATH", "SNODE_PATH", "ClusterReadiness"]

READY_TIMEOUT: Final = 30.0
HEALTH_PATH: Final = paths.url_path(paths.HEALTH)
PRR_PATH: Final = f"{HEALTH_PATH}?{query.PRR}=true"
SMAP_PATH: Final = f"{paths.url_path(paths.DAEMON)}?{query.WHAT}={query.WHAT_SMAP}"
SNODE_PATH: Final = f"{paths.url_path(paths.DAEMON)}?{query.WHAT}={query.WHAT_SNODE}"
# Seconds between two looks at a node that is not ready yet.
POLL_INTERVAL: Final = 0.05


class ClusterReadiness(LocalNodes):
    """Ask the nodes whether they are up, and wait until they are."""

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
            time.sleep(POLL_INTERVAL)
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
            time.sleep(POLL_INTERVAL)
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
