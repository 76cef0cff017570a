"""slice_store records and bucket-wide calls: main-target records, ordered iteration, bucket destroy."""

import dataclasses
from pathlib import Path

import pytest

from pyaistore.storage import layout
from pyaistore.storage.errors import CorruptMeta, SliceNotFound
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.storage.slice_store import SliceStore
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta

BUCKET = BucketId("ecb")


def _meta(slice_id: int, generation: int = 100, size: int = 10) -> SliceMeta:
    return SliceMeta(
        object_size=size,
        generation=generation,
        checksum_type="none",
        checksum_value="",
        version="1",
        data_slices=2,
        parity_slices=1,
        piece_size=8,
        slice_id=slice_id,
        nodes={"main": 0, "t1": 1, "t2": 2, "t3": 3},
    )


NAMES = ["a", "b/c", "b/d/e", "b0", "c-1", "z/y/x"]


def _spread_mountpaths(tmp_path: Path) -> MountpathSet:
    """Three mountpaths under tmp_path that NAMES do not all hash to (HRW over the random roots)."""
    for attempt in range(20):
        mountpaths = MountpathSet([tmp_path / f"set{attempt}" / f"d{i}" for i in range(3)])
        if len({mountpaths.choose(BUCKET.object_uname(n)) for n in NAMES}) > 1:
            return mountpaths
    raise AssertionError("no set of roots spreads NAMES over two mountpaths")


@pytest.fixture(params=[True, False], ids=["xattr", "sidecar"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> SliceStore:
    return SliceStore(_spread_mountpaths(tmp_path), use_xattrs=bool(request.param))


def test_records_round_trip_and_keep_the_newest(store: SliceStore) -> None:
    record = store.write_record(BUCKET, "x/o", _meta(0, generation=200))
    assert store.head_record(BUCKET, "x/o") == record
    assert store.write_record(BUCKET, "x/o", _meta(0, generation=100)) == record
    newer = store.write_record(BUCKET, "x/o", _meta(0, generation=300))
    assert store.head_record(BUCKET, "x/o") == newer
    with pytest.raises(SliceNotFound):
        store.head(BUCKET, "x/o")  # a record is not a piece
    store.delete_record(BUCKET, "x/o")
    with pytest.raises(SliceNotFound):
        store.head_record(BUCKET, "x/o")
    with pytest.raises(SliceNotFound):
        store.delete_record(BUCKET, "x/o")
    assert not any((layout.ec_records_dir(mp, BUCKET) / "x").exists() for mp in store.mountpaths.all)


def test_a_corrupt_record_is_a_typed_error(store: SliceStore) -> None:
    store.write_record(BUCKET, "o", _meta(0))
    mp = store.mountpaths.choose(BUCKET.object_uname("o"))
    layout.ec_record_path(mp, BUCKET, "o").write_bytes(b"[]")
    with pytest.raises(CorruptMeta):
        store.head_record(BUCKET, "o")
    assert list(store.iterate_records(BUCKET)) == [("o", None)]


def test_iterate_walks_every_mountpath_in_name_order(store: SliceStore) -> None:
    for index, name in enumerate(reversed(NAMES)):
        store.write(BUCKET, name, [bytes(8)], _meta(1 + index % 3))
        store.write_record(BUCKET, name, dataclasses.replace(_meta(0), version=str(index)))
    assert len({store.mountpaths.choose(BUCKET.object_uname(n)) for n in NAMES}) > 1  # spread out
    assert [name for name, _ in store.iterate(BUCKET)] == NAMES
    assert all(meta is not None and meta.slice_id in (1, 2, 3) for _, meta in store.iterate(BUCKET))
    assert [name for name, _ in store.iterate(BUCKET, prefix="b/")] == ["b/c", "b/d/e"]
    assert [name for name, _ in store.iterate(BUCKET, after="b/d/e")] == ["b0", "c-1", "z/y/x"]
    assert [name for name, _ in store.iterate_records(BUCKET, after="b0")] == ["c-1", "z/y/x"]
    assert list(store.iterate(BucketId("other"))) == []


def test_destroy_bucket_removes_ec_content_and_leaves_objects(store: SliceStore) -> None:
    objects = ObjectStore(store.mountpaths)
    objects.ensure_bucket(BUCKET)
    with objects.writer(BUCKET, "a", WriteProps()) as writer:
        writer.write(b"object")
        writer.commit()
    for name in NAMES:
        store.write(BUCKET, name, [bytes(8)], _meta(1))
        store.write_record(BUCKET, name, _meta(0))
    store.destroy_bucket(BUCKET)
    assert list(store.iterate(BUCKET)) == [] and list(store.iterate_records(BUCKET)) == []
    for mp in store.mountpaths.all:
        assert not layout.ec_slices_dir(mp, BUCKET).exists()
        assert not layout.ec_records_dir(mp, BUCKET).exists()
        assert list(layout.trash_dir(mp).iterdir()) == []
    assert [name for name, _ in objects.list_names(BUCKET)] == ["a"]
    store.destroy_bucket(BucketId("never-existed"))
