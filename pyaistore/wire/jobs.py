"""Job kinds, their display names, job queries and the time formats of job replies (jobs reference §1).

Kinds are the exact strings AIS uses; a display name (e.g. "copy-bucket") is accepted wherever a
kind is (§1.5). Job query bodies are decoded with case-insensitive keys, as Go decodes them: the
SDK sends {"ID","Kind","DaemonID","Bck","Buckets"} while the server's tags are lowercase.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final

from pyaistore.wire.bucket_id import BucketId

REBALANCE: Final = "rebalance"
RESILVER: Final = "resilver"
ELECTION: Final = "election"
LRU: Final = "lru"
CLEANUP_STORE: Final = "cleanup-store"
SUMMARY_BCK: Final = "summary-bck"
SUMMARY_SHARD: Final = "summary-shard"
RECHUNK: Final = "rechunk"
INDEX_SHARD: Final = "index-shard"
EC_GET: Final = "ec-get"
EC_PUT: Final = "ec-put"
EC_RESP: Final = "ec-resp"
EC_ENCODE: Final = "ec-encode"
PUT_COPIES: Final = "put-copies"
MAKE_N_COPIES: Final = "make-n-copies"
ARCHIVE: Final = "archive"
COPY_LISTRANGE: Final = "copy-listrange"
ETL_LISTRANGE: Final = "etl-listrange"
DELETE_LISTRANGE: Final = "delete-listrange"
EVICT_LISTRANGE: Final = "evict-listrange"
PREFETCH_LISTRANGE: Final = "prefetch-listrange"
BLOB_DOWNLOAD: Final = "blob-download"
DOWNLOAD: Final = "download"
DSORT: Final = "dsort"
PROMOTE: Final = "promote"
MOVE_BCK: Final = "move-bck"
COPY_BCK: Final = "copy-bck"
ETL_BCK: Final = "etl-bck"
ETL_INLINE: Final = "etl-inline"
EVICT_REMOTE_BCK: Final = "evict-remote-bck"
LIST: Final = "list"
GET_BATCH: Final = "get-batch"
CREATE_INVENTORY: Final = "create-inventory"
LOAD_LOM_CACHE: Final = "load-lom-cache"

# kind -> display name (accepted as an alias of the kind in queries, start and stop).
DISPLAY_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        ELECTION: "elect-primary",
        LRU: "lru-eviction",
        CLEANUP_STORE: "cleanup",
        SUMMARY_BCK: "summary",
        SUMMARY_SHARD: "shard-summary",
        INDEX_SHARD: "shard-index",
        EC_ENCODE: "ec-bucket",
        MAKE_N_COPIES: "mirror",
        COPY_LISTRANGE: "copy-objects",
        ETL_LISTRANGE: "etl-objects",
        DELETE_LISTRANGE: "delete-objects",
        EVICT_LISTRANGE: "evict-objects",
        PREFETCH_LISTRANGE: "prefetch-objects",
        PROMOTE: "promote-files",
        MOVE_BCK: "rename-bucket",
        COPY_BCK: "copy-bucket",
        ETL_BCK: "etl-bucket",
        EVICT_REMOTE_BCK: "evict-remote-bucket",
        LOAD_LOM_CACHE: "warm-up-metadata",
    }
)

# Kinds whose completion is "idle on every target" rather than "finished".
IDLE_JOB_KINDS: Final = frozenset(
    {
        "ec-get",
        "ec-put",
        "ec-resp",
        "put-copies",
        "archive",
        "copy-listrange",
        "etl-listrange",
        "download",
        "list",
        "get-batch",
    }
)
# Kinds that run on one target only.
SINGLE_NODE_JOB_KINDS: Final = frozenset({"blob-download", "resilver"})
# Go's zero time: the end time of a job that has not finished.
GO_ZERO_TIME: Final = "0001-01-01T00:00:00Z"
# The reply text of a user's stop request, as AIS words it.
USER_ABORT: Final = "user abort"
# Bucket property set on a bucket while it is being renamed (AIS's Bprops.Renamed, non-empty iff
# renamed); its value here is the destination bucket's uname.
RENAMED_PROP: Final = "Renamed"

# Keys of a job query (JobArgs / QueryMsg), lowercase: compare with key.lower().
QUERY_ID: Final = "id"
QUERY_KIND: Final = "kind"
QUERY_BUCKET: Final = "bck"
QUERY_BUCKETS: Final = "buckets"
QUERY_NODE: Final = "node"
QUERY_DAEMON_ID: Final = "daemonid"
QUERY_ACTIVE: Final = "show_active"

_ID_SHAPE: Final = re.compile(r"[A-Za-z0-9_-]{9,}")
_FRACTION: Final = re.compile(r"\.(\d+)")


_REBALANCE_ID: Final = re.compile(r"g[0-9]+")


def is_valid_id(job_id: str) -> bool:
    """True for a job ID: at least 9 of [A-Za-z0-9_-], or a rebalance's g<N>."""
    return _ID_SHAPE.fullmatch(job_id) is not None or _REBALANCE_ID.fullmatch(job_id) is not None


def format_time(unix_ns: int) -> str:
    """RFC3339 with nanoseconds in UTC, trailing zeros trimmed as Go does; 0 is Go's zero time."""
    if unix_ns <= 0:
        return GO_ZERO_TIME
    seconds, nanos = divmod(unix_ns, 1_000_000_000)
    text = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    return text + "Z"


def parse_time(text: str) -> int:
    """Unix nanoseconds of an RFC3339 time (any fraction length); 0 for Go's zero time or ""."""
    if not text or text == GO_ZERO_TIME:
        return 0
    match = _FRACTION.search(text)
    nanos = int((match.group(1) + "000000000")[:9]) if match else 0
    base = _FRACTION.sub("", text, count=1).replace("Z", "+00:00")
    return int(datetime.fromisoformat(base).timestamp()) * 1_000_000_000 + nanos


def _lower_keys(data: Any) -> dict[str, Any]:
    """The object's keys folded to lowercase (Go's case-insensitive field matching)."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("job query must be a JSON object")
    return {str(key).lower(): value for key, value in data.items()}


def _optional_bucket(data: Any) -> BucketId | None:
    """A bucket object, or None when absent, null or nameless."""
    if not data:
        return None
    if not isinstance(data, dict):
        raise ValueError("bucket must be a JSON object")
    if not data.get("name"):
        return None
    return BucketId.from_json(data)


@dataclass(frozen=True, slots=True)
class JobQuery:
    """Which jobs a query, start or stop means: by ID, kind, bucket, node, running only."""

    job_id: str = ""
    kind: str = ""
    bucket: BucketId | None = None
    buckets: tuple[BucketId, ...] = ()
    node: str = ""
    daemon_id: str = ""
    active_only: bool = False

    @classmethod
    def from_json(cls, data: Any) -> "JobQuery":
        """Parse JobArgs or QueryMsg with case-insensitive keys; ValueError on a wrong shape."""
        body = _lower_keys(data)
        raw_buckets = body.get(QUERY_BUCKETS) or []
        if not isinstance(raw_buckets, list):
            raise ValueError("job query: buckets must be a list")
        buckets = tuple(b for b in (_optional_bucket(item) for item in raw_buckets) if b is not None)
        return cls(
            job_id=str(body.get(QUERY_ID) or ""),
            kind=str(body.get(QUERY_KIND) or ""),
            bucket=_optional_bucket(body.get(QUERY_BUCKET)),
            buckets=buckets,
            node=str(body.get(QUERY_NODE) or ""),
            daemon_id=str(body.get(QUERY_DAEMON_ID) or ""),
            active_only=bool(body.get(QUERY_ACTIVE) or False),
        )

    def to_json(self) -> dict[str, Any]:
        """The lowercase QueryMsg shape (node to node)."""
        return {
            QUERY_ID: self.job_id,
            QUERY_KIND: self.kind,
            QUERY_BUCKET: self.bucket.to_json() if self.bucket else None,
            QUERY_BUCKETS: [b.to_json() for b in self.buckets] or None,
            QUERY_NODE: self.node,
            QUERY_DAEMON_ID: self.daemon_id,
            QUERY_ACTIVE: self.active_only,
        }


@dataclass(frozen=True, slots=True)
class JobStartMsg:
    """Node to node: start job `job_id` of `kind` on a target (internal jobs endpoint)."""

    job_id: str
    kind: str
    bucket: BucketId | None = None
    dst_bucket: BucketId | None = None
    value: Any = None
    force: bool = False

    def to_json(self) -> dict[str, Any]:
        """The JSON body."""
        return {
            "id": self.job_id,
            "kind": self.kind,
            "bck": self.bucket.to_json() if self.bucket else None,
            "dst-bck": self.dst_bucket.to_json() if self.dst_bucket else None,
            "value": self.value,
            "force": self.force,
        }

    @classmethod
    def from_json(cls, data: Any) -> "JobStartMsg":
        """Parse the JSON body; ValueError on a wrong shape."""
        body = _lower_keys(data)
        job_id, kind = str(body.get("id") or ""), str(body.get("kind") or "")
        if not is_valid_id(job_id) or not kind:
            raise ValueError(f"job start: invalid job ID {job_id!r} or kind {kind!r}")
        return cls(
            job_id=job_id,
            kind=kind,
            bucket=_optional_bucket(body.get("bck")),
            dst_bucket=_optional_bucket(body.get("dst-bck")),
            value=body.get("value"),
            force=bool(body.get("force") or False),
        )
