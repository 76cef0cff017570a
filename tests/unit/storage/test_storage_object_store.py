"""object_store: head/open/delete, custom metadata, copy, rename, buckets and cleanup."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from pyaistore.storage import layout
from pyaistore.storage.errors import InvalidName, ObjectNotFound
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId

Put = Callable[..., ObjectMeta]
Read = Callable[[str], bytes]


def test_missing_objects(any_store: ObjectStore, bucket: BucketId) -> None:
    with pytest.raises(ObjectNotFound, match="ais://bkt/nope does not exist"):
        any_store.head(bucket, "nope")
    with pytest.raises(ObjectNotFound):
        any_store.open(bucket, "nope")
    with pytest.raises(ObjectNotFound):
        any_store.delete(bucket, "nope")


def test_directories_are_not_objects(any_store: ObjectStore, bucket: BucketId, put: Put) -> None:
    put("d/o", b"x")
    with pytest.raises(ObjectNotFound):
        any_store.head(bucket, "d")
    with pytest.raises(ObjectNotFound):
        any_store.delete(bucket, "d")
    with pytest.raises(ObjectNotFound):
        any_store.head(bucket, "d/o/deeper")


def test_symlinks_are_never_followed(any_store: ObjectStore, bucket: BucketId, put: Put) -> None:
    put("real", b"data")
    mp = any_store.mountpaths.choose(bucket.object_uname("link"))
    target = any_store.mountpaths.choose(bucket.object_uname("real"))
    link = layout.object_path(mp, bucket, "link")
    link.symlink_to(layout.object_path(target, bucket, "real"))
    with pytest.raises(ObjectNotFound):
        any_store.head(bucket, "link")
    with pytest.raises(ObjectNotFound):
        any_store.open(bucket, "link")
    assert [name for name, _ in any_store.list_names(bucket)] == ["real"]


@pytest.mark.parametrize("name", ["../escape", "/abs", "a/./b", "a\x00b", ""])
def test_invalid_names_are_rejected_before_any_io(
    any_store: ObjectStore, bucket: BucketId, name: str
) -> None:
    with pytest.raises(InvalidName):
        any_store.head(bucket, name)
    with pytest.raises(InvalidName):
        any_store.writer(bucket, name, WriteProps())


def test_delete_removes_data_metadata_and_empty_dirs(
    any_store: ObjectStore, bucket: BucketId, put: Put
) -> None:
    put("a/b/c", b"x")
    put("a/keep", b"y")
    any_store.delete(bucket, "a/b/c")
    with pytest.raises(ObjectNotFound):
        any_store.head(bucket, "a/b/c")
    mp = any_store.mountpaths.choose(bucket.object_uname("a/b/c"))
    assert not layout.object_path(mp, bucket, "a/b").exists()
    assert not layout.sidecar_path(mp, bucket, "a/b/c").exists()
    assert layout.objects_dir(mp, bucket).is_dir()
    assert list(any_store.list_names(bucket)) == [("a/keep", False)]
    put("a/b", b"now a file")  # the pruned directory no longer conflicts


def test_set_custom_merges_or_replaces(
    any_store: ObjectStore, bucket: BucketId, put: Put, read: Read
) -> None:
    original = put("o", b"data", custom={"a": "1", "b": "2"})
    merged = any_store.set_custom(bucket, "o", {"b": "20", "c": "3"}, replace=False)
    assert merged.custom == {"a": "1", "b": "20", "c": "3"}
    replaced = any_store.set_custom(bucket, "o", {"z": "26"}, replace=True)
    assert replaced.custom == {"z": "26"}
    head = any_store.head(bucket, "o")
    assert head == replaced
    assert (head.version, head.checksum_value, head.size) == (original.version, original.checksum_value, 4)
    assert read("o") == b"data"
    with pytest.raises(ObjectNotFound):
        any_store.set_custom(bucket, "nope", {}, replace=False)


def test_copy_across_buckets(any_store: ObjectStore, bucket: BucketId, put: Put) -> None:
    other = BucketId("other")
    any_store.ensure_bucket(other)
    source = put("src", os.urandom(3 << 20), custom={"a": "1"})
    copied = any_store.copy(bucket, "src", other, "dir/dst", WriteProps(custom={"b": "2"}))
    assert copied.custom == {"a": "1", "b": "2"}
    assert (copied.size, copied.checksum_value, copied.version) == (source.size, source.checksum_value, "1")
    with any_store.open(bucket, "src") as one, any_store.open(other, "dir/dst") as two:
        assert b"".join(one.read_range(0, one.size)) == b"".join(two.read_range(0, two.size))
    with pytest.raises(ObjectNotFound):
        any_store.copy(bucket, "nope", other, "x", WriteProps())


def test_copy_with_explicit_version(any_store: ObjectStore, bucket: BucketId, put: Put) -> None:
    put("src", b"x")
    assert any_store.copy(bucket, "src", bucket, "dst", WriteProps(version="7")).version == "7"


def test_rename_keeps_metadata(any_store: ObjectStore, bucket: BucketId, put: Put, read: Read) -> None:
    put("old", b"v1")
    source = put("old", b"v2", custom={"k": "v"})
    renamed = any_store.rename(bucket, "old", "new/name")
    assert read("new/name") == b"v2"
    with pytest.raises(ObjectNotFound):
        any_store.head(bucket, "old")
    for field in ("size", "checksum_type", "checksum_value", "version", "atime_ns", "custom"):
        assert getattr(renamed, field) == getattr(source, field)
    assert renamed.name == "new/name"
    with pytest.raises(InvalidName):
        any_store.rename(bucket, "new/name", "new/name")
    with pytest.raises(InvalidName):
        any_store.rename(bucket, "new/name", "../x")


def test_destroy_bucket_removes_everything(store3: ObjectStore, bucket: BucketId) -> None:
    for i in range(20):
        with store3.writer(bucket, f"d/{i}", WriteProps()) as writer:
            writer.write(b"x")
            writer.commit()
    store3.destroy_bucket(bucket)
    assert list(store3.list_names(bucket)) == []
    with pytest.raises(ObjectNotFound):
        store3.head(bucket, "d/1")
    for mp in store3.mountpaths.all:
        assert not layout.bucket_dir(mp, bucket).exists()
        assert list(layout.trash_dir(mp).iterdir()) == []
    store3.destroy_bucket(bucket)  # destroying again is harmless


def test_cleanup_work_removes_leftovers(store3: ObjectStore, bucket: BucketId) -> None:
    writer = store3.writer(bucket, "o", WriteProps())
    writer.write(b"abandoned")  # e.g. the process died mid-PUT
    store3.append(bucket, "p", "", [b"never flushed"])
    (layout.trash_dir(store3.mountpaths.all[1]) / "half-destroyed" / "obj").mkdir(parents=True)
    assert store3.cleanup_work(older_than_s=3600) == 0  # all still fresh
    assert store3.cleanup_work() == 3
    assert store3.cleanup_work() == 0
    for mp in store3.mountpaths.all:
        assert list(layout.work_dir(mp).iterdir()) == []
        assert list(layout.trash_dir(mp).iterdir()) == []


def test_store_spreads_objects_over_mountpaths(store3: ObjectStore, bucket: BucketId) -> None:
    for i in range(30):
        with store3.writer(bucket, f"o{i}", WriteProps()) as writer:
            writer.write(b"x")
            meta = writer.commit()
        assert meta.mountpath == str(store3.mountpaths.choose(bucket.object_uname(f"o{i}")).root)
        assert store3.head(bucket, f"o{i}").mountpath == meta.mountpath
    used = {store3.head(bucket, f"o{i}").mountpath for i in range(30)}
    assert len(used) == 3


@pytest.mark.parametrize("use_xattrs", [True, False])
def test_no_fsync_mode_behaves_the_same(tmp_path: Path, bucket: BucketId, use_xattrs: bool) -> None:
    store = ObjectStore(MountpathSet([tmp_path / "d"]), use_xattrs=use_xattrs, fsync=False)
    with store.writer(bucket, "a/o", WriteProps()) as writer:
        writer.write(b"x")
        assert writer.commit().version == "1"
    assert store.set_custom(bucket, "a/o", {"k": "v"}, replace=False).custom == {"k": "v"}
    with store.open(bucket, "a/o") as obj:
        assert obj.read_all_small(10) == b"x"
