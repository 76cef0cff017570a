"""The primary's authority over cluster metadata: serialised updates, persisted, then pushed."""

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Final

from pyaistore.cluster import cluster_identity, cluster_map, metasync
from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.config_table import CLUSTER_FILE, ConfigTable
from pyaistore.cluster.errors import PeerFailed
from pyaistore.cluster.etl_table import EtlTable
from pyaistore.cluster.peer_api import PeerApi
from pyaistore.storage import layout
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.storage.meta_store import save_file
from pyaistore.wire.messages import Smap, Snode
from pyaistore.wire.rebalance import RebalanceMeta

log = logging.getLogger(__name__)

SMAP_FILE: Final = "smap.json"
BMD_FILE: Final = "bmd.json"
ETL_FILE: Final = "etlmd.json"
RMD_FILE: Final = "rmd.json"


class MetaOwner:
    """Owns smap and bucket-table changes on the primary proxy."""

    def __init__(self, data_dir: Path, meta: ClusterMeta, peers: PeerApi, primary: Snode) -> None:
        self._dir = data_dir
        self._meta = meta
        self._peers = peers
        self._self_id = primary.daemon_id
        self._lock = asyncio.Lock()
        uuid = cluster_identity.load(data_dir)
        smap = cluster_map.load(data_dir / SMAP_FILE)
        if smap is None or smap.primary.daemon_id != primary.daemon_id:
            smap = cluster_map.new_smap(primary, uuid)
        elif smap.primary != primary:
            # Restarted on another port: same identity, new address.
            smap = replace(cluster_map.with_node(smap, primary), primary=primary)
        cluster_identity.check(primary.display_name, uuid, smap.uuid)
        # The map of the targets to wait for after a restart (the primary's startup, membership.py).
        self.persisted = smap
        meta.smap = smap
        meta.buckets = BucketTable.load(data_dir / BMD_FILE)
        meta.etls = EtlTable.load(data_dir / ETL_FILE)
        meta.rmd = _load_rmd(data_dir / RMD_FILE)
        meta.config = ConfigTable.load(data_dir / CLUSTER_FILE)
        cluster_map.save(meta.smap, data_dir / SMAP_FILE)
        if not uuid:
            cluster_identity.save(data_dir, smap.uuid)

    @property
    def smap(self) -> Smap:
        """The current map (always set on the primary)."""
        assert self._meta.smap is not None
        return self._meta.smap

    async def update_smap(
        self,
        change: Callable[[Smap], Smap],
        first: frozenset[str] = frozenset(),
    ) -> Smap:
        """Apply `change`, persist the new map, push it to every node, and only then use it here.

        The primary redirects clients by its own map: switching after the push means no request is
        sent to a target by a map that target does not hold yet (a new owner that would not know
        to look for the object on its neighbours, a leaving one that would still take writes).
        The nodes in `first` (one confirming its join) must take the map before it is persisted
        or anyone else learns of it: PeerFailed, and nothing changes, when one of them does not.
        """
        async with self._lock:
            old = self.smap
            new = change(old)
            if new is old:
                return old
            # Nodes that just joined need the other tables too.
            body = metasync.payload(
                new, self._meta.buckets, self._meta.etls, self._meta.rmd, self._meta.config
            )
            if first:
                others = frozenset({*new.targets, *new.proxies}) - first
                failed = await metasync.push(self._peers, new, body, self._self_id, others)
                if failed:
                    raise PeerFailed(f"{failed} did not take cluster map v{new.version}: not published")
            await asyncio.to_thread(cluster_map.save, new, self._dir / SMAP_FILE)
            await self._push(new, body, first)
            self._meta.smap = new
        return new

    async def update_buckets(self, change: Callable[[BucketTable], BucketTable]) -> BucketTable:
        """Apply `change` (which may raise to refuse), persist and push the new table."""
        async with self._lock:
            new = change(self._meta.buckets)
            if new is self._meta.buckets:
                return new
            await asyncio.to_thread(new.save, self._dir / BMD_FILE)
            self._meta.buckets = new
            smap = self.smap
            body = metasync.payload(None, new)
            # Push under the lock so targets see bucket versions in order.
            await self._push(smap, body)
        return new

    async def update_etls(self, change: Callable[[EtlTable], EtlTable]) -> EtlTable:
        """Apply `change` (which may raise to refuse), persist and push the new ETL table."""
        async with self._lock:
            new = change(self._meta.etls)
            if new is self._meta.etls:
                return new
            await asyncio.to_thread(new.save, self._dir / ETL_FILE)
            self._meta.etls = new
            await self._push(self.smap, metasync.payload(None, None, new))
        return new

    async def update_rmd(self, change: Callable[[RebalanceMeta], RebalanceMeta]) -> RebalanceMeta:
        """Apply `change` to the rebalance record, persist and push it if it moved."""
        async with self._lock:
            new = change(self._meta.rmd)
            if new == self._meta.rmd:
                return new
            path = self._dir / RMD_FILE
            data = json.dumps(new.to_json()).encode()
            temp = path.with_name(f".{path.name}.{layout.new_token()}.tmp")
            await asyncio.to_thread(save_file, path, data, temp)
            self._meta.rmd = new
            await self._push(self.smap, metasync.payload(None, None, None, new))
        return new

    async def update_config(self, change: Callable[[ConfigTable], ConfigTable]) -> ConfigTable:
        """Apply `change` (which may raise to refuse) to the cluster config, persist and push it."""
        async with self._lock:
            new = change(self._meta.config)
            if new is self._meta.config:
                return new
            await asyncio.to_thread(new.save, self._dir / CLUSTER_FILE)
            self._meta.config = new
            await self._push(self.smap, metasync.payload(None, None, config=new))
        return new

    async def push_all(self) -> list[str]:
        """Push every table to every node (under the lock, so no newer version overtakes it).

        Returns the IDs of the nodes it did not reach.
        """
        async with self._lock:
            meta = self._meta
            body = metasync.payload(self.smap, meta.buckets, meta.etls, meta.rmd, meta.config)
            return await metasync.push(self._peers, self.smap, body, self._self_id)

    async def _push(self, smap: Smap, body: dict[str, object], skip: frozenset[str] = frozenset()) -> None:
        """Push to every node but those in `skip` (a joining node took them already)."""
        failed = await metasync.push(self._peers, smap, body, self._self_id, skip)
        if failed:
            log.warning("metasync did not reach %s; they catch up on their next keepalive", failed)


def _load_rmd(path: Path) -> RebalanceMeta:
    """The persisted rebalance record; a fresh one when there is none."""
    try:
        return RebalanceMeta.from_json(json.loads(path.read_bytes()))
    except FileNotFoundError:
        return RebalanceMeta()
