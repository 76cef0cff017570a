"""Joining and leaving: the primary's side (join, keepalive, reaping silent targets) and the
target's side (join with retries, periodic keepalives, re-join when forgotten)."""

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

from pyaistore.cluster import cluster_map, metasync
from pyaistore.cluster.etl_table import EtlTable
from pyaistore.cluster.meta_owner import MetaOwner
from pyaistore.cluster.peer_api import PeerApi
from pyaistore.cluster.peer_client import PeerUnreachable
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.wire.messages import Smap, Snode
from pyaistore.wire.rebalance import RebalanceMeta

log = logging.getLogger(__name__)

NODE_KEY: Final = "node"
ID_KEY: Final = "id"
SMAP_VERSION_KEY: Final = "smap_version"
BMD_VERSION_KEY: Final = "bmd_version"
ETL_VERSION_KEY: Final = "etl_version"
RMD_REVISION_KEY: Final = "rmd_revision"

MetaCallback = Callable[
    [Smap | None, BucketTable | None, EtlTable | None, RebalanceMeta | None], Awaitable[None]
]


class Membership:
    """Primary side: admits nodes, records keepalives and drops targets that fall silent."""

    def __init__(self, owner: MetaOwner, timeout: float) -> None:
        self._owner = owner
        self._timeout = timeout
        # Targets in a persisted map get one full timeout to reappear after a primary restart.
        now = time.monotonic()
        self._last_seen: dict[str, float] = {tid: now for tid in owner.smap.targets}

    async def join(self, node: Snode) -> Smap:
        """Add or update a node in the map."""
        self._last_seen[node.daemon_id] = time.monotonic()
        log.info("node %s joins at %s", node.display_name, node.public_net.url)
        return await self._owner.update_smap(lambda smap: cluster_map.with_node(smap, node))

    def keepalive(self, node_id: str) -> bool:
        """Record a keepalive; False when the node is not in the map (it must re-join)."""
        if cluster_map.find_node(self._owner.smap, node_id) is None:
            return False
        self._last_seen[node_id] = time.monotonic()
        return True

    async def reap_forever(self, interval: float) -> None:
        """Drop targets whose last keepalive is older than the timeout."""
        while True:
            await asyncio.sleep(interval)
            deadline = time.monotonic() - self._timeout
            for node_id in list(self._owner.smap.targets):
                if self._last_seen.get(node_id, 0.0) < deadline:
                    log.warning("target t[%s] stopped answering: removing it from the map", node_id)
                    self._last_seen.pop(node_id, None)
                    await self._owner.update_smap(_remover(node_id))


def join_body(node: Snode) -> dict[str, Any]:
    """The join request body."""
    return {NODE_KEY: node.to_json()}


def keepalive_body(
    node_id: str, smap: Smap | None, buckets: BucketTable, etl_version: int = 0, rmd_revision: int = 0
) -> dict[str, Any]:
    """The keepalive request body: who we are and which versions we hold."""
    return {
        ID_KEY: node_id,
        SMAP_VERSION_KEY: smap.version if smap else 0,
        BMD_VERSION_KEY: buckets.version,
        ETL_VERSION_KEY: etl_version,
        RMD_REVISION_KEY: rmd_revision,
    }


class TargetAgent:
    """Target side: join the primary, then keep alive; re-join whenever the primary forgot us."""

    def __init__(
        self,
        peers: PeerApi,
        primary_url: str,
        node: Snode,
        versions: Callable[[], tuple[Smap | None, BucketTable, EtlTable, RebalanceMeta]],
        on_meta: MetaCallback,
        interval: float,
    ) -> None:
        self._peers = peers
        self._primary_url = primary_url
        self._node = node
        self._versions = versions
        self._on_meta = on_meta
        self._interval = interval
        self.joined = asyncio.Event()

    async def run(self) -> None:
        """Join, then send keepalives forever."""
        await self._join()
        while True:
            await asyncio.sleep(self._interval)
            try:
                if not await self._keepalive():
                    self.joined.clear()
                    await self._join()
            except PeerUnreachable as exc:
                log.warning("keepalive: %s", exc)

    async def _join(self) -> None:
        delay = 0.1
        while True:
            try:
                reply = await self._peers.join(self._primary_url, join_body(self._node))
                if reply.ok:
                    body = json.loads(reply.body)
                    await self._on_meta(
                        *metasync.parse(body), metasync.parse_etls(body), metasync.parse_rmd(body)
                    )
                    self.joined.set()
                    return
                log.warning("join refused: %s %s", reply.status, reply.body[:200])
            except PeerUnreachable as exc:
                log.info("waiting for the primary: %s", exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    async def _keepalive(self) -> bool:
        smap, buckets, etls, rmd = self._versions()
        request = keepalive_body(self._node.daemon_id, smap, buckets, etls.version, rmd.revision)
        reply = await self._peers.keepalive(self._primary_url, request, timeout=5)
        if reply.status == 404:
            return False
        if reply.ok and reply.body:
            body = json.loads(reply.body)
            await self._on_meta(*metasync.parse(body), metasync.parse_etls(body), metasync.parse_rmd(body))
        return True


def _remover(node_id: str) -> Callable[[Smap], Smap]:
    """A map change that drops one node."""
    return lambda smap: cluster_map.without_node(smap, node_id)
