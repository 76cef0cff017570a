"""slice_store pieces: write/open/head/delete, atomicity, checks, generations, names, xattr and sidecar."""

import dataclasses
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pyaistore.storage import checksums, layout
from pyaistore.storage.erasure_code import ErasureCodec
from pyaistore.storage.errors import (
    ChecksumMismatch,
    CorruptMeta,
    InvalidName,
    InvalidProps,
    NameConflict,
    SliceNotFound,
    SliceSizeMismatch,
)
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_store import ObjectStore
from pyaistore.storage.slice_store import XATTR_NAME, SliceStore
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta

BUCKET = BucketId("ecb")
CODEC = ErasureCodec(4, 2, 1000)
DATA = os.urandom(9_500)  # three stripes, the last one padded


def _slices() -> dict[int, bytes]:
    sinks = [io.BytesIO() for _ in range(CODEC.slice_count)]
    CODEC.encode_to([DATA], [sink.write for sink in sinks])
    return {index + 1: sink.getvalue() for index, sink in enumerate(sinks)}


SLICES = _slices()


def _meta(slice_id: int, generation: int = 100, **changes: object) -> SliceMeta:
    meta = SliceMeta(
        object_size=len(DATA),
        generation=generation,
        checksum_type="xxhash2",
        checksum_value=checksums.compute("xxhash2", DATA),
        version="1",
        data_slices=4,
        parity_slices=2,
        piece_size=1000,
        slice_id=slice_id,
        nodes={f"t{i}": i for i in range(7)},
        custom={"k": "v"},
    )
    return dataclasses.replace(meta, **changes)  # type: ignore[arg-type]


def _content(slice_id: int) -> bytes:
    return DATA if slice_id == 0 else SLICES[slice_id]


def _chunks(data: bytes, size: int = 777) -> Iterator[bytes]:
    return (data[start : start + size] for start in range(0, len(data), size))


@pytest.fixture(params=[True, False], ids=["xattr", "sidecar"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> SliceStore:
    return SliceStore(MountpathSet([tmp_path / "d0", tmp_path / "d1"]), use_xattrs=bool(request.param))


def _work_files(store: SliceStore) -> list[Path]:
    return [path for mp in store.mountpaths.all for path in layout.work_dir(mp).glob("*")]


@pytest.mark.parametrize("slice_id", [0, 1, 5])
def test_write_open_head_round_trip(store: SliceStore, slice_id: int) -> None:
    stored = store.write(BUCKET, "dir/o", _chunks(_content(slice_id)), _meta(slice_id))
    assert stored.slice_checksum_value == checksums.compute("xxhash2", _content(slice_id))
    assert stored == dataclasses.replace(_meta(slice_id), slice_checksum_value=stored.slice_checksum_value)
    assert store.head(BUCKET, "dir/o") == stored
    with store.open(BUCKET, "dir/o") as piece:
        assert piece.meta == stored and piece.size == len(_content(slice_id))
        assert b"".join(piece.read_range(0, piece.size, 1000)) == _content(slice_id)
        assert piece.read(10) + piece.read(10**6) == _content(slice_id)
        assert piece.read(10) == b""
    assert _work_files(store) == []


def test_pieces_live_beside_obj_and_objects_never_list_them(store: SliceStore, tmp_path: Path) -> None:
    store.write(BUCKET, "a/b", _chunks(SLICES[2]), _meta(2))
    uname = BUCKET.object_uname("a/b")
    location = layout.locate_slice(store.mountpaths.choose(uname), BUCKET, "a/b")
    assert location.data.read_bytes() == SLICES[2]
    assert "/ecb/ec/a/b" in str(location.data)
    objects = ObjectStore(store.mountpaths)
    objects.ensure_bucket(BUCKET)
    assert list(objects.list_names(BUCKET)) == []


def test_slices_read_back_through_the_store_rebuild_the_object(store: SliceStore) -> None:
    for slice_id in range(1, 7):
        store.write(BUCKET, f"o{slice_id}", [SLICES[slice_id]], _meta(slice_id))
    files = {slice_id: store.open(BUCKET, f"o{slice_id}") for slice_id in (2, 3, 5, 6)}
    try:
        assert b"".join(CODEC.decode(files, len(DATA))) == DATA
    finally:
        for file in files.values():
            file.close()


def test_a_failing_source_leaves_the_old_piece(store: SliceStore) -> None:
    old = store.write(BUCKET, "o", [SLICES[3]], _meta(3))

    def failing() -> Iterator[bytes]:
        yield SLICES[4][:500]
        raise OSError("peer went away")

    with pytest.raises(OSError, match="peer went away"):
        store.write(BUCKET, "o", failing(), _meta(4, generation=200))
    assert store.head(BUCKET, "o") == old
    with store.open(BUCKET, "o") as piece:
        assert piece.read(10**6) == SLICES[3]
    assert _work_files(store) == []


def test_a_failing_first_write_leaves_nothing(store: SliceStore) -> None:
    def failing() -> Iterator[bytes]:
        yield b"x"
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        store.write(BUCKET, "new", failing(), _meta(1))
    with pytest.raises(SliceNotFound):
        store.head(BUCKET, "new")
    assert _work_files(store) == []


def test_wrong_size_and_checksum_are_refused(store: SliceStore) -> None:
    with pytest.raises(SliceSizeMismatch):
        store.write(BUCKET, "o", [SLICES[1][:-1]], _meta(1))
    with pytest.raises(SliceSizeMismatch):
        store.write(BUCKET, "o", [DATA, b"x"], _meta(0))
    with pytest.raises(ChecksumMismatch):
        store.write(BUCKET, "o", [SLICES[1]], _meta(1, slice_checksum_value="0" * 16))
    with pytest.raises(InvalidProps):
        store.write(BUCKET, "o", [SLICES[1]], _meta(1, slice_checksum_type="crc64"))
    assert _work_files(store) == []
    with pytest.raises(SliceNotFound):
        store.head(BUCKET, "o")
    expected = checksums.compute("sha256", SLICES[1])
    meta = _meta(1, slice_checksum_type="sha256", slice_checksum_value=expected)
    assert store.write(BUCKET, "o", [SLICES[1]], meta) == meta


def test_an_older_generation_never_replaces_a_newer_one(store: SliceStore) -> None:
    newer = store.write(BUCKET, "o", [SLICES[1]], _meta(1, generation=200))
    assert store.write(BUCKET, "o", [SLICES[2]], _meta(2, generation=100)) == newer
    assert store.head(BUCKET, "o") == newer
    assert _work_files(store) == []
    again = store.write(BUCKET, "o", [SLICES[2]], _meta(2, generation=200))  # equal: replaced
    assert store.head(BUCKET, "o") == again and again.slice_id == 2


def test_delete_removes_the_piece_and_its_directories(store: SliceStore) -> None:
    store.write(BUCKET, "deep/er/o", [SLICES[1]], _meta(1))
    store.delete(BUCKET, "deep/er/o")
    with pytest.raises(SliceNotFound) as caught:
        store.head(BUCKET, "deep/er/o")
    assert caught.value.message == "no slice or replica of ais://ecb/deep/er/o is stored here"
    with pytest.raises(SliceNotFound):
        store.open(BUCKET, "deep/er/o")
    with pytest.raises(SliceNotFound):
        store.delete(BUCKET, "deep/er/o")
    for mp in store.mountpaths.all:
        assert not (layout.ec_slices_dir(mp, BUCKET) / "deep").exists()


def test_corrupt_metadata_is_a_typed_error(store: SliceStore) -> None:
    store.write(BUCKET, "o", [SLICES[1]], _meta(1))
    location = layout.locate_slice(store.mountpaths.choose(BUCKET.object_uname("o")), BUCKET, "o")
    if location.sidecar.exists():
        location.sidecar.write_bytes(b"{not json")
    else:
        os.setxattr(location.data, XATTR_NAME, b'{"meta_version": 1, "slice_id": "x"}')
    with pytest.raises(CorruptMeta):
        store.head(BUCKET, "o")
    with pytest.raises(CorruptMeta):
        store.open(BUCKET, "o")
    assert list(store.iterate(BUCKET)) == [("o", None)]
    store.write(BUCKET, "o", [SLICES[1]], _meta(1))  # a corrupt piece may be overwritten
    assert store.head(BUCKET, "o").slice_id == 1


@pytest.mark.parametrize("name", ["../../obj/x", "a/../../b", "/abs", "..", "", "a//b", "a\x00b"])
def test_names_that_escape_are_rejected(store: SliceStore, name: str) -> None:
    with pytest.raises(InvalidName):
        store.write(BUCKET, name, [SLICES[1]], _meta(1))
    for call in (store.head, store.open, store.delete, store.head_record, store.delete_record):
        with pytest.raises(InvalidName):
            call(BUCKET, name)
    with pytest.raises(InvalidName):
        store.write_record(BUCKET, name, _meta(0))
    with pytest.raises(InvalidName):
        store.head(BucketId("../x"), "o")
    assert _work_files(store) == []


def test_a_name_under_an_existing_piece_conflicts(tmp_path: Path) -> None:
    store = SliceStore(MountpathSet([tmp_path / "d0"]))
    store.write(BUCKET, "a", [SLICES[1]], _meta(1))
    with pytest.raises(NameConflict):
        store.write(BUCKET, "a/b", [SLICES[1]], _meta(1))
    assert _work_files(store) == []
