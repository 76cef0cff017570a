"""NodeContext: the one holder of a node's config, identity, cluster view, store and peers."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pyaistore.auth.redirect_signature import RedirectVerifier
from pyaistore.auth.tokens import TokenVerifier
from pyaistore.backends.registry import BackendRegistry
from pyaistore.cluster import config_settings
from pyaistore.cluster.cluster_meta import ClusterMeta
from pyaistore.cluster.config_table import ConfigTable
from pyaistore.cluster.errors import BucketNotFound, NoClusterMap
from pyaistore.cluster.etl_table import EtlTable
from pyaistore.cluster.listing_buffers import ListingBuffers
from pyaistore.cluster.membership import Membership
from pyaistore.cluster.meta_owner import MetaOwner
from pyaistore.cluster.peer_api import PeerApi
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.cluster.target_agent import TargetAgent
from pyaistore.config import NodeConfig
from pyaistore.etl.registry import EtlDirectory
from pyaistore.jobs.registry import JobRegistry
from pyaistore.jobs.transform_protocol import TransformerLookup
from pyaistore.monitoring.node_monitor import NodeMonitor
from pyaistore.storage.archive_index import ArchiveIndexCache
from pyaistore.storage.erasure_code import ErasureCodec
from pyaistore.storage.object_store import ObjectStore
from pyaistore.storage.slice_store import SliceStore
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.membership import RemoveNodeValue
from pyaistore.wire.messages import Smap, Snode


@dataclass
class ErasureCodingState:
    """A target process's erasure-coding bookkeeping: counters, and work in flight per object."""

    # PUTs into EC buckets kept on their owner alone: too few active targets (AIS logs and keeps them).
    unprotected_puts: int = 0
    # Pieces that could not be sent (the repair pass during the next rebalance sends them).
    failed_sends: int = 0
    restored: int = 0
    # uname -> the restore under way, so concurrent misses of one object restore it once.
    restores: dict[str, "asyncio.Future[bool]"] = field(default_factory=dict)
    # (D, P, piece size) -> its codec (built once: a codec probes its backend when made).
    codecs: dict[tuple[int, int, int], ErasureCodec] = field(default_factory=dict)
    # Background work on objects received by rebalance or get-from-neighbour (their pieces).
    tasks: set["asyncio.Task[None]"] = field(default_factory=set)


@dataclass
class NodeContext:
    """Built once at startup and reached from handlers through a typed AppKey."""

    # The config in effect: `base_config`, then the cluster's values, then this node's overrides
    # (reload_config recomputes it; code that reads a runtime key reads it here at each use).
    config: NodeConfig
    node: Snode
    meta: ClusterMeta
    peers: PeerClient
    # Every call to another node goes through this typed API over `peers` (set from node and peers).
    peer_api: PeerApi = field(init=False)
    started_ns: int = field(default_factory=time.time_ns)
    store: ObjectStore | None = None
    # A target's replicas, slices and EC records (beside the objects, on the same mountpaths).
    slices: SliceStore | None = None
    ec: ErasureCodingState = field(default_factory=ErasureCodingState)
    owner: MetaOwner | None = None
    membership: Membership | None = None
    agent: TargetAgent | None = None
    background: set[asyncio.Task[None]] = field(default_factory=set)
    # The primary runs one membership change (and rebalance start) at a time.
    membership_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The primary's membership changes waiting for their rebalance: node ID -> (action, value).
    node_transitions: dict[str, tuple[str, RemoveNodeValue]] = field(default_factory=dict)
    # Awaited with True/False when a rebalance generation ends completed/not (on the primary).
    rebalance_listeners: list[Callable[[bool], Awaitable[None]]] = field(default_factory=list)
    # Set to stop this node cleanly (SIGTERM, or a shutdown/decommission asked through the API).
    stop_requested: asyncio.Event = field(default_factory=asyncio.Event)
    # This node's jobs: on targets the work itself, on the primary the cluster-wide records.
    jobs: JobRegistry = field(default_factory=JobRegistry)
    # Member tables of recently read shards (archpath reads, listing with the arch-dir flag).
    archive_index: ArchiveIndexCache = field(default_factory=ArchiveIndexCache)
    # Gateways: what targets sent beyond the pages of listings in progress (proxy/fanout.py).
    listing_buffers: ListingBuffers = field(default_factory=ListingBuffers)
    # Called with the new tables after this node accepts newer ones (e.g. to tell HTTP workers).
    meta_listeners: list[Callable[[ClusterMeta], None]] = field(default_factory=list)
    # Awaited after the listeners, before the node acknowledges new tables (HTTP workers applied them).
    meta_applied: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Called with the new ETL table after this node accepts a newer one (targets reconcile their ETLs).
    etl_listeners: list[Callable[[EtlTable], None]] = field(default_factory=list)
    # A target's ETLs: their transform servers (main process) or their endpoints (HTTP workers).
    etls: EtlDirectory | None = None
    # Offline transforms (copy jobs) find a running ETL's transformer here; set on targets.
    etl_lookup: TransformerLookup | None = None
    # Targets: called with the mountpath snapshot after this process changed its mountpaths (the
    # main process tells its HTTP workers, as it does with cluster tables).
    mountpath_listeners: list[Callable[[dict[str, Any]], None]] = field(default_factory=list)
    # Mountpath changes, and the resilvers they start, happen one at a time.
    mountpath_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # True in a target's extra HTTP worker processes: they relay mountpath changes to the main one.
    http_worker: bool = False
    # Called with a mountpath's root when an operation found its disk gone or failing (targets: the
    # disk health check, FSHC, which disables it and resilvers).
    on_disk_failure: Callable[[str], None] | None = None
    # Targets: the backends of remote buckets (clouds, HTTP origins, other AIS clusters).
    backends: BackendRegistry | None = None
    # Targets: object uname -> the cold GET under way (target.cold_get.ColdFetch), so concurrent
    # cold GETs of one object fetch it once.
    cold_fetches: dict[str, Any] = field(default_factory=dict)
    # Targets: object cname -> the metadata of the copy a write just handed over to the object's
    # owner (target.misplaced_writes), the most recent ones, so that a rebalance that sent the same
    # copy does not take its disappearance for a delete.
    handed_over: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Request counters (shared by a target's processes) and the node's process IDs, for /metrics.
    monitor: NodeMonitor = field(default_factory=NodeMonitor)
    # The config the node started with (defaults, environment, flags).
    base_config: NodeConfig = field(init=False)
    # Values set for this node alone (set-config sent to it), persisted in its data dir.
    config_overrides: ConfigTable = field(default_factory=ConfigTable)
    # Called with the new config after it changed (the log level; a target's HTTP workers).
    config_listeners: list[Callable[[NodeConfig], None]] = field(default_factory=list)
    # Client auth, when on (config.auth): a proxy's token verifier (with the revoked tokens), a
    # target's verifier of the redirects its proxy signed (web/client_auth.py, web/signed_requests.py).
    tokens: TokenVerifier | None = None
    redirects: RedirectVerifier | None = None

    def __post_init__(self) -> None:
        self.peer_api = PeerApi(self.peers, self.node.daemon_id)
        self.base_config = self.config

    def reload_config(self) -> None:
        """Recompute `config` from the start-up values, the cluster's and this node's; tell listeners."""
        new = config_settings.apply(self.base_config, self.meta.config.values, self.config_overrides.values)
        if new == self.config:
            return
        self.config = new
        for listener in self.config_listeners:
            listener(new)

    @property
    def smap(self) -> Smap:
        """The current cluster map; a node serves requests only once it has one."""
        if self.meta.smap is None:
            raise NoClusterMap(self.node.display_name)
        return self.meta.smap

    @property
    def object_store(self) -> ObjectStore:
        """The target's store."""
        if self.store is None:
            raise RuntimeError("this node has no object store (not a target)")
        return self.store

    @property
    def slice_store(self) -> SliceStore:
        """The target's store of replicas, slices and EC records."""
        if self.slices is None:
            raise RuntimeError("this node has no slice store (not a target)")
        return self.slices

    def bucket_props(self, bucket: BucketId) -> Mapping[str, Any]:
        """The bucket's properties (read-only); BucketNotFound when the cluster does not know it."""
        props = self.meta.buckets.view(bucket)
        if props is None:
            raise BucketNotFound(bucket)
        return props
