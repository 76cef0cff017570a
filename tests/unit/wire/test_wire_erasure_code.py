"""wire.erasure_code: SliceMeta's JSON round trip and its strict validation."""

import dataclasses
import json
from typing import Any

import pytest

from pyaistore.wire.erasure_code import InvalidSliceMeta, SliceMeta


def _meta(**changes: Any) -> SliceMeta:
    meta = SliceMeta(
        object_size=1_000_001,
        generation=1_764_000_000_000_000_000,
        checksum_type="xxhash2",
        checksum_value="0123456789abcdef",
        version="3",
        data_slices=4,
        parity_slices=2,
        piece_size=256 * 1024,
        slice_id=5,
        nodes={"t1": 0, "t2": 1, "t3": 2, "t4": 3, "t5": 4, "t6": 5, "t7": 6},
        custom={"owner": "ü"},
        slice_checksum_value="fedcba9876543210",
    )
    return dataclasses.replace(meta, **changes)


def test_json_and_bytes_round_trip() -> None:
    meta = _meta()
    assert SliceMeta.from_json(json.loads(json.dumps(meta.to_json()))) == meta
    assert SliceMeta.decode(meta.encode()) == meta
    assert meta.to_json()["meta_version"] == 1
    assert (meta.is_replica, meta.slice_count) == (False, 6)
    assert _meta(slice_id=0).is_replica


def test_unknown_keys_are_ignored_for_later_versions() -> None:
    data = _meta().to_json() | {"added_later": [1, 2]}
    assert SliceMeta.from_json(data) == _meta()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("object_size", "12"),
        ("object_size", -1),
        ("object_size", True),
        ("generation", 1.5),
        ("data_slices", 0),
        ("data_slices", 33),
        ("parity_slices", 33),
        ("piece_size", 0),
        ("piece_size", 16 * 1024 * 1024 + 1),
        ("slice_id", 7),
        ("slice_id", -1),
        ("checksum_value", None),
        ("version", 3),
        ("custom", {"k": 1}),
        ("custom", []),
        ("nodes", {"t1": "1"}),
        ("nodes", {"t1": 7}),
        ("nodes", {"": 1}),
        ("nodes", {"t1": True}),
        ("meta_version", 2),
    ],
)
def test_mistyped_or_out_of_range_fields_are_rejected(key: str, value: Any) -> None:
    data = _meta().to_json()
    data[key] = value
    with pytest.raises(InvalidSliceMeta):
        SliceMeta.from_json(data)


def test_missing_fields_and_bad_documents_are_rejected() -> None:
    for key in _meta().to_json():
        data = _meta().to_json()
        del data[key]
        with pytest.raises(InvalidSliceMeta):
            SliceMeta.from_json(data)
    for document in (b"[]", b"{", b"\xff"):
        with pytest.raises(InvalidSliceMeta):
            SliceMeta.decode(document)
    assert issubclass(InvalidSliceMeta, ValueError)


def test_construction_validates_too() -> None:
    with pytest.raises(InvalidSliceMeta):
        _meta(slice_id=9)
