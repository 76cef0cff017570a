"""A target's disks follow the bucket table, even across versions it never saw."""

from pathlib import Path

import pytest

from pyaistore.storage import bucket_meta
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.target import bucket_sync
from pyaistore.wire.bucket_id import BucketId

BUCKET = BucketId("images")


def _table(version: int, bid: int) -> BucketTable:
    return BucketTable(version, {BUCKET.uname: bucket_meta.default_props(BUCKET, 1, bid)})


def _store_with_object(tmp_path: Path) -> ObjectStore:
    store = ObjectStore(MountpathSet([tmp_path / "disk0"]))
    store.ensure_bucket(BUCKET)
    with store.writer(BUCKET, "cats/001.jpg", WriteProps()) as writer:
        writer.write(b"old bytes")
        writer.commit()
    return store


def test_a_bucket_created_again_under_its_name_starts_empty(tmp_path: Path) -> None:
    # Versions 2 (dropped, e.g. renamed away) and 3 (created again) arrive as one jump to 3.
    store = _store_with_object(tmp_path)
    bucket_sync.apply(store, _table(1, bid=1), _table(3, bid=3))
    with pytest.raises(ObjectNotFound):
        store.head(BUCKET, "cats/001.jpg")
    assert store.list_entries(BUCKET, "", "", 10, True, False) == []


def test_a_props_change_keeps_the_objects(tmp_path: Path) -> None:
    store = _store_with_object(tmp_path)
    bucket_sync.apply(store, _table(1, bid=1), _table(2, bid=1))
    assert store.head(BUCKET, "cats/001.jpg").size == len(b"old bytes")


def test_a_dropped_bucket_is_destroyed(tmp_path: Path) -> None:
    store = _store_with_object(tmp_path)
    bucket_sync.apply(store, _table(1, bid=1), BucketTable(2, {}))
    with pytest.raises(ObjectNotFound):
        store.head(BUCKET, "cats/001.jpg")
