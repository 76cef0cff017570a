"""The static table of job kinds (jobs reference §1.5) and the rules for which jobs may run together.

Flags: `idles` (the SDK waits for idle snapshots), `ic` (tracked by `what=status` in AIS),
`startable` (`PUT /v1/cluster` start), `scope` (cluster, bucket, either, target). Two rules keep
jobs apart: an `exclusive` job (bucket rename) shares its buckets with no other job, and a
`one_per_pair` job (bucket copy) does not run twice between the same two buckets unless forced.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from pyaistore.wire import jobs as kinds

__all__ = ["KINDS", "KindInfo", "conflict_reason", "display_name", "lingers", "resolve"]

CLUSTER: Final = "G"
BUCKET: Final = "B"
EITHER: Final = "GB"
TARGET: Final = "T"


@dataclass(frozen=True, slots=True)
class KindInfo:
    """Properties of one job kind."""

    kind: str
    scope: str
    idles: bool = False
    ic: bool = False
    startable: bool = False
    exclusive: bool = False
    one_per_pair: bool = False

    @property
    def display(self) -> str:
        """The display name ("" when the kind has none)."""
        return kinds.DISPLAY_NAMES.get(self.kind, "")


def _table(*rows: KindInfo) -> Mapping[str, KindInfo]:
    return MappingProxyType({row.kind: row for row in rows})


KINDS: Final = _table(
    KindInfo(kinds.REBALANCE, CLUSTER, ic=True, startable=True),
    KindInfo(kinds.RESILVER, TARGET, startable=True),
    KindInfo(kinds.ELECTION, CLUSTER),
    KindInfo(kinds.LRU, EITHER, ic=True, startable=True),
    KindInfo(kinds.CLEANUP_STORE, EITHER, ic=True, startable=True),
    KindInfo(kinds.SUMMARY_BCK, EITHER),
    KindInfo(kinds.SUMMARY_SHARD, BUCKET),
    KindInfo(kinds.RECHUNK, BUCKET, ic=True, startable=True),
    KindInfo(kinds.INDEX_SHARD, BUCKET, ic=True),
    KindInfo(kinds.EC_GET, BUCKET, idles=True),
    KindInfo(kinds.EC_PUT, BUCKET, idles=True),
    KindInfo(kinds.EC_RESP, BUCKET, idles=True),
    KindInfo(kinds.EC_ENCODE, BUCKET, ic=True, startable=True),
    KindInfo(kinds.PUT_COPIES, BUCKET, idles=True),
    KindInfo(kinds.MAKE_N_COPIES, BUCKET, ic=True, startable=True),
    KindInfo(kinds.ARCHIVE, BUCKET, idles=True),
    KindInfo(kinds.COPY_LISTRANGE, BUCKET, idles=True),
    KindInfo(kinds.ETL_LISTRANGE, BUCKET, idles=True),
    KindInfo(kinds.DELETE_LISTRANGE, BUCKET, ic=True),
    KindInfo(kinds.EVICT_LISTRANGE, BUCKET, ic=True),
    KindInfo(kinds.PREFETCH_LISTRANGE, BUCKET, ic=True, startable=True),
    KindInfo(kinds.BLOB_DOWNLOAD, BUCKET, startable=True),
    KindInfo(kinds.DOWNLOAD, CLUSTER, idles=True, ic=True),
    KindInfo(kinds.DSORT, BUCKET),
    KindInfo(kinds.PROMOTE, BUCKET, ic=True),
    KindInfo(kinds.MOVE_BCK, BUCKET, ic=True, exclusive=True),
    KindInfo(kinds.COPY_BCK, BUCKET, ic=True, one_per_pair=True),
    KindInfo(kinds.ETL_BCK, BUCKET, ic=True, one_per_pair=True),
    KindInfo(kinds.ETL_INLINE, CLUSTER, ic=True),
    KindInfo(kinds.EVICT_REMOTE_BCK, BUCKET),
    KindInfo(kinds.LIST, BUCKET, idles=True),
    KindInfo(kinds.GET_BATCH, EITHER, idles=True),
    KindInfo(kinds.CREATE_INVENTORY, BUCKET, ic=True),
    KindInfo(kinds.LOAD_LOM_CACHE, BUCKET, startable=True),
)

_BY_DISPLAY: Final = MappingProxyType({name: kind for kind, name in kinds.DISPLAY_NAMES.items()})


def resolve(name: str) -> str | None:
    """The kind named by a kind or its display name; None for an unknown name."""
    if name in KINDS:
        return name
    return _BY_DISPLAY.get(name)


def display_name(kind: str) -> str:
    """The display name of a kind, or the kind itself when it has none."""
    return kinds.DISPLAY_NAMES.get(kind, kind)


def conflict_reason(
    new_kind: str,
    new_buckets: Collection[str],
    new_pair: tuple[str, str],
    old_kind: str,
    old_buckets: Collection[str],
    old_pair: tuple[str, str],
    force: bool = False,
) -> str | None:
    """Why a new job may not start beside a running one (buckets are unames); None when it may."""
    shared = sorted(set(new_buckets) & set(old_buckets))
    if not shared:
        return None
    new_info, old_info = KINDS.get(new_kind), KINDS.get(old_kind)
    if (new_info and new_info.exclusive) or (old_info and old_info.exclusive):
        return f"bucket {shared[0]} is busy with {old_kind}"
    if new_kind == old_kind and new_info and new_info.one_per_pair and new_pair == old_pair and not force:
        return f"{old_kind} from {new_pair[0]} to {new_pair[1]} is already running"
    return None


# Demand-based kinds AIS keeps running while idle (its multi-object copy/transform and archive
# jobs), finishing them only when their idle timer fires.
_LINGERING: Final = frozenset({kinds.COPY_LISTRANGE, kinds.ETL_LISTRANGE, kinds.ARCHIVE})


def lingers(kind: str) -> bool:
    """True for kinds whose jobs go idle, not finished, when their work is done."""
    return kind in _LINGERING
