"""staged_write: a small object's write in steps that never wait, with the atomic writer's guarantees.

Real stores on real directories; the commit queue's flushes go through a recording seam, and a
recording Waker stands for the event loop that would wait.
"""

import os
import threading
from pathlib import Path

import pytest

from pyaistore.storage import layout
from pyaistore.storage.commit_queue import CommitQueue, Flushers
from pyaistore.storage.errors import ChecksumMismatch, ObjectNotFound
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.storage.staged_write import StagedWrite
from pyaistore.wire.bucket_id import BucketId

BUCKET = BucketId("staged")
DEADLINE_S = 10.0


class Waker:
    """Records the tokens the commit queue hands back, and the batch's error."""

    def __init__(self) -> None:
        self.tokens: list[object] = []
        self.errors: list[BaseException | None] = []
        self.woken = threading.Event()

    def asked(self, queue: CommitQueue) -> None:
        queue.kick()

    def wake(self, tokens: list[object], error: BaseException | None) -> None:
        self.tokens += tokens
        self.errors.append(error)
        self.woken.set()

    def wait(self) -> None:
        assert self.woken.wait(DEADLINE_S), "the flush never completed"
        self.woken.clear()


def _store(
    tmp_path: Path, *, disks: int = 1, fsync: bool = True, use_xattrs: bool = True, journal: bool = True
) -> ObjectStore:
    flushes: list[str] = []
    store = ObjectStore(
        MountpathSet([tmp_path / f"disk{index}" for index in range(disks)]),
        fsync=fsync,
        use_xattrs=use_xattrs,
        journal=journal,
        flushers=Flushers(file=lambda _: flushes.append("file"), directory=lambda _: flushes.append("dir")),
    )
    store.ensure_bucket(BUCKET)
    return store


def _staged(store: ObjectStore, name: str, data: bytes, props: WriteProps | None = None) -> StagedWrite:
    staged = store.stage_small(BUCKET, name, props or WriteProps(), data)
    assert staged is not None
    return staged


def _write(staged: StagedWrite, waker: Waker) -> None:
    """Every step, waiting for each flush as an event loop would."""
    assert staged.prepare()
    if staged.flush_file(waker, "file"):
        waker.wait()
    assert staged.publish()
    if staged.flush_dir(waker, "dir"):
        waker.wait()


def _read(store: ObjectStore, name: str) -> bytes:
    with store.open(BUCKET, name) as obj:
        return b"".join(obj.read_range(0, obj.size))


def _work_files(store: ObjectStore) -> list[str]:
    return sorted(name for mp in store.mountpaths.all for name in os.listdir(layout.work_dir(mp)))


def test_steps_publish_only_after_the_file_flush_and_versions_follow(tmp_path: Path) -> None:
    store = _store(tmp_path, journal=False)  # a create waits for two flushes without the journal
    waker = Waker()
    with _staged(store, "a/b", b"first") as staged:
        assert staged.prepare()
        assert staged.flush_file(waker, "file")
        waker.wait()
        with pytest.raises(ObjectNotFound):  # flushed, not yet renamed: nobody sees it
            store.head(BUCKET, "a/b")
        assert staged.publish()
        assert staged.flush_dir(waker, "dir")
        waker.wait()
    assert waker.tokens == ["file", "dir"] and waker.errors == [None, None]
    assert staged.meta is not None and staged.meta.version == "1" and staged.meta.size == 5
    assert staged.meta.mountpath == str(store.mountpaths.all[0].root)
    with _staged(store, "a/b", b"second") as again:
        _write(again, waker)
    assert _read(store, "a/b") == b"second" and store.head(BUCKET, "a/b").version == "2"
    assert _work_files(store) == []


def test_a_busy_lock_leaves_everything_as_it_was(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _write(_staged(store, "obj", b"old"), Waker())
    staged = _staged(store, "obj", b"new")
    lock = staged._destination.lock  # the stripe the write needs, held as another writer would
    with lock, staged:
        assert not staged.prepare()
    assert _read(store, "obj") == b"old" and _work_files(store) == []


def test_an_object_changed_between_the_steps_is_not_overwritten(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _write(_staged(store, "obj", b"v1"), Waker())
    waker = Waker()
    with _staged(store, "obj", b"late") as staged:
        assert staged.prepare() and staged.flush_file(waker, "file")
        waker.wait()
        # another writer publishes meanwhile (version 2); the staged write read version 1
        with store.writer(BUCKET, "obj", WriteProps()) as writer:
            writer.write(b"v2")
            writer.commit()
        assert not staged.publish()
    meta = store.head(BUCKET, "obj")
    assert _read(store, "obj") == b"v2" and meta.version == "2" and _work_files(store) == []


def test_a_busy_lock_at_publish_publishes_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with _staged(store, "obj", b"data") as staged:
        assert staged.prepare()
        with staged._destination.lock:
            assert not staged.publish()
    with pytest.raises(ObjectNotFound):
        store.head(BUCKET, "obj")
    assert _work_files(store) == []


def test_a_wrong_checksum_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    store = _store(tmp_path)
    props = WriteProps(expected_type="xxhash2", expected_value="0" * 16)
    with pytest.raises(ChecksumMismatch):
        store.stage_small(BUCKET, "obj", props, b"data")
    assert _work_files(store) == []


def test_a_no_op_put_keeps_the_object(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _write(_staged(store, "obj", b"same"), Waker())
    stored = store.head(BUCKET, "obj")
    props = WriteProps(expected_type=stored.checksum_type, expected_value=stored.checksum_value)
    with _staged(store, "obj", b"same", props) as staged:
        assert staged.prepare() and staged.kept
    assert staged.meta is not None and staged.meta.version == "1" == store.head(BUCKET, "obj").version
    assert _work_files(store) == []


def test_without_fsync_there_is_nothing_to_wait_for(tmp_path: Path) -> None:
    store = _store(tmp_path, fsync=False)
    with _staged(store, "obj", b"quick") as staged:
        assert staged.prepare()
        assert not staged.flush_file(Waker(), "file")
        assert staged.publish()
        assert not staged.flush_dir(Waker(), "dir")
    assert _read(store, "obj") == b"quick"


def test_stale_copies_on_other_mountpaths_are_removed(tmp_path: Path) -> None:
    store = _store(tmp_path, disks=3)
    with store.writer(BUCKET, "obj", WriteProps(copies=3)) as writer:
        writer.write(b"mirrored")
        writer.commit()
    _write(_staged(store, "obj", b"single"), Waker())
    holders = [mp for mp in store.mountpaths.all if layout.locate(mp, BUCKET, "obj").data.exists()]
    assert len(holders) == 1 and _read(store, "obj") == b"single"
    assert store.head(BUCKET, "obj").version == "2"


def test_an_object_only_on_another_mountpath_is_the_one_a_write_follows(tmp_path: Path) -> None:
    store = _store(tmp_path, disks=2)
    with store.writer(BUCKET, "moved", WriteProps()) as writer:
        writer.write(b"old")
        writer.commit()
    [main] = [mp for mp in store.mountpaths.all if layout.locate(mp, BUCKET, "moved").data.exists()]
    [other] = [mp for mp in store.mountpaths.all if mp is not main]
    away = layout.locate(other, BUCKET, "moved").data
    away.parent.mkdir(parents=True, exist_ok=True)
    layout.locate(main, BUCKET, "moved").data.rename(away)  # as a mountpath added meanwhile leaves it
    _write(_staged(store, "moved", b"new"), Waker())
    assert store.head(BUCKET, "moved").version == "2"  # it followed the copy found elsewhere
    assert layout.locate(main, BUCKET, "moved").data.exists() and not away.exists()
    assert _read(store, "moved") == b"new"


def test_not_offered_for_copies_or_sidecar_metadata(tmp_path: Path) -> None:
    assert _store(tmp_path / "m", disks=2).stage_small(BUCKET, "o", WriteProps(copies=2), b"x") is None
    assert _store(tmp_path / "s", use_xattrs=False).stage_small(BUCKET, "o", WriteProps(), b"x") is None


def test_a_change_in_place_or_a_delete_between_the_steps_is_seen(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _write(_staged(store, "obj", b"v1"), Waker())
    with _staged(store, "obj", b"late") as staged:
        assert staged.prepare()
        store.set_custom(BUCKET, "obj", {"k": "v"}, replace=False)  # same file, new metadata record
        assert not staged.publish()
    assert store.head(BUCKET, "obj").custom == {"k": "v"} and _read(store, "obj") == b"v1"
    with _staged(store, "obj", b"late") as staged:
        assert staged.prepare()
        store.delete(BUCKET, "obj")
        _write(_staged(store, "obj", b"again"), Waker())  # a new object at the same name, version 1
        assert not staged.publish()  # its version would follow the deleted object's
    assert _read(store, "obj") == b"again" and store.head(BUCKET, "obj").version == "1"
