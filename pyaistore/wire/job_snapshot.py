"""The JSON shapes of job replies: per-node snapshots (qryxstats) and terminal status (jobs reference §1.2).

Key spellings are AIS's, mixed as they are: hyphens (`start-time`, `abort-err`, `loc-objs`),
an underscore (`is_idle`) and a dot (`glob.id`). Counters travel as decimal strings (Go's
`,string`); bucket objects are either null or complete.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import GO_ZERO_TIME, format_time, parse_time

LOC_OBJS: Final = "loc-objs"
LOC_BYTES: Final = "loc-bytes"
OUT_OBJS: Final = "out-objs"
OUT_BYTES: Final = "out-bytes"
IN_OBJS: Final = "in-objs"
IN_BYTES: Final = "in-bytes"
GLOB_ID: Final = "glob.id"
# `glob.id` packs, in AIS's layout (core.Snap.Pack): mountpath joggers in bits 0-9, workers in
# bits 10-19, the channel-full count above.
_GOROUTINE_BITS: Final = 10
_GOROUTINE_MASK: Final = (1 << _GOROUTINE_BITS) - 1


def pack_glob_id(joggers: int, workers: int) -> int:
    """The `glob.id` of a job with these joggers and workers (no channel-full count)."""
    return (joggers & _GOROUTINE_MASK) | (workers & _GOROUTINE_MASK) << _GOROUTINE_BITS


def unpack_workers(glob_id: int) -> int:
    """The workers packed in a `glob.id`."""
    return glob_id >> _GOROUTINE_BITS & _GOROUTINE_MASK


@dataclass(frozen=True, slots=True)
class JobStats:
    """Object and byte counters: processed here (loc), sent to (out) and received from (in) peers."""

    loc_objs: int = 0
    loc_bytes: int = 0
    out_objs: int = 0
    out_bytes: int = 0
    in_objs: int = 0
    in_bytes: int = 0

    def to_json(self) -> dict[str, str]:
        """Counters as decimal strings."""
        return {
            LOC_OBJS: str(self.loc_objs),
            LOC_BYTES: str(self.loc_bytes),
            OUT_OBJS: str(self.out_objs),
            OUT_BYTES: str(self.out_bytes),
            IN_OBJS: str(self.in_objs),
            IN_BYTES: str(self.in_bytes),
        }

    @classmethod
    def from_json(cls, data: Any) -> "JobStats":
        """Parse counters given as strings or numbers."""
        body = data if isinstance(data, dict) else {}

        def number(key: str) -> int:
            return int(body.get(key) or 0)

        return cls(
            number(LOC_OBJS),
            number(LOC_BYTES),
            number(OUT_OBJS),
            number(OUT_BYTES),
            number(IN_OBJS),
            number(IN_BYTES),
        )


def _bucket_json(bucket: BucketId | None) -> dict[str, object] | None:
    return bucket.to_json() if bucket else None


def _bucket(data: Any) -> BucketId | None:
    return BucketId.from_json(data) if isinstance(data, dict) and data.get("name") else None


@dataclass(frozen=True, slots=True)
class JobSnapshot:
    """One node's view of one job (an element of a qryxstats reply)."""

    job_id: str
    kind: str
    start_ns: int = 0
    end_ns: int = 0
    bucket: BucketId | None = None
    src_bucket: BucketId | None = None
    dst_bucket: BucketId | None = None
    ctlmsg: str = ""
    err: str = ""
    abort_err: str = ""
    aborted: bool = False
    is_idle: bool = False
    stats: JobStats = field(default_factory=JobStats)
    # Kind-specific figures (e.g. a bucket summary's sizes); null for most kinds.
    ext: Mapping[str, Any] | None = None
    # Objects this node's part works on at once (the SDK's JobSnap.unpack_glob_id()[1]).
    workers: int = 0

    @property
    def finished(self) -> bool:
        """True once the job has an end time."""
        return self.end_ns > 0

    def to_json(self) -> dict[str, Any]:
        """The snapshot shape the SDK parses (JobSnap)."""
        return {
            "id": self.job_id,
            "kind": self.kind,
            "start-time": format_time(self.start_ns),
            "end-time": format_time(self.end_ns),
            "bck": _bucket_json(self.bucket),
            "src-bck": _bucket_json(self.src_bucket),
            "dst-bck": _bucket_json(self.dst_bucket),
            "ctlmsg": self.ctlmsg,
            "abort-err": self.abort_err,
            "err": self.err,
            GLOB_ID: str(pack_glob_id(0, self.workers)),
            "stats": self.stats.to_json(),
            "aborted": self.aborted,
            "is_idle": self.is_idle,
            "ext": dict(self.ext) if self.ext is not None else None,
        }

    @classmethod
    def from_json(cls, data: Any) -> "JobSnapshot":
        """Parse a snapshot; ValueError on a wrong shape."""
        if not isinstance(data, dict):
            raise ValueError("job snapshot must be a JSON object")
        return cls(
            job_id=str(data.get("id") or ""),
            kind=str(data.get("kind") or ""),
            start_ns=parse_time(str(data.get("start-time") or "")),
            end_ns=parse_time(str(data.get("end-time") or GO_ZERO_TIME)),
            bucket=_bucket(data.get("bck")),
            src_bucket=_bucket(data.get("src-bck")),
            dst_bucket=_bucket(data.get("dst-bck")),
            ctlmsg=str(data.get("ctlmsg") or ""),
            err=str(data.get("err") or ""),
            abort_err=str(data.get("abort-err") or ""),
            aborted=bool(data.get("aborted") or False),
            is_idle=bool(data.get("is_idle") or False),
            stats=JobStats.from_json(data.get("stats")),
            ext=data.get("ext") if isinstance(data.get("ext"), dict) else None,
            workers=unpack_workers(int(data.get(GLOB_ID) or 0)),
        )

    def unfinished(self) -> "JobSnapshot":
        """This snapshot shown as still running (a job the gateway has not finished yet)."""
        return replace(self, end_ns=0, is_idle=False)


@dataclass(frozen=True, slots=True)
class JobStatus:
    """A job's terminal status (`what=status`); `end_time` is Unix nanoseconds, 0 while running."""

    job_id: str
    kind: str
    err: str = ""
    end_ns: int = 0
    aborted: bool = False
    is_idle: bool = False

    def to_json(self) -> dict[str, Any]:
        """The status shape the SDK parses."""
        return {
            "kind": self.kind,
            "uuid": self.job_id,
            "err": self.err,
            "end_time": self.end_ns,
            "aborted": self.aborted,
            "is_idle": self.is_idle,
        }

    @property
    def running_name(self) -> str:
        """`kind[id]`, as `what=running_all` lists jobs."""
        return f"{self.kind}[{self.job_id}]"
