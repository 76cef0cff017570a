"""object_store: mountpath changes through the store prepare directories; locks live where told."""

import shutil
from pathlib import Path

import pytest
from mirror_helpers import BUCKET, make_store, put, read

from pyaistore.storage import layout
from pyaistore.storage.errors import InvalidMountpath
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_locks import LOCKS_DIR
from pyaistore.storage.object_store import ObjectStore
from pyaistore.wire.bucket_id import BucketId


def test_attach_prepares_work_trash_and_bucket_directories(tmp_path: Path) -> None:
    store: ObjectStore = make_store(tmp_path, 1)
    (tmp_path / "new").mkdir()
    other = BucketId("other")
    mp = store.attach(tmp_path / "new", [BUCKET, other])
    for directory in (layout.work_dir(mp), layout.trash_dir(mp), layout.objects_dir(mp, other)):
        assert directory.is_dir()
    with pytest.raises(InvalidMountpath):
        store.attach(tmp_path / "new")


def test_enable_recreates_directories_a_disk_lost(tmp_path: Path) -> None:
    store: ObjectStore = make_store(tmp_path, 2)
    mp = store.mountpaths.all[1]
    store.mountpaths.disable(mp.root)
    shutil.rmtree(mp.root)
    mp.root.mkdir()  # a replaced, empty disk
    assert store.enable(mp.root, [BUCKET]) is True
    assert layout.work_dir(mp).is_dir() and layout.objects_dir(mp, BUCKET).is_dir()
    for i in range(20):
        put(store, f"o{i}", b"x")
        assert read(store, f"o{i}") == b"x"


def test_ensure_bucket_and_cleanup_skip_a_vanished_root(tmp_path: Path) -> None:
    store: ObjectStore = make_store(tmp_path, 2)
    gone = store.mountpaths.all[0]
    shutil.rmtree(gone.root)
    store.ensure_bucket(BucketId("later"))
    store.cleanup_work()
    store.destroy_bucket(BUCKET)
    assert not gone.root.exists()


def test_destroy_bucket_reaches_disabled_mountpaths(tmp_path: Path) -> None:
    store: ObjectStore = make_store(tmp_path, 2)
    for i in range(10):
        put(store, f"o{i}", b"x", copies=2)
    store.mountpaths.disable(store.mountpaths.all[0].root)
    store.destroy_bucket(BUCKET)
    for mp in store.mountpaths.all:
        assert not layout.bucket_dir(mp, BUCKET).exists()


def test_locks_live_in_the_given_directory(tmp_path: Path) -> None:
    store: ObjectStore = make_store(tmp_path, 2)  # lock_dir=tmp_path/"locks"
    put(store, "o", b"x")
    assert any((tmp_path / "locks").iterdir())
    assert not any((mp.root / LOCKS_DIR).exists() for mp in store.mountpaths.all)
    store.mountpaths.detach(store.mountpaths.all[0].root)
    put(store, "o", b"y")  # writes still lock


def test_locks_default_to_the_first_mountpath(tmp_path: Path) -> None:
    mountpaths = MountpathSet([tmp_path / "d0", tmp_path / "d1"])
    store = ObjectStore(mountpaths, fsync=False)
    store.ensure_bucket(BUCKET)
    put(store, "o", b"x")
    assert any((tmp_path / "d0" / LOCKS_DIR).iterdir())
