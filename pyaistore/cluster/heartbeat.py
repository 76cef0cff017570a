"""A target's keepalives, sent from a thread of their own so that nothing else the node does can
delay them: not a busy or blocked event loop, not a full executor, not the connection pool that
carries objects.

Every `interval` the thread posts a keepalive to the primary (`PeerApi.keepalive_blocking`) and
hands what matters back to the event loop (`on_reply`): a 404 (the primary does not hold this node
at this address: join again), a 403 (it does not take our secret: join again, which says why) or
the tables of a reply (this node lags behind); and each keepalive that failed (`on_failure`: no
answer, or an answer other than 2xx), which the node counts as `err_kalive_count`. It also watches the
event loop: `tick()` is called from the loop; when the loop has not ticked for `stall_limit`
seconds the node is wedged rather than busy, and the thread stops vouching for it, so the primary
drops it after its keepalive timeout (and the node joins again once its loop runs).
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Final

from pyaistore.cluster.peer_api import PeerApi
from pyaistore.cluster.peer_client import PeerUnreachable

__all__ = ["STALL_LIMIT", "Heartbeat"]

log = logging.getLogger(__name__)

# Seconds without an event-loop tick after which a node is wedged, not busy.
STALL_LIMIT: Final = 30.0
# Seconds between two warnings of the same kind.
_WARN_EVERY: Final = 10.0


class Heartbeat:
    """The keepalive thread of one target."""

    def __init__(
        self,
        peers: PeerApi,
        primary_url: str,
        body: Callable[[], dict[str, Any]],
        on_reply: Callable[[int, bytes], None],
        interval: float,
        stall_limit: float = STALL_LIMIT,
        on_failure: Callable[[], None] | None = None,
    ) -> None:
        self._peers = peers
        self._primary_url = primary_url
        self._body = body
        self._on_reply = on_reply
        self._interval = interval
        self._stall_limit = stall_limit
        self._on_failure = on_failure
        self._stop = threading.Event()
        self._last_tick = time.monotonic()
        self._warned: dict[str, float] = {}
        self._thread = threading.Thread(target=self._run, name="keepalive", daemon=True)
        # Seconds between the two longest-spaced keepalives sent (for the logs and the soak test).
        self.longest_gap = 0.0

    def start(self) -> None:
        """Start sending."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sending (at once: no keepalive leaves after this returns but one already in flight)."""
        self._stop.set()

    def tick(self) -> None:
        """Called from the event loop: it still runs."""
        self._last_tick = time.monotonic()

    def _run(self) -> None:
        last_sent = time.monotonic()
        while not self._stop.wait(self._interval):
            stalled = time.monotonic() - self._last_tick
            if stalled > self._stall_limit:
                self._warn("stall", "event loop stalled for %.0fs: no keepalives until it runs", stalled)
                continue
            try:
                url, timeout = self._primary_url, 5 * self._interval
                status, reply = self._peers.keepalive_blocking(url, self._body(), timeout)
            except PeerUnreachable as exc:
                self._failed()
                self._warn("unreachable", "keepalive: %s", exc)
                continue
            except Exception:
                self._failed()
                log.exception("keepalive failed")
                continue
            now = time.monotonic()
            self.longest_gap = max(self.longest_gap, now - last_sent)
            last_sent = now
            if not 200 <= status < 300:
                self._failed()
            if not self._stop.is_set() and (status in (403, 404) or (200 <= status < 300 and reply)):
                self._on_reply(status, reply)
            elif status >= 300 and status not in (403, 404):
                self._warn(str(status), "keepalive answered %d: %s", status, reply[:200])

    def _failed(self) -> None:
        """One keepalive failed (called in this thread: the counter's only writer in this process)."""
        if self._on_failure is not None:
            self._on_failure()

    def _warn(self, kind: str, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._warned.get(kind, 0.0) >= _WARN_EVERY:
            self._warned[kind] = now
            log.warning(message, *args)
