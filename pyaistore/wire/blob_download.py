"""Blob download: one large remote object fetched into the cluster by a job of its owner target.

`POST /v1/objects/<bck>?provider=<remote>` with `{"action": "blob-download", "name": "<object>",
"value": {"latest-ver": false, "chunk-size": N, "num-workers": N}}` answers the job's ID (AIS
apc.BlobMsg). The gateway hands the target the object's name in the same value (`obj`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["MAX_WORKERS", "BlobDownloadMsg"]

LATEST: Final = "latest-ver"
CHUNK_SIZE: Final = "chunk-size"
NUM_WORKERS: Final = "num-workers"
OBJECT_NAME: Final = "obj"
# AIS's range for the number of workers (-1: none but the job's own reader).
MAX_WORKERS: Final = 128


@dataclass(frozen=True, slots=True)
class BlobDownloadMsg:
    """What to download and how (chunk size and workers: 0 lets the cluster choose)."""

    object_name: str
    latest: bool = False
    chunk_size: int = 0
    num_workers: int = 0

    @classmethod
    def from_json(cls, value: Any, object_name: str = "") -> "BlobDownloadMsg":
        """Parse an action value (the name from the action, or the value's `obj`); ValueError if malformed."""
        body = value if value is not None else {}
        if not isinstance(body, Mapping):
            raise ValueError("blob-download: the action value must be an object")
        name = object_name or body.get(OBJECT_NAME) or ""
        latest, chunk, workers = (
            body.get(LATEST) or False,
            body.get(CHUNK_SIZE) or 0,
            body.get(NUM_WORKERS) or 0,
        )
        if not isinstance(name, str) or not name:
            raise ValueError("blob-download: missing object name")
        if not isinstance(latest, bool):
            raise ValueError(f'blob-download: "{LATEST}" must be true or false')
        if not isinstance(chunk, int) or isinstance(chunk, bool) or chunk < 0:
            raise ValueError(f'blob-download: invalid "{CHUNK_SIZE}" {chunk!r}: expecting a size in bytes')
        if not isinstance(workers, int) or isinstance(workers, bool) or not -1 <= workers <= MAX_WORKERS:
            raise ValueError(
                f'blob-download: invalid "{NUM_WORKERS}" {workers!r}: expecting (-1..{MAX_WORKERS}) range'
            )
        return cls(name, latest, chunk, workers)

    def to_json(self) -> dict[str, Any]:
        """The value as the gateway sends it to the target (with the object's name)."""
        return {
            OBJECT_NAME: self.object_name,
            LATEST: self.latest,
            CHUNK_SIZE: self.chunk_size,
            NUM_WORKERS: self.num_workers,
        }
