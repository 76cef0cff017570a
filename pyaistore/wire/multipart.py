"""Multipart uploads as both ends see them: an upload in progress, a stored part, and the part
list of AIS's `mpt-complete` action (`[{"part-number": 1, "etag": ""}, ...]`)."""

from dataclasses import dataclass, field
from typing import Any, Final

from pyaistore.wire.bucket_id import BucketId, parse_uname

__all__ = ["PartInfo", "UploadInfo", "parse_completed_parts"]

PART_NUMBER_KEY: Final = "part-number"
ETAG_KEY: Final = "etag"
# The custom-metadata key of a completed upload's S3 ETag (AIS keeps it under the same key).
OBJECT_ETAG_KEY: Final = "ETag"


@dataclass(frozen=True, slots=True)
class UploadInfo:
    """One upload in progress: its ID, the object it completes into, when it started, its metadata."""

    upload_id: str
    bucket: BucketId
    name: str
    initiated_ns: int
    custom: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The JSON shape (also the upload's record on the target's disk)."""
        return {
            "upload_id": self.upload_id,
            "bucket": self.bucket.uname,
            "name": self.name,
            "initiated_ns": self.initiated_ns,
            "custom": self.custom,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "UploadInfo":
        """Parse the JSON shape; ValueError (or KeyError, TypeError) when malformed."""
        custom = data.get("custom") or {}
        if not isinstance(custom, dict):
            raise ValueError("custom metadata must be an object")
        bucket, _ = parse_uname(str(data["bucket"]))
        return cls(
            upload_id=str(data["upload_id"]),
            bucket=bucket,
            name=str(data["name"]),
            initiated_ns=int(data["initiated_ns"]),
            custom={str(k): str(v) for k, v in custom.items()},
        )


@dataclass(frozen=True, slots=True)
class PartInfo:
    """A stored part: number, size, MD5 (hex) and when it was stored."""

    number: int
    size: int
    md5: str
    mtime_ns: int

    @property
    def etag(self) -> str:
        """S3's part ETag: the quoted MD5."""
        return f'"{self.md5}"'

    def to_json(self) -> dict[str, Any]:
        """The JSON shape."""
        return {"number": self.number, "size": self.size, "md5": self.md5, "mtime_ns": self.mtime_ns}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PartInfo":
        """Parse the JSON shape."""
        return cls(int(data["number"]), int(data["size"]), str(data["md5"]), int(data["mtime_ns"]))


def parse_completed_parts(value: Any) -> list[tuple[int, str]]:
    """`mpt-complete`'s value -> (part number, ETag) pairs; ValueError when it is not that shape."""
    if not isinstance(value, list):
        raise ValueError("the part list must be a JSON array")
    parts = []
    for item in value:
        if not isinstance(item, dict) or PART_NUMBER_KEY not in item:
            raise ValueError(f'each part must be an object with "{PART_NUMBER_KEY}"')
        number = item[PART_NUMBER_KEY]
        if not isinstance(number, int) or isinstance(number, bool):
            raise ValueError(f"invalid part number {number!r}")
        parts.append((number, str(item.get(ETAG_KEY) or "")))
    return parts
