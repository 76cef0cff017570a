"""Bucket summary (`summary-bck`): the control message and the BsummResult reply (reference §3.3).

Counters in ObjCount and TotalSize travel as decimal strings, ObjSize as numbers. Each target's
part of a summary job reports its figures in the snapshot's `ext` object under the EXT_* keys.
"""

from dataclasses import dataclass
from typing import Any, Final

from pyaistore.wire.bucket_id import BucketId

EXT_MIN: Final = "min"
EXT_MAX: Final = "max"
EXT_DISK: Final = "disk"
EXT_CAPACITY: Final = "capacity"


@dataclass(frozen=True, slots=True)
class SummaryMsg:
    """The value of `summary-bck`: the job to poll (empty: start one) and the prefix."""

    uuid: str = ""
    prefix: str = ""
    cached: bool = True
    present: bool = True

    @classmethod
    def from_json(cls, data: Any) -> "SummaryMsg":
        """Parse the BsummCtrlMsg; ValueError on a wrong shape."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ValueError("summary-bck: value must be a JSON object")
        return cls(
            uuid=str(data.get("uuid") or "").strip('"'),
            prefix=str(data.get("prefix") or ""),
            cached=bool(data.get("cached", True)),
            present=bool(data.get("present", True)),
        )


@dataclass(frozen=True, slots=True)
class BucketSummary:
    """One bucket's object count and sizes across the cluster."""

    bucket: BucketId
    count: int = 0
    size: int = 0
    min_size: int = 0
    max_size: int = 0
    disk: int = 0
    capacity: int = 0

    def to_json(self) -> dict[str, Any]:
        """The BsummResult shape."""
        return {
            **self.bucket.to_json(),
            "ObjCount": {"obj_count_present": str(self.count), "obj_count_remote": "0"},
            "ObjSize": {
                "obj_min_size": self.min_size,
                "obj_avg_size": self.size // self.count if self.count else 0,
                "obj_max_size": self.max_size,
            },
            "TotalSize": {
                "size_on_disk": str(self.disk),
                "size_all_present_objs": str(self.size),
                "size_all_remote_objs": "0",
                "total_disks_size": str(self.capacity),
            },
            "used_pct": self.disk * 100 // self.capacity if self.capacity else 0,
            "is_present": True,
        }
