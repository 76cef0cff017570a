"""commit_queue: nothing is acknowledged before its flush; one flush serves many; errors reach all.

The flush functions are the seam: a recording fake that can hold a flush open (a gate) or fail.
"""

import errno
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pyaistore.storage import layout
from pyaistore.storage.commit_queue import CommitQueue, Flushers, waiter_error
from pyaistore.storage.errors import NoSpace
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId

DEADLINE_S = 10.0


class FakeDisk:
    """Flush functions that record each call, can hold a flush until opened, and can fail."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []
        self.entered = threading.Event()  # a flush has started
        self.gate = threading.Event()  # flushes may finish
        self.gate.set()
        self.fail_with: OSError | None = None

    def flushers(self) -> Flushers:
        record = self._record
        return Flushers(file=record("file"), directory=record("dir"), filesystem=record("fs"))

    def _record(self, kind: str) -> Callable[[object], None]:
        def flush(target: object) -> None:
            self.calls.append((kind, target))
            self.entered.set()
            assert self.gate.wait(DEADLINE_S), "the test never opened the gate"
            if self.fail_with is not None:
                raise self.fail_with

        return flush


@pytest.fixture
def disk() -> FakeDisk:
    return FakeDisk()


@pytest.fixture
def queue(tmp_path: Path, disk: FakeDisk) -> Iterator[CommitQueue]:
    commit_queue = CommitQueue(tmp_path, disk.flushers(), syncfs_at=100)
    yield commit_queue
    disk.gate.set()
    commit_queue.close()


def _in_thread(call: Callable[[], None]) -> tuple[threading.Thread, list[BaseException], threading.Event]:
    """Run `call` in a thread; returns it, the errors it raised, and an event set when it returned."""
    errors: list[BaseException] = []
    returned = threading.Event()

    def run() -> None:
        try:
            call()
        except BaseException as exc:
            errors.append(exc)
        returned.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors, returned


def _hold_first_flush(queue: CommitQueue, disk: FakeDisk) -> threading.Thread:
    """Start one request and keep its flush open, so the next requests pile up in one batch."""
    disk.gate.clear()
    thread, _, _ = _in_thread(lambda: queue.sync_dir(Path("/first")))
    assert disk.entered.wait(DEADLINE_S)
    return thread


def _wait_pending(queue: CommitQueue, count: int) -> None:
    """Poll (with a deadline) until `count` requests wait in the next batch."""
    deadline = time.monotonic() + DEADLINE_S
    while queue.pending < count:
        assert time.monotonic() < deadline, f"only {queue.pending} of {count} requests arrived"
        time.sleep(0.001)


def test_sync_returns_only_after_its_flush(queue: CommitQueue, disk: FakeDisk) -> None:
    disk.gate.clear()
    thread, errors, returned = _in_thread(lambda: queue.sync_file(7))
    assert disk.entered.wait(DEADLINE_S)
    assert disk.calls == [("file", 7)]
    assert not returned.is_set()  # the flush is under way and has not finished: no acknowledgement
    disk.gate.set()
    thread.join(DEADLINE_S)
    assert returned.is_set() and errors == []


def test_one_flush_serves_every_waiter_of_a_batch(tmp_path: Path, disk: FakeDisk) -> None:
    queue = CommitQueue(tmp_path, disk.flushers(), syncfs_at=4)
    first = _hold_first_flush(queue, disk)
    waiters = [_in_thread(functools.partial(queue.sync_file, fd)) for fd in range(10, 16)]
    waiters += [_in_thread(lambda: queue.sync_dir(tmp_path / "d")) for _ in range(3)]
    _wait_pending(queue, 7)  # six files and one directory: the repeats count once
    assert all(not returned.is_set() for _, _, returned in waiters)
    disk.gate.set()
    for thread, errors, _ in [*waiters, (first, [], threading.Event())]:
        thread.join(DEADLINE_S)
        assert errors == []
    assert disk.calls == [("dir", Path("/first")), ("fs", tmp_path)]  # one syncfs for nine waiters
    assert (queue.batches, queue.requests) == (2, 8)
    queue.close()


def test_small_batches_fsync_each_file_then_each_directory_once(queue: CommitQueue, disk: FakeDisk) -> None:
    first = _hold_first_flush(queue, disk)
    waiters = [_in_thread(lambda: queue.sync_dir(Path("/d"))) for _ in range(2)]
    waiters += [_in_thread(lambda: queue.sync_file(3))]
    _wait_pending(queue, 2)
    disk.gate.set()
    for thread, errors, _ in waiters:
        thread.join(DEADLINE_S)
        assert errors == []
    first.join(DEADLINE_S)
    assert disk.calls == [("dir", Path("/first")), ("file", 3), ("dir", Path("/d"))]


def test_a_failed_flush_fails_every_waiter_of_its_batch(queue: CommitQueue, disk: FakeDisk) -> None:
    first = _hold_first_flush(queue, disk)
    waiters = [_in_thread(functools.partial(queue.sync_file, fd)) for fd in range(20, 24)]
    _wait_pending(queue, 4)
    disk.fail_with = OSError(errno.EIO, "Input/output error")
    disk.gate.set()
    first.join(DEADLINE_S)
    for thread, errors, _ in waiters:
        thread.join(DEADLINE_S)
        assert len(errors) == 1 and isinstance(errors[0], OSError) and errors[0].errno == errno.EIO
        assert errors[0].__cause__ is disk.fail_with
    disk.fail_with = None
    queue.sync_file(30)  # the next batch is flushed afresh


def test_close_flushes_pending_and_later_requests_flush_inline(queue: CommitQueue, disk: FakeDisk) -> None:
    queue.sync_file(1)
    queue.close()
    queue.sync_dir(Path("/after"))
    assert disk.calls == [("file", 1), ("dir", Path("/after"))]


def _store(tmp_path: Path, bucket: BucketId, disk: FakeDisk) -> ObjectStore:
    store = ObjectStore(MountpathSet([tmp_path / "disk0"]), flushers=disk.flushers())
    store.ensure_bucket(bucket)
    return store


def _write(store: ObjectStore, bucket: BucketId, name: str, data: bytes) -> None:
    with store.writer(bucket, name, WriteProps()) as writer:
        writer.write(data)
        writer.commit()


def test_a_put_is_visible_and_acknowledged_only_after_its_flushes(tmp_path: Path) -> None:
    bucket, disk = BucketId("b"), FakeDisk()
    store = _store(tmp_path, bucket, disk)
    disk.gate.clear()
    thread, errors, returned = _in_thread(lambda: _write(store, bucket, "a/o", b"data"))
    assert disk.entered.wait(DEADLINE_S)
    location = layout.locate(store.mountpaths.all[0], bucket, "a/o")
    assert disk.calls[0][0] == "file"  # the work file is flushed first ...
    assert not location.data.exists()  # ... before its name points at it (a miss would wait for the lock)
    assert not returned.is_set()
    disk.entered.clear()
    disk.gate.set()
    thread.join(DEADLINE_S)
    assert returned.is_set() and errors == []
    assert disk.calls[1:] == [("dir", str(location.data.parent))]  # then the rename, before the ack
    assert store.head(bucket, "a/o").size == 4


def test_a_failed_flush_fails_the_put_and_keeps_the_old_object(tmp_path: Path) -> None:
    bucket, disk = BucketId("b"), FakeDisk()
    store = _store(tmp_path, bucket, disk)
    _write(store, bucket, "o", b"old")
    disk.fail_with = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    with pytest.raises(NoSpace):
        _write(store, bucket, "o", b"new data")
    with store.open(bucket, "o") as obj:
        assert b"".join(obj.read_range(0, obj.size)) == b"old"


def test_no_fsync_store_never_flushes(tmp_path: Path) -> None:
    bucket, disk = BucketId("b"), FakeDisk()
    store = ObjectStore(MountpathSet([tmp_path / "disk0"]), fsync=False, flushers=disk.flushers())
    store.ensure_bucket(bucket)
    _write(store, bucket, "o", b"x")
    assert disk.calls == []


class RecordingWaker:
    """A Waker that records each call (tokens and error) and signals it; it kicks at once when asked."""

    def __init__(self, kicks: bool = True) -> None:
        self.calls: list[tuple[list[object], BaseException | None]] = []
        self.woken = threading.Event()
        self.kicks = kicks
        self.asked_of: list[CommitQueue] = []

    def asked(self, queue: CommitQueue) -> None:
        self.asked_of.append(queue)
        if self.kicks:
            queue.kick()

    def wake(self, tokens: list[object], error: BaseException | None) -> None:
        self.calls.append((list(tokens), error))
        self.woken.set()


def test_notified_requests_share_the_batch_and_wake_once_per_waker(tmp_path: Path, disk: FakeDisk) -> None:
    queue = CommitQueue(tmp_path, disk.flushers(), syncfs_at=3)
    first = _hold_first_flush(queue, disk)
    one, other = RecordingWaker(), RecordingWaker()
    queue.notify_file(40, one, "a")
    queue.notify_dir(tmp_path / "d", one, "b")
    queue.notify_file(41, other, "c")
    _wait_pending(queue, 3)
    assert not one.woken.is_set() and not other.woken.is_set()  # the batch is not flushed yet
    disk.gate.set()
    assert one.woken.wait(DEADLINE_S) and other.woken.wait(DEADLINE_S)
    first.join(DEADLINE_S)
    assert one.calls == [(["a", "b"], None)] and other.calls == [(["c"], None)]
    assert disk.calls == [("dir", Path("/first")), ("fs", tmp_path)]  # one syncfs for the three
    queue.close()


def test_a_failed_flush_reaches_the_waker_and_the_thread_goes_on(queue: CommitQueue, disk: FakeDisk) -> None:
    waker = RecordingWaker()
    disk.fail_with = OSError(errno.EIO, "Input/output error")
    queue.notify_file(50, waker, "t")
    assert waker.woken.wait(DEADLINE_S)
    [(tokens, error)] = waker.calls
    assert tokens == ["t"] and error is disk.fail_with
    copy = waiter_error(error)
    assert isinstance(copy, OSError) and copy.errno == errno.EIO and copy.__cause__ is error
    disk.fail_with = None
    queue.sync_file(51)  # the flusher thread serves the next batch


def test_a_failing_waker_does_not_stop_the_flusher(queue: CommitQueue, disk: FakeDisk) -> None:
    class Broken:
        def asked(self, queue: CommitQueue) -> None:
            queue.kick()

        def wake(self, tokens: list[object], error: BaseException | None) -> None:
            raise RuntimeError("broken waker")

    queue.notify_file(60, Broken(), None)
    queue.sync_file(61)  # served by the same thread after the broken waker's batch
    assert ("file", 61) in disk.calls


def test_notified_requests_wait_for_the_kick_and_share_one_flush(tmp_path: Path, disk: FakeDisk) -> None:
    queue = CommitQueue(tmp_path, disk.flushers(), syncfs_at=3)
    waker = RecordingWaker(kicks=False)
    queue.notify_file(70, waker, "a")
    queue.notify_dir(tmp_path / "d", waker, "b")
    queue.notify_file(71, waker, "c")
    assert waker.asked_of == [queue, queue, queue]  # each request told the waker, none woke a flusher
    assert queue.pending == 3 and queue.batches == 0 and disk.calls == []
    queue.kick()
    assert waker.woken.wait(DEADLINE_S)
    assert waker.calls == [(["a", "b", "c"], None)]
    assert queue.batches == 1 and disk.calls == [("fs", tmp_path)]  # one flush for all three
    queue.close()


def test_close_flushes_requests_never_kicked(tmp_path: Path, disk: FakeDisk) -> None:
    queue = CommitQueue(tmp_path, disk.flushers())
    waker = RecordingWaker(kicks=False)
    queue.notify_file(80, waker, "t")
    queue.close()  # no flusher thread was ever started: close flushes it itself
    assert disk.calls == [("file", 80)] and waker.calls == [(["t"], None)]
    queue.kick()  # a late kick after close is harmless
    assert queue.batches == 1


def test_syncfs_follows_a_new_directory_at_the_root_path(tmp_path: Path) -> None:
    root = tmp_path / "disk"
    root.mkdir()
    queue = CommitQueue(root, syncfs_at=1)  # the real syncfs, through a descriptor kept on the root
    try:
        queue.sync_dir(root)
        old_fd = queue._root_fd
        assert os.fstat(old_fd).st_ino == os.stat(root).st_ino
        root.rename(tmp_path / "gone")  # the disk leaves; another appears at the same path
        root.mkdir()
        queue.sync_dir(root)
        assert os.fstat(queue._root_fd).st_ino == os.stat(root).st_ino != os.stat(tmp_path / "gone").st_ino
        (tmp_path / "gone").rmdir()
        root.rmdir()
        with pytest.raises(FileNotFoundError):  # no disk at the path at all: the flush fails
            queue.sync_dir(root)
    finally:
        queue.close()
