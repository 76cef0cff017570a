"""Helpers for mirroring and resilver tests: stores on several disks, and what each disk holds."""

from pathlib import Path

from pyaistore.storage import layout, meta_store
from pyaistore.storage.mountpaths import Mountpath, MountpathSet
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId

BUCKET = BucketId("mirrored")


def make_store(tmp_path: Path, disks: int, use_xattrs: bool = True) -> ObjectStore:
    """A store on `disks` fresh mountpaths, its locks and state file in tmp_path, with BUCKET."""
    mountpaths = MountpathSet(
        [tmp_path / f"disk{i}" for i in range(disks)], state_file=tmp_path / "mountpaths.json"
    )
    store = ObjectStore(mountpaths, lock_dir=tmp_path / "locks", fsync=False, use_xattrs=use_xattrs)
    store.ensure_bucket(BUCKET)
    return store


def put(
    store: ObjectStore, name: str, data: bytes, copies: int = 1, bucket: BucketId = BUCKET, **props: object
) -> ObjectMeta:
    """Write an object through the store's writer."""
    with store.writer(bucket, name, WriteProps(copies=copies, **props)) as writer:  # type: ignore[arg-type]
        writer.write(data)
        return writer.commit()


def read(store: ObjectStore, name: str, bucket: BucketId = BUCKET) -> bytes:
    """The object's content through the store."""
    with store.open(bucket, name) as obj:
        return b"".join(obj.read_range(0, obj.size))


def holders(store: ObjectStore, name: str, bucket: BucketId = BUCKET) -> list[Mountpath]:
    """The available mountpaths that hold a data file of the object, read from disk directly."""
    return [mp for mp in store.mountpaths.available if layout.object_path(mp, bucket, name).is_file()]


def on_disk(mp: Mountpath, name: str, bucket: BucketId = BUCKET) -> tuple[bytes, ObjectMeta]:
    """The data and xattr metadata of the object's file on one mountpath."""
    path = layout.object_path(mp, bucket, name)
    return path.read_bytes(), meta_store.read(path)


def assert_copies(
    store: ObjectStore, name: str, copies: int, data: bytes, bucket: BucketId = BUCKET
) -> ObjectMeta:
    """The object is on exactly its first `copies` HRW mountpaths, byte- and metadata-identical."""
    ranking = store.mountpaths.ranked(bucket.object_uname(name))
    expected = sorted(mp.root_str for mp in ranking[:copies])
    assert sorted(mp.root_str for mp in holders(store, name, bucket)) == expected, name
    found = [on_disk(mp, name, bucket) for mp in ranking[:copies]]
    assert all(content == data for content, _ in found), name
    metas = [meta.to_json() for _, meta in found]
    assert all(meta == metas[0] for meta in metas), name
    return found[0][1]
