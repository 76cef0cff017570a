"""A target's side of membership: join the primary (with retries), keep alive from a thread of
its own (cluster/heartbeat.py), join again as soon as the primary no longer holds it, and stop for
good when the primary belongs to another cluster.

A join is two requests (cluster/membership.py): register, install the secret and tables the reply
carries, then confirm; only the confirmation puts this node in the map, so no peer addresses it
before it can answer as a member.

The event loop only acts on what the keepalive thread reports: a 404 means the primary dropped
this node (or holds it at another address), and the node joins again at once, so a target
dropped for any reason is back one keepalive later; tables in a reply are taken as a metasync
push would be. No error of either step ends the loop, except ClusterMismatch.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Final

from pyaistore.cluster import cluster_identity, cluster_secret, metasync
from pyaistore.cluster.config_table import ConfigTable
from pyaistore.cluster.errors import ClusterMismatch
from pyaistore.cluster.etl_table import EtlTable
from pyaistore.cluster.heartbeat import Heartbeat
from pyaistore.cluster.membership import SECRET_KEY, join_body, keepalive_body
from pyaistore.cluster.peer_api import PeerApi
from pyaistore.cluster.peer_client import PeerReply, PeerUnreachable
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.wire import error_body
from pyaistore.wire.error_body import ErrorBody
from pyaistore.wire.messages import Smap, Snode
from pyaistore.wire.rebalance import RebalanceMeta

__all__ = ["MetaCallback", "TargetAgent"]

log = logging.getLogger(__name__)

MetaCallback = Callable[
    [Smap | None, BucketTable | None, EtlTable | None, RebalanceMeta | None, ConfigTable | None],
    Awaitable[None],
]
# The tables a node holds, whose versions its keepalives report.
Versions = tuple[Smap | None, BucketTable, EtlTable, RebalanceMeta, ConfigTable]
_REJOIN: Final = b""


class TargetAgent:
    """Target side: join the primary, then keep alive; re-join whenever the primary forgot us.

    `run` raises ClusterMismatch when the primary belongs to another cluster than the one
    recorded in `data_dir`: the node must stop, retrying cannot help.
    """

    def __init__(
        self,
        peers: PeerApi,
        primary_url: str,
        node: Snode,
        versions: Callable[[], Versions],
        on_meta: MetaCallback,
        interval: float,
        data_dir: Path,
        on_keepalive_error: Callable[[], None] | None = None,
    ) -> None:
        self._peers = peers
        self._on_keepalive_error = on_keepalive_error
        self._primary_url = primary_url
        self._node = node
        self._versions = versions
        self._on_meta = on_meta
        self._interval = interval
        self._data_dir = data_dir
        self._cluster_uuid = ""
        self._first_join = True
        self._leaving = False
        self._heartbeat: Heartbeat | None = None
        self.joined = asyncio.Event()

    @property
    def longest_keepalive_gap(self) -> float:
        """Seconds between the two longest-spaced keepalives sent so far."""
        return self._heartbeat.longest_gap if self._heartbeat else 0.0

    def leave(self) -> None:
        """Stop keepalives and never join again (the node is shutting down or decommissioned)."""
        self._leaving = True
        if self._heartbeat is not None:
            self._heartbeat.stop()

    async def run(self) -> None:
        """Join, then act on what the keepalive thread reports, until told to leave."""
        self._cluster_uuid = await asyncio.to_thread(cluster_identity.load, self._data_dir)
        await self._join()
        if self._leaving:  # told to leave while joining: no keepalive may take it back
            await asyncio.Event().wait()
        loop = asyncio.get_running_loop()
        replies: asyncio.Queue[bytes] = asyncio.Queue()

        def on_reply(status: int, body: bytes) -> None:  # in the keepalive thread
            loop.call_soon_threadsafe(replies.put_nowait, _REJOIN if status in (403, 404) else body)

        self._heartbeat = Heartbeat(
            self._peers,
            self._primary_url,
            self._keepalive_body,
            on_reply,
            self._interval,
            on_failure=self._on_keepalive_error,
        )
        self._heartbeat.start()
        try:
            while not self._leaving:
                self._heartbeat.tick()
                with contextlib.suppress(TimeoutError):
                    body = await asyncio.wait_for(replies.get(), self._interval / 2)
                    if not self._leaving:
                        await self._on_keepalive_reply(body, replies)
            await asyncio.Event().wait()  # left: silent until the node stops (cancels this task)
        finally:
            self._heartbeat.stop()

    def _keepalive_body(self) -> dict[str, Any]:
        """Who we are and the versions we hold (read from the keepalive thread: immutable tables)."""
        smap, buckets, etls, rmd, config = self._versions()
        node_id = self._node.daemon_id
        return keepalive_body(node_id, smap, buckets, etls.version, self._node, rmd.revision, config.version)

    async def _on_keepalive_reply(self, body: bytes, replies: "asyncio.Queue[bytes]") -> None:
        if body == _REJOIN:
            log.warning("the primary does not hold this node (any more): joining again")
            self.joined.clear()
            await self._join()
            while not replies.empty():  # answers to keepalives sent before the join are stale
                replies.get_nowait()
            return
        try:
            await self._accept(json.loads(body))
        except ClusterMismatch:
            raise
        except Exception:
            log.exception("could not take the tables of a keepalive reply (the next one brings them again)")

    async def _join(self) -> None:
        delay = 0.1
        while not self._leaving:
            try:
                refusal = await self._join_once()
                if refusal is None:
                    self._first_join = False
                    self.joined.set()
                    return
                error = ErrorBody.parse(refusal.body.decode(errors="replace"), refusal.status)
                if error.tcode == error_body.CLUSTER_MISMATCH:
                    primary = self._primary_url
                    raise ClusterMismatch(f"the primary at {primary} refused this node: {error.message}")
                log.warning("join refused: %s %s", refusal.status, refusal.body[:200])
            except PeerUnreachable as exc:
                log.info("waiting for the primary: %s", exc)
            except ClusterMismatch:
                raise
            except Exception:
                log.exception("join failed; trying again")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    async def _join_once(self) -> PeerReply | None:
        """Register, install the secret and tables of the reply, then confirm (membership.py): the
        primary lists this node only after the confirmation. None on success, else the refusal."""
        for installed in (False, True):
            request = join_body(self._node, self._first_join, self._cluster_uuid, installed)
            reply = await self._peers.join(self._primary_url, request)
            if not reply.ok:
                return reply
            body = json.loads(reply.body)
            await self._keep_secret(body)
            await self._accept(body)
        return None

    async def _keep_secret(self, body: dict[str, Any]) -> None:
        """Keep the cluster secret of the join reply (in the data dir and for every call)."""
        secret = body.get(SECRET_KEY)
        if isinstance(secret, str) and secret and secret != self._peers.cluster_secret:
            await asyncio.to_thread(cluster_secret.save, self._data_dir, secret)
            self._peers.cluster_secret = secret

    async def _accept(self, body: dict[str, Any]) -> None:
        """Take the primary's tables, after checking they are our cluster's (recorded on the first join)."""
        smap, buckets = metasync.parse(body)
        if smap is not None:
            cluster_identity.check(self._node.display_name, self._cluster_uuid, smap.uuid)
            if not self._cluster_uuid:
                await asyncio.to_thread(cluster_identity.save, self._data_dir, smap.uuid)
                self._cluster_uuid = smap.uuid
        etls, rmd, config = metasync.parse_etls(body), metasync.parse_rmd(body), metasync.parse_config(body)
        await self._on_meta(smap, buckets, etls, rmd, config)
