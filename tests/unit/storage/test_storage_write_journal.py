"""write_journal: a small create is acknowledged after the journal's flush alone, and rebuilt from it.

Real stores on real directories. The journal's flush goes through the store's flush seam (a
gate that can hold it open), so a test can see that nothing is acknowledged before it. A power
loss is what happens to the files after it: a create whose name or data never reached the disk
is gone or torn, and `recover` is told of a boot other than the one the journal was written in.
"""

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pyaistore.storage import layout
from pyaistore.storage.commit_queue import CommitQueue, Flushers
from pyaistore.storage.meta_store import XATTR_NAME
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.storage.staged_write import StagedWrite
from pyaistore.storage.write_journal import WriteJournal, boot_id, recover
from pyaistore.wire.bucket_id import BucketId

BUCKET = BucketId("journaled")
DEADLINE_S = 10.0
NEVER_S = 3600.0  # no checkpoint runs by itself during a test


class Waker:
    """Stands for the event loop: records the tokens handed back once their flush is done."""

    def __init__(self) -> None:
        self.tokens: list[object] = []
        self.woken = threading.Event()

    def asked(self, queue: CommitQueue) -> None:
        queue.kick()

    def wake(self, tokens: list[object], error: BaseException | None) -> None:
        assert error is None
        self.tokens += tokens
        self.woken.set()


class Disk:
    """The store's flushes: each recorded; the file flushes (the journal's) held until the gate opens."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.gate = threading.Event()
        self.gate.set()

    def flushers(self) -> Flushers:
        def file(fd: int) -> None:
            self.calls.append("file")
            assert self.gate.wait(DEADLINE_S)
            os.fdatasync(fd)

        def filesystem(root: Path) -> None:
            self.calls.append("fs")
            os.sync()

        return Flushers(file=file, directory=lambda _: self.calls.append("dir"), filesystem=filesystem)


@pytest.fixture
def disk() -> Disk:
    return Disk()


@pytest.fixture
def store(tmp_path: Path, disk: Disk) -> Iterator[ObjectStore]:
    object_store = ObjectStore(
        MountpathSet([tmp_path / "disk"]), flushers=disk.flushers(), journal_interval_s=NEVER_S
    )
    object_store.ensure_bucket(BUCKET)
    yield object_store
    disk.gate.set()
    object_store.close()


def _root(store: ObjectStore) -> Path:
    return store.mountpaths.all[0].root


def _segments(store: ObjectStore) -> list[Path]:
    directory = _root(store) / layout.JOURNAL_DIR
    return sorted(directory.glob("*.log")) if directory.is_dir() else []


def _staged(store: ObjectStore, name: str, data: bytes) -> StagedWrite:
    staged = store.stage_small(BUCKET, name, WriteProps(), data)
    assert staged is not None
    return staged


def _write(store: ObjectStore, name: str, data: bytes) -> tuple[bool, bool]:
    """Every step as the event loop takes them; whether it waited for the file flush and the dir flush."""
    waker = Waker()
    with _staged(store, name, data) as staged:
        assert staged.prepare()
        waited_file = staged.flush_file(waker, "file")
        if waited_file:
            assert waker.woken.wait(DEADLINE_S)
            waker.woken.clear()
        assert staged.publish()
        waited_dir = staged.flush_dir(waker, "dir")
        if waited_dir:
            assert waker.woken.wait(DEADLINE_S)
    return waited_file, waited_dir


def _read(store: ObjectStore, name: str) -> bytes:
    with store.open(BUCKET, name) as obj:
        return b"".join(obj.read_range(0, obj.size))


def _path(store: ObjectStore, name: str) -> Path:
    return layout.object_path(store.mountpaths.all[0], BUCKET, name)


def test_a_create_is_acknowledged_after_the_journal_flush_alone(store: ObjectStore, disk: Disk) -> None:
    waker = Waker()
    disk.gate.clear()  # the journal's flush starts but does not finish
    work_dir = layout.work_dir(store.mountpaths.all[0])
    with _staged(store, "new/obj", b"payload") as staged:
        assert staged.prepare()
        assert os.listdir(work_dir) == []  # the create's work file has no name (O_TMPFILE)
        assert staged.flush_file(waker, "file")
        assert not waker.woken.wait(0.2), "acknowledged before the journal was flushed"
        segment = _segments(store)[0]
        assert b"new/obj" in segment.read_bytes() and b"payload" in segment.read_bytes()
        disk.gate.set()
        assert waker.woken.wait(DEADLINE_S) and waker.tokens == ["file"]
        assert staged.publish()
        assert not staged.flush_dir(waker, "dir")  # the journal stands for the name
    assert _read(store, "new/obj") == b"payload"
    assert store.head(BUCKET, "new/obj").version == "1"
    assert disk.calls == ["file"]  # one flush, the journal's: no directory flush, no syncfs
    assert os.listdir(work_dir) == []


def test_an_overwrite_waits_for_both_flushes_and_is_not_journaled(store: ObjectStore, disk: Disk) -> None:
    assert _write(store, "obj", b"v1") == (True, False)
    journaled = _segments(store)[0].read_bytes()
    assert _write(store, "obj", b"v2") == (True, True)
    assert _segments(store)[0].read_bytes() == journaled  # nothing appended for the overwrite
    assert disk.calls == ["file", "file", "dir"]
    assert _read(store, "obj") == b"v2" and store.head(BUCKET, "obj").version == "2"


def test_a_name_taken_meanwhile_is_not_linked_over(store: ObjectStore) -> None:
    waker = Waker()
    with _staged(store, "raced", b"loser") as staged:
        assert staged.prepare() and staged.flush_file(waker, "file")
        assert waker.woken.wait(DEADLINE_S)
        with store.writer(BUCKET, "raced", WriteProps()) as writer:  # another writer creates it first
            writer.write(b"winner")
            writer.commit()
        assert not staged.publish()
    assert _read(store, "raced") == b"winner"


def test_a_checkpoint_retires_settled_segments_after_a_syncfs(store: ObjectStore, disk: Disk) -> None:
    _write(store, "a", b"1")
    assert store._journals is not None
    journal = store._journals.for_root(_root(store))
    assert len(_segments(store)) == 1
    waker = Waker()
    with _staged(store, "b", b"2") as unsettled:
        assert unsettled.prepare() and unsettled.flush_file(waker, "file")
        assert waker.woken.wait(DEADLINE_S)
        assert journal.checkpoint() == 0  # its segment still has a write in flight
        assert "fs" not in disk.calls and len(_segments(store)) == 1
        assert unsettled.publish()
    assert journal.checkpoint() == 1
    assert disk.calls.count("fs") == 1 and _segments(store) == []
    assert _read(store, "a") == b"1" and _read(store, "b") == b"2"


def test_a_clean_close_leaves_no_segment(tmp_path: Path, disk: Disk) -> None:
    store = ObjectStore(
        MountpathSet([tmp_path / "disk"]), flushers=disk.flushers(), journal_interval_s=NEVER_S
    )
    store.ensure_bucket(BUCKET)
    _write(store, "obj", b"data")
    assert len(_segments(store)) == 1
    store.close()
    assert _segments(store) == [] and _read(store, "obj") == b"data"


def test_recover_after_a_reboot_rebuilds_lost_and_torn_creates_only(store: ObjectStore) -> None:
    for name in ("lost", "torn", "intact", "replaced", "cut"):
        _write(store, name, name.encode() * 100)
    meta_of_lost = os.getxattr(_path(store, "lost"), XATTR_NAME)
    with store.writer(BUCKET, "replaced", WriteProps()) as writer:  # a later, complete object
        writer.write(b"newer")
        writer.commit()
    # The power loss: one name never reached the disk, one file's data did not.
    _path(store, "lost").unlink()
    with open(_path(store, "torn"), "r+b") as torn:
        torn.truncate(0)
    _path(store, "cut").unlink()
    segment = _segments(store)[0]
    content = segment.read_bytes()
    segment.write_bytes(content[:-7])  # the last record ("cut") torn: it was never flushed
    store.close()  # (a crash would leave the segment: put it back as the crash left it)
    segment.write_bytes(content[:-7])

    assert recover(_root(store), boot="another boot") == 2
    assert _read(store, "lost") == b"lost" * 100
    assert os.getxattr(_path(store, "lost"), XATTR_NAME) == meta_of_lost  # version, checksum, time
    assert _read(store, "torn") == b"torn" * 100
    assert _read(store, "intact") == b"intact" * 100
    assert _read(store, "replaced") == b"newer" and store.head(BUCKET, "replaced").version == "2"
    assert not _path(store, "cut").exists()  # never acknowledged: not rebuilt
    assert _segments(store) == []


def test_recover_rebuilds_the_last_create_of_a_name_created_twice(store: ObjectStore) -> None:
    _write(store, "obj", b"first")
    store.delete(BUCKET, "obj")
    assert _write(store, "obj", b"second") == (True, False)  # a create again: journaled
    _path(store, "obj").unlink()  # the power loss took the name
    segments = {segment: segment.read_bytes() for segment in _segments(store)}
    store.close()
    for segment, content in segments.items():
        segment.write_bytes(content)
    assert recover(_root(store), boot="another boot") == 1
    assert _read(store, "obj") == b"second"


def test_recover_in_the_same_boot_only_retires(store: ObjectStore) -> None:
    _write(store, "obj", b"data")
    segment = _segments(store)[0]
    content = segment.read_bytes()
    store.close()
    segment.write_bytes(content)  # as a killed process leaves it
    _path(store, "obj").unlink()  # (the kernel lived on: this cannot happen; shows no replay ran)
    assert recover(_root(store), boot=boot_id()) == 0
    assert not _path(store, "obj").exists() and _segments(store) == []


def test_recover_refuses_a_record_outside_the_mountpath(tmp_path: Path) -> None:
    root = tmp_path / "disk"
    root.mkdir()
    journal = WriteJournal(root, boot="old boot", interval_s=NEVER_S)
    journal.append("../escaped", b"{}", b"data")
    journal.append(".work/inside-root-only", b"{}", b"data")
    assert recover(root, boot="new boot") == 0
    assert not (tmp_path / "escaped").exists()
    assert not (root / ".work" / "inside-root-only").exists()
