"""The EC metadata targets exchange about an erasure-coded object, and its JSON.

Every piece of an erasure-coded object (a full replica or one slice) travels and is stored with a
`SliceMeta`: enough to check the piece, to find the others (`nodes`) and, given any D slices, to
rebuild the object (size, D, P and piece size; see pyaistore/storage/erasure_code.py for the
stripe layout). On restore, the pieces with the greatest `generation` win.

JSON keys are the field names plus `meta_version` (1). Decoding is strict about the types and
ranges of every known key and ignores unknown keys, so a later version may add fields.
"""

import json
from dataclasses import dataclass, field
from typing import Any, Final, TypeGuard

from pyaistore.wire import fields

__all__ = [
    "MAX_DATA_SLICES",
    "MAX_PARITY_SLICES",
    "MAX_PIECE_SIZE",
    "META_VERSION",
    "REPLICA",
    "InvalidSliceMeta",
    "SliceMeta",
]

MAX_DATA_SLICES: Final = 32
MAX_PARITY_SLICES: Final = 32
MAX_PIECE_SIZE: Final = 16 * 1024 * 1024  # a stripe (D pieces) is what a decoder holds in memory
META_VERSION: Final = 1
REPLICA: Final = 0  # the slice id of a full replica

_INT_FIELDS: Final = (
    "object_size",
    "generation",
    "data_slices",
    "parity_slices",
    "piece_size",
    "slice_id",
    "atime_ns",
)
_STR_FIELDS: Final = (
    "checksum_type",
    "checksum_value",
    "version",
    "slice_checksum_type",
    "slice_checksum_value",
)


class InvalidSliceMeta(ValueError):
    """EC metadata with a missing, mistyped or out-of-range field."""


@dataclass(frozen=True, slots=True)
class SliceMeta:
    """One replica (slice_id 0) or slice (1..D data, D+1..D+P parity) of an erasure-coded object."""

    object_size: int
    generation: int  # when the object was encoded, in ns; the newest generation wins on restore
    checksum_type: str  # of the whole object
    checksum_value: str
    version: str
    data_slices: int
    parity_slices: int
    piece_size: int
    slice_id: int
    nodes: dict[str, int] = field(default_factory=dict)  # node id -> slice id, for every piece
    custom: dict[str, str] = field(default_factory=dict)
    slice_checksum_type: str = "xxhash2"  # of this replica's or slice's own bytes
    slice_checksum_value: str = ""
    atime_ns: int = 0  # the object's access time, restored with it

    def __post_init__(self) -> None:
        _check(self.to_json())

    @property
    def is_replica(self) -> bool:
        """Whether this piece is a full copy of the object rather than a slice."""
        return self.slice_id == REPLICA

    @property
    def slice_count(self) -> int:
        """D + P."""
        return self.data_slices + self.parity_slices

    def to_json(self) -> dict[str, Any]:
        """The JSON-ready dict sent between targets and kept on disk."""
        return {
            "meta_version": META_VERSION,
            "object_size": self.object_size,
            "generation": self.generation,
            "checksum_type": self.checksum_type,
            "checksum_value": self.checksum_value,
            "version": self.version,
            "custom": dict(self.custom),
            "data_slices": self.data_slices,
            "parity_slices": self.parity_slices,
            "piece_size": self.piece_size,
            "slice_id": self.slice_id,
            "slice_checksum_type": self.slice_checksum_type,
            "slice_checksum_value": self.slice_checksum_value,
            "nodes": dict(self.nodes),
            "atime_ns": self.atime_ns,
        }

    @classmethod
    def from_json(cls, data: Any) -> "SliceMeta":
        """Parse `to_json()` output; InvalidSliceMeta when a field is missing, mistyped or out of range."""
        if not isinstance(data, dict):
            raise InvalidSliceMeta("EC metadata is not a JSON object")
        _check(data)
        return cls(
            **{key: data[key] for key in (*_INT_FIELDS, *_STR_FIELDS)},
            nodes=dict(data["nodes"]),
            custom=dict(data["custom"]),
        )

    def encode(self) -> bytes:
        """Compact UTF-8 JSON."""
        return json.dumps(self.to_json(), separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def decode(cls, data: bytes) -> "SliceMeta":
        """Parse `encode()` output; InvalidSliceMeta when it is not valid EC metadata."""
        try:
            parsed = fields.loads(data)
        except ValueError as exc:
            raise InvalidSliceMeta(f"EC metadata is not valid JSON: {exc}") from exc
        return cls.from_json(parsed)


def _check(data: dict[str, Any]) -> None:
    """InvalidSliceMeta unless every field of the JSON form has its type and range."""
    if data.get("meta_version") != META_VERSION:
        raise InvalidSliceMeta(f"EC metadata version {data.get('meta_version')!r} is not {META_VERSION}")
    for key in _INT_FIELDS:
        if type(data.get(key)) is not int:
            raise InvalidSliceMeta(f'EC metadata field "{key}" is not an integer')
    for key in _STR_FIELDS:
        if not isinstance(data.get(key), str):
            raise InvalidSliceMeta(f'EC metadata field "{key}" is not a string')
    _check_range(data, "data_slices", 1, MAX_DATA_SLICES)
    _check_range(data, "parity_slices", 1, MAX_PARITY_SLICES)
    count = data["data_slices"] + data["parity_slices"]
    _check_range(data, "slice_id", REPLICA, count)
    _check_range(data, "object_size", 0, None)
    _check_range(data, "generation", 0, None)
    _check_range(data, "atime_ns", 0, None)
    _check_range(data, "piece_size", 1, MAX_PIECE_SIZE)
    if not _is_map(data.get("custom"), str):
        raise InvalidSliceMeta('EC metadata field "custom" is not a map of strings to strings')
    nodes = data.get("nodes")
    if not _is_map(nodes, int) or not all(key and 0 <= value <= count for key, value in nodes.items()):
        raise InvalidSliceMeta(f'EC metadata field "nodes" is not a map of node ids to slice ids 0..{count}')


def _check_range(data: dict[str, Any], key: str, low: int, high: int | None) -> None:
    value = data[key]
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f" and at most {high}"
        raise InvalidSliceMeta(f'EC metadata field "{key}" is {value}: must be at least {low}{upper}')


def _is_map(value: Any, kind: type) -> TypeGuard[dict[str, Any]]:
    """Whether `value` is a dict of str keys to values of exactly type `kind` (no bools for int)."""
    return isinstance(value, dict) and all(
        isinstance(key, str) and type(item) is kind for key, item in value.items()
    )
