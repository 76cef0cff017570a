"""mirror: with the main mountpath disabled or its directory gone, objects stay readable from copies."""

import concurrent.futures
import shutil
from pathlib import Path

import pytest
from mirror_helpers import BUCKET, make_store, put, read

from pyaistore.storage.errors import LockBusy, MountpathUnavailable, ObjectNotFound
from pyaistore.storage.mountpaths import Mountpath, MountpathSet
from pyaistore.storage.object_file import ObjectFile
from pyaistore.storage.object_store import ObjectStore, WriteProps

NAMES = [f"dir{i % 3}/obj{i}" for i in range(30)]


@pytest.fixture
def store(tmp_path: Path) -> ObjectStore:
    store: ObjectStore = make_store(tmp_path, 3)
    for name in NAMES:
        put(store, name, name.encode() * 50, copies=2, custom={"name": name})
    return store


def _main(store: ObjectStore, name: str) -> Mountpath:
    return store.mountpaths.choose(BUCKET.object_uname(name))


def test_disabling_any_mountpath_keeps_every_object_readable(store: ObjectStore) -> None:
    before = {name: store.head(BUCKET, name).to_json() for name in NAMES}
    for mp in store.mountpaths.all:
        store.mountpaths.disable(mp.root)
        for name in NAMES:
            assert read(store, name) == name.encode() * 50
            meta = store.head(BUCKET, name)
            assert meta.to_json() == before[name] and meta.mountpath != mp.root_str
        assert [n for n, _ in store.list_names(BUCKET)] == sorted(NAMES)
        store.mountpaths.enable(mp.root)


def test_a_removed_mountpath_directory_falls_back_to_copies(store: ObjectStore) -> None:
    gone = store.mountpaths.all[0]
    shutil.rmtree(gone.root)
    for name in NAMES:
        assert read(store, name) == name.encode() * 50
        assert store.head(BUCKET, name).custom == {"name": name}
    assert len(store.list_entries(BUCKET, with_meta=True)) == len(NAMES)
    assert not store.mountpaths.check(gone)


def test_writes_to_a_removed_mountpath_raise_the_typed_error(store: ObjectStore) -> None:
    gone = store.mountpaths.all[0]
    shutil.rmtree(gone.root)
    on_gone = [name for name in NAMES if _main(store, name) == gone]
    elsewhere = [name for name in NAMES if _main(store, name) != gone]
    assert on_gone and elsewhere
    for name in on_gone:
        with pytest.raises(MountpathUnavailable) as caught:
            put(store, name, b"new")
        assert caught.value.path == gone.root_str
        with pytest.raises(MountpathUnavailable):
            store.append(BUCKET, name, "", [b"x"])
    for name in elsewhere:
        assert put(store, name, b"new").version == "2"  # copies=1: the gone disk is not needed
        store.set_custom(BUCKET, name, {"k": "v"}, replace=False)
        store.delete(BUCKET, name)
    assert not gone.root.exists()  # never recreated underneath


def test_after_disabling_the_removed_mountpath_writes_go_elsewhere(store: ObjectStore) -> None:
    gone = store.mountpaths.all[0]
    shutil.rmtree(gone.root)
    assert store.mountpaths.disable(gone.root)
    for name in NAMES:
        assert put(store, name, b"v2", copies=2).version == "2"
        assert read(store, name) == b"v2"
        store.delete(BUCKET, name)
    assert not gone.root.exists()


def test_an_object_only_on_a_removed_mountpath(tmp_path: Path) -> None:
    store: ObjectStore = make_store(tmp_path, 2)
    name = next(n for n in NAMES if _main(store, n) == store.mountpaths.all[0])
    put(store, name, b"single copy")
    shutil.rmtree(store.mountpaths.all[0].root)
    for call in (store.head, store.open, store.delete):
        with pytest.raises(MountpathUnavailable, match="root directory is missing"):
            call(BUCKET, name)
    store.mountpaths.disable(store.mountpaths.all[0].root)
    with pytest.raises(ObjectNotFound):
        store.head(BUCKET, name)
    with store.writer(BUCKET, name, WriteProps()) as writer:
        writer.write(b"rewritten")
        assert writer.commit().version == "1"


def test_a_mountpath_removed_before_its_first_use_is_not_recreated(tmp_path: Path) -> None:
    store: ObjectStore = make_store(tmp_path, 2)
    (tmp_path / "fresh").mkdir()
    fresh = store.attach(tmp_path / "fresh", [BUCKET])
    shutil.rmtree(fresh.root)
    name = next(n for n in NAMES if _main(store, n) == fresh)
    with pytest.raises(MountpathUnavailable):
        store.head(BUCKET, name)
    with pytest.raises(MountpathUnavailable):
        put(store, name, b"x")
    assert not fresh.root.exists()


def _open_in_thread(store: ObjectStore, name: str) -> "concurrent.futures.Future[ObjectFile]":
    pool = concurrent.futures.ThreadPoolExecutor(1)
    future = pool.submit(store.open, BUCKET, name)
    pool.shutdown(wait=False)
    return future


@pytest.mark.parametrize("disks", [1, 2])
def test_a_miss_waits_for_the_lock_only_where_a_copy_can_be_in_flight(tmp_path: Path, disks: int) -> None:
    store = ObjectStore(MountpathSet([tmp_path / f"d{i}" for i in range(disks)]))
    store.ensure_bucket(BUCKET)
    staged = store.stage_small(BUCKET, "missing", WriteProps(), b"")
    assert staged is not None
    lock = staged._destination.lock  # the object's stripe, held as a writer flushing would hold it
    staged.close()
    assert lock.try_acquire()
    try:
        future = _open_in_thread(store, "missing")
        if disks == 1:  # nothing can move between mountpaths: the miss is answered at once
            with pytest.raises(ObjectNotFound):
                future.result(timeout=10)
            return
        with pytest.raises(concurrent.futures.TimeoutError):  # the locked second look waits
            future.result(timeout=0.3)
        with pytest.raises(LockBusy):  # unless told not to (an event loop's call): then at once
            store.open(BUCKET, "missing", wait=False)
    finally:
        lock.release()
    with pytest.raises(ObjectNotFound):
        future.result(timeout=10)
