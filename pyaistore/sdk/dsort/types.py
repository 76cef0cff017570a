"""What a dsort job reports: each target's JobInfo, with its three phases' metrics."""

from dataclasses import dataclass, field
from typing import Any

from pyaistore.sdk.types import BucketModel

__all__ = ["DsortMetrics", "JobInfo", "PhaseInfo"]

_PHASE_FIELDS = ("started_time", "end_time", "elapsed", "running", "finished")


@dataclass(slots=True)
class PhaseInfo:
    """One phase (local extraction, meta sorting, shard creation) on one target."""

    started_time: str = ""
    end_time: str = ""
    elapsed: int = 0
    running: bool = False
    finished: bool = False
    counters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PhaseInfo":
        """Parse one phase."""
        counters = {k: str(v) for k, v in data.items() if k not in _PHASE_FIELDS}
        return cls(
            str(data.get("started_time", "")),
            str(data.get("end_time", "")),
            int(data.get("elapsed") or 0),
            bool(data.get("running")),
            bool(data.get("finished")),
            counters,
        )


@dataclass(slots=True)
class DsortMetrics:
    """All phases of a target, and how the job ended there."""

    local_extraction: PhaseInfo
    meta_sorting: PhaseInfo
    shard_creation: PhaseInfo
    aborted: bool = False
    archived: bool = False
    description: str = ""
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "DsortMetrics":
        """Parse `Metrics`."""
        return cls(
            PhaseInfo.from_json(data.get("local_extraction") or {}),
            PhaseInfo.from_json(data.get("meta_sorting") or {}),
            PhaseInfo.from_json(data.get("shard_creation") or {}),
            bool(data.get("aborted")),
            bool(data.get("archived")),
            str(data.get("description") or ""),
            list(data.get("warnings") or []),
            list(data.get("errors") or []),
        )


@dataclass(slots=True)
class JobInfo:
    """A target's view of a dsort job."""

    id: str
    src_bck: BucketModel
    dst_bck: BucketModel
    metrics: DsortMetrics
    started_time: str = ""
    finish_time: str = ""
    objects: str = "0"
    bytes: str = "0"
    aborted: bool = False
    archived: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "JobInfo":
        """Parse one JobInfo."""
        return cls(
            id=str(data.get("id", "")),
            src_bck=_bucket(data.get("src-bck")),
            dst_bck=_bucket(data.get("dst-bck")),
            metrics=DsortMetrics.from_json(data.get("Metrics") or {}),
            started_time=str(data.get("started_time") or ""),
            finish_time=str(data.get("finish_time") or ""),
            objects=str(data.get("loc-objs", "0")),
            bytes=str(data.get("loc-bytes", "0")),
            aborted=bool(data.get("aborted")),
            archived=bool(data.get("archived")),
        )


def _bucket(data: Any) -> BucketModel:
    body = data if isinstance(data, dict) else {}
    return BucketModel(str(body.get("name", "")), str(body.get("provider", "ais")))
