"""A mountpath root that vanishes (unmounted, or renamed away) is never created again by the store.

A root recreated empty looks like a healthy disk to the health probe, which then never disables
it. Each test makes the root vanish either before the call, or at the worst moment: just before
the call's first mkdir below it (`vanishing_root`), after any check that the root is there.
"""

import os
from pathlib import Path

import pytest
from mirror_helpers import BUCKET, make_store, put
from vanishing_root import vanish_before_mkdir

from pyaistore.storage import checksums, layout
from pyaistore.storage.errors import MountpathUnavailable
from pyaistore.storage.multipart import Uploads
from pyaistore.storage.object_locks import StripeLocks
from pyaistore.storage.object_store import ObjectStore
from pyaistore.storage.slice_store import SliceStore
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta


def _warm(store: ObjectStore) -> None:
    """A copy on every mountpath first: each disk's xattr support is probed (a mkdir) before the test."""
    put(store, "warm", b"x", copies=len(store.mountpaths.available))


def test_a_write_into_a_new_directory_does_not_recreate_the_root(tmp_path: Path) -> None:
    store = make_store(tmp_path, 1)
    _warm(store)
    root = store.mountpaths.all[0].root
    with vanish_before_mkdir(root, tmp_path / "away") as created, pytest.raises(MountpathUnavailable):
        put(store, "new/dir/object", b"data")
    assert not root.exists(), created
    assert (tmp_path / "away").is_dir()


def test_a_mirror_copy_into_a_new_directory_does_not_recreate_its_root(tmp_path: Path) -> None:
    store = make_store(tmp_path, 2)
    _warm(store)
    name = "fresh/dir/object"
    copy_root = store.mountpaths.ranked(BUCKET.object_uname(name))[1].root
    below = layout.objects_dir(store.mountpaths.find(copy_root), BUCKET)
    with vanish_before_mkdir(copy_root, tmp_path / "away", below), pytest.raises(MountpathUnavailable):
        put(store, name, b"data", copies=2)
    assert not copy_root.exists()


def test_a_sidecar_in_a_new_directory_does_not_recreate_the_root(tmp_path: Path) -> None:
    store = make_store(tmp_path, 1, use_xattrs=False)
    root = store.mountpaths.all[0].root
    below = layout.sidecars_dir(store.mountpaths.all[0], BUCKET)
    with vanish_before_mkdir(root, tmp_path / "away", below), pytest.raises(MountpathUnavailable):
        put(store, "new/dir/object", b"data")
    assert not root.exists()


def test_ensure_bucket_skips_a_root_that_vanishes_meanwhile(tmp_path: Path) -> None:
    store = make_store(tmp_path, 2)
    root = store.mountpaths.all[0].root
    with vanish_before_mkdir(root, tmp_path / "away"):
        store.ensure_bucket(BucketId("later"))
    assert not root.exists()
    assert layout.objects_dir(store.mountpaths.all[1], BucketId("later")).is_dir()


def test_enable_does_not_recreate_a_root_that_vanishes_while_it_prepares(tmp_path: Path) -> None:
    store = make_store(tmp_path, 2)
    mp = store.mountpaths.all[1]
    store.mountpaths.disable(mp.root)
    below = layout.bucket_dir(mp, BucketId("later"))
    with vanish_before_mkdir(mp.root, tmp_path / "away", below), pytest.raises(MountpathUnavailable):
        store.enable(mp.root, [BucketId("later")])
    assert not mp.root.exists()
    assert store.mountpaths.disabled == (mp,)


def _slice_meta() -> SliceMeta:
    """A replica (slice 0) of a 4-byte object."""
    return SliceMeta(
        object_size=4,
        generation=1,
        checksum_type="xxhash2",
        checksum_value=checksums.compute("xxhash2", b"abcd"),
        version="1",
        data_slices=1,
        parity_slices=1,
        piece_size=4,
        slice_id=0,
    )


def test_slice_writes_and_destroy_bucket_do_not_recreate_a_vanished_root(tmp_path: Path) -> None:
    store = make_store(tmp_path, 2)
    slices = SliceStore(store.mountpaths, fsync=False)
    gone = store.mountpaths.choose(BUCKET.object_uname("piece"))
    os.rename(gone.root, tmp_path / "away")
    with pytest.raises(MountpathUnavailable):
        slices.write(BUCKET, "piece", [b"abcd"], _slice_meta())
    with pytest.raises(MountpathUnavailable):
        slices.write_record(BUCKET, "piece", _slice_meta())
    slices.destroy_bucket(BUCKET)  # the other disk's trees go; the vanished one is skipped
    assert not gone.root.exists()


def test_a_multipart_upload_does_not_recreate_a_vanished_root(tmp_path: Path) -> None:
    store = make_store(tmp_path, 1)
    root = store.mountpaths.all[0].root
    os.rename(root, tmp_path / "away")
    with pytest.raises(MountpathUnavailable):
        Uploads(store).create(BUCKET, "big", "id-1", layout.new_token(), {})
    assert not root.exists()


def test_lock_stripes_never_create_their_directory_s_parent(tmp_path: Path) -> None:
    locks = StripeLocks(tmp_path / "gone" / "locks")
    assert not (tmp_path / "gone").exists()
    with pytest.raises(FileNotFoundError), locks.for_name("b/o"):
        pass
    assert not (tmp_path / "gone").exists()
    (tmp_path / "gone").mkdir()  # the parent is back: the lock directory is made on first use
    with locks.for_name("b/o"):
        assert (tmp_path / "gone" / "locks").is_dir()


def test_a_slice_store_started_after_its_lock_disk_vanished_does_not_recreate_it(tmp_path: Path) -> None:
    store = make_store(tmp_path, 2)
    first = store.mountpaths.all[0].root
    os.rename(first, tmp_path / "away")  # e.g. an HTTP worker restarted after the disk went
    SliceStore(store.mountpaths, fsync=False)
    assert not first.exists()
    SliceStore(store.mountpaths, fsync=False, lock_dir=tmp_path / "locks")  # a node's own directory
    assert (tmp_path / "locks").is_dir() and not first.exists()
