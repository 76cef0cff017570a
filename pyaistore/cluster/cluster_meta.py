"""A node's current view of the cluster: the smap and bucket table, replaced only by newer versions."""

import time
from collections.abc import Callable

from pyaistore.cluster.config_table import ConfigTable
from pyaistore.cluster.etl_table import EtlTable
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.wire import hrw
from pyaistore.wire.messages import Smap
from pyaistore.wire.rebalance import RebalanceMeta


def active_target_ids(smap: Smap) -> frozenset[str]:
    """The targets HRW places objects on: not in maintenance, not being decommissioned."""
    return frozenset(tid for tid, node in smap.targets.items() if not node.flags & hrw.EXCLUDED_FLAGS)


# Called after the bucket table changes: (old, new). Targets use it to create and destroy buckets.
BucketsListener = Callable[[BucketTable, BucketTable], None]


class ClusterMeta:
    """Holds the newest smap and bucket table this node has seen; both are immutable values."""

    def __init__(self, smap: Smap | None = None, buckets: BucketTable | None = None) -> None:
        self.smap = smap
        self.buckets = buckets if buckets is not None else BucketTable()
        self.etls = EtlTable()
        self.rmd = RebalanceMeta()
        # The cluster-wide config values set at run time (config_table.py).
        self.config = ConfigTable()
        # time.monotonic() when the set of active targets last changed (0: never, this process).
        self.active_changed = 0.0

    def accept(self, smap: Smap | None, buckets: BucketTable | None) -> tuple[bool, bool]:
        """Take whichever of the two is newer (or the first smap); return what changed."""
        smap_changed = smap is not None and (
            self.smap is None or smap.version > self.smap.version or smap.uuid != self.smap.uuid
        )
        if smap_changed and smap is not None:
            # A node's first map counts as a change: it may have just joined as an owner.
            if self.smap is None or active_target_ids(self.smap) != active_target_ids(smap):
                self.active_changed = time.monotonic()
            self.smap = smap
        buckets_changed = buckets is not None and buckets.version > self.buckets.version
        if buckets_changed and buckets is not None:
            self.buckets = buckets
        return smap_changed, buckets_changed

    def accept_etls(self, etls: EtlTable | None) -> bool:
        """Take a newer ETL table; True when it replaced ours."""
        if etls is None or etls.version <= self.etls.version:
            return False
        self.etls = etls
        return True

    def accept_rmd(self, rmd: RebalanceMeta | None) -> bool:
        """Take a newer rebalance record; True when it replaced ours."""
        if rmd is None or rmd.revision <= self.rmd.revision:
            return False
        self.rmd = rmd
        return True

    def accept_config(self, config: ConfigTable | None) -> bool:
        """Take a newer cluster config table; True when it replaced ours."""
        if config is None or config.version <= self.config.version:
            return False
        self.config = config
        return True
