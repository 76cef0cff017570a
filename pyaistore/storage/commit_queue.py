"""Group commit: concurrent writes on one mountpath share their flushes, as a database's log does.

A write that must be durable before it is acknowledged asks its mountpath's queue to flush a
file (the work file, before it is renamed into place) and then a directory (the rename). The
caller blocks until a flush that *started after its request* has completed, so the durability
contract of a lone fsync holds unchanged; only the flush itself is shared:

    writer threads                        the mountpath's flusher thread
    sync_file(fd) ──┐                     takes every pending request at once (a batch):
    sync_file(fd) ──┼─► pending batch ──►   one request: its fsync(fd), or the fsync of its
    sync_dir(dir) ──┘                       directory;
        ▲                                   more: one syncfs(2) of the mountpath's file system,
        └──── woken with the batch's  ◄──   which covers every file and directory of the batch
              result (or its error)

Requests arriving while a batch is being flushed form the next batch: the busier the disk, the
more writes each flush serves, and a lone write waits for one flush, as it would without the
queue. A failed flush fails every waiter of its batch with the error (a copy of the OSError per
waiter, chained to the original): nothing is acknowledged that may not be on disk.

A caller that must not block (a coroutine on an event loop) asks through `notify_file` and
`notify_dir` instead: the same batches, but no thread waits; the flusher thread calls each
`Waker` of the batch once, with every token it was given, when the batch is durable or failed.
Such requests do not wake the flusher: the waker is told (`asked`) and kicks the queue once for
all the requests its loop made in one pass. Waking the flusher per request made batches of one
(a 1 KiB fsync is quicker than the loop's next PUT), each with its own flush, wake-up of the
loop and hand-overs of the GIL; kicked once per pass, the requests of every PUT the loop
advanced in that pass share one flush.

The flush functions are a seam (`Flushers`): tests inject recording or failing ones.
"""

import errno
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol

from pyaistore.storage.disk_sync import syncfs, syncfs_fd
from pyaistore.storage.meta_store import fsync_dir
from pyaistore.storage.per_root import PerRoot

log = logging.getLogger(__name__)

__all__ = ["SYNCFS_AT", "CommitQueue", "CommitQueues", "Flushers", "Waker", "waiter_error"]

# From this many requests in one batch, one syncfs replaces the fsyncs. Measured on ext4 (virtio
# disk, 1 KiB objects, 32 writer threads): a syncfs per batch costs the writer ~290 CPU-µs per
# object against ~650 for its own two fsyncs, and fsyncs issued one after another by the flusher
# thread are the slowest form (the kernel merges concurrent fsyncs, not sequential ones). A lone
# request keeps its targeted fsync: syncfs also flushes whatever else is dirty on the file system.
SYNCFS_AT: Final = 2


@dataclass(frozen=True)
class Flushers:
    """How a batch is made durable: per file, per directory, or the whole file system at once.

    `filesystem` None is syncfs(2) through one descriptor the queue keeps open on its root, so
    that a writeback error anywhere on the file system since the queue began is reported (syncfs
    reports writeback errors since Linux 5.8; older kernels only fsync does).
    """

    file: Callable[[int], None] = os.fsync
    directory: Callable[[str | Path], None] = fsync_dir
    filesystem: Callable[[Path], None] | None = None


class Waker(Protocol):
    """What a caller that cannot block waits with: told of its requests, and when their batch is done."""

    def asked(self, queue: "CommitQueue") -> None:
        """A request was queued without waking the flusher: call `queue.kick()` soon (before waiting)."""
        ...

    def wake(self, tokens: list[object], error: BaseException | None) -> None:
        """The batch holding the requests given `tokens` is durable (error None) or failed; must not block."""
        ...


@dataclass
class _Batch:
    """Requests flushed together; `done` is set once they are durable or `error` is known."""

    files: dict[int, None] = field(default_factory=dict)  # ordered, deduplicated (a journal's records)
    directories: dict[str | Path, None] = field(default_factory=dict)  # ordered, deduplicated
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None
    wakers: dict[Waker, list[object]] = field(default_factory=dict)  # the tokens of each waker

    @property
    def size(self) -> int:
        """Requests in the batch (repeated files and directories count once)."""
        return len(self.files) + len(self.directories)


class CommitQueue:
    """The group commit of one mountpath: a flusher thread serving batches of sync requests."""

    def __init__(self, root: Path, flushers: Flushers | None = None, syncfs_at: int = SYNCFS_AT) -> None:
        """`root` is on the mountpath's file system (what syncfs flushes); the thread starts lazily."""
        self.root = root
        self._flushers = flushers or Flushers()
        self._root_fd = -1  # for syncfs, opened on first use and kept
        self._syncfs_at = syncfs_at
        self._changed = threading.Condition()
        self._pending = _Batch()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.batches = 0  # flushes done, for tests and benchmarks
        self.requests = 0  # requests served by them

    @property
    def pending(self) -> int:
        """Requests waiting for the next flush (repeated files and directories count once)."""
        with self._changed:
            return self._pending.size

    def sync_file(self, fd: int) -> None:
        """Return once the file open as `fd` (data and metadata) is durable; OSError if the flush failed.

        `fd` must stay open until this returns.
        """
        self._wait(self._enqueue(fd, None))

    def sync_dir(self, directory: str | Path) -> None:
        """Return once the entries of `directory` (a create or rename in it) are durable."""
        self._wait(self._enqueue(None, directory))

    def notify_file(self, fd: int, waker: Waker, token: object) -> None:
        """sync_file without waiting: `waker` is given `token` once the file is durable or the flush failed.

        `fd` must stay open until then. The flusher is not woken here: `waker.asked(self)` is told,
        and it calls `kick` once for every request made in a row, so that they share one flush.
        """
        self._enqueue(fd, None, waker, token, kick=False)
        waker.asked(self)

    def notify_dir(self, directory: str | Path, waker: Waker, token: object) -> None:
        """sync_dir without waiting: `waker` is given `token` once the entries are durable or failed.

        As with notify_file, the flusher starts once the waker kicks."""
        self._enqueue(None, directory, waker, token, kick=False)
        waker.asked(self)

    def kick(self) -> None:
        """Wake the flusher for the requests notified since the last kick."""
        with self._changed:
            if self._closed:
                return  # close() flushed what was pending; later requests are flushed by their caller
            self._start_flusher()

    def _start_flusher(self) -> None:
        """Wake the flusher thread, starting it first if need be (with `_changed` held)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"commit {self.root}", daemon=True)
            self._thread.start()
        self._changed.notify()

    def close(self) -> None:
        """Flush what is pending, then stop the thread (later requests are flushed by their caller)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join()
        with self._changed:
            batch, self._pending = self._pending, _Batch()
            if batch.size:  # notified but never kicked, with no thread to take them: flushed here
                self._flush(batch)
            if self._root_fd >= 0:
                os.close(self._root_fd)
                self._root_fd = -1

    def _enqueue(
        self,
        fd: int | None,
        directory: str | Path | None,
        waker: Waker | None = None,
        token: object = None,
        kick: bool = True,
    ) -> _Batch:
        with self._changed:
            batch = self._pending
            if fd is not None:
                batch.files[fd] = None
            if directory is not None:
                batch.directories[directory] = None
            if waker is not None:
                batch.wakers.setdefault(waker, []).append(token)
            if self._closed:
                self._pending = _Batch()
                self._flush(batch)  # no thread any more: the caller flushes, still correctly
                return batch
            if kick:
                self._start_flusher()
            return batch

    @staticmethod
    def _wait(batch: _Batch) -> None:
        batch.done.wait()
        if batch.error is not None:
            raise waiter_error(batch.error)

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._pending.size and not self._closed:
                    self._changed.wait()
                batch, self._pending = self._pending, _Batch()
                if not batch.size and self._closed:
                    return
            self._flush(batch)

    def _flush(self, batch: _Batch) -> None:
        """Make every request of the batch durable (or record why not), then wake its waiters."""
        try:
            if batch.size >= self._syncfs_at:
                self._sync_filesystem()
            else:
                for fd in batch.files:
                    self._flushers.file(fd)
                for directory in batch.directories:
                    self._flushers.directory(directory)
        except BaseException as exc:  # every waiter must hear of it, whatever it is
            batch.error = exc
        self.batches += 1
        self.requests += batch.size
        batch.done.set()
        for waker, tokens in batch.wakers.items():
            try:
                waker.wake(tokens, batch.error)
            except Exception:  # the flusher serves every other waiter regardless
                log.exception("a commit waker failed")

    def _sync_filesystem(self) -> None:
        if self._flushers.filesystem is not None:
            self._flushers.filesystem(self.root)
            return
        if self._closed:
            syncfs(self.root)  # the caller's inline flush after close: keep no descriptor
            return
        if self._root_fd >= 0 and not _still_at(self._root_fd, self.root):
            # A new disk at the same path (attached or enabled again): flush that one, not the old.
            os.close(self._root_fd)
            self._root_fd = -1
        if self._root_fd < 0:
            self._root_fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        syncfs_fd(self._root_fd, self.root)


def _still_at(fd: int, path: Path) -> bool:
    """Whether the directory open as `fd` is still the one at `path` (same device and inode)."""
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino)


def waiter_error(error: BaseException) -> OSError:
    """A waiter's own copy of a failed flush's error, chained to it."""
    copy = (
        OSError(error.errno, error.strerror, error.filename)
        if isinstance(error, OSError)
        else OSError(errno.EIO, f"flush failed: {error!r}")
    )
    copy.__cause__ = error
    return copy


class CommitQueues(PerRoot[CommitQueue]):
    """One CommitQueue per mountpath root, created on first use (mountpaths come and go)."""

    def __init__(self, flushers: Flushers | None = None, syncfs_at: int = SYNCFS_AT) -> None:
        """Queues made here share `flushers` and the syncfs threshold."""
        super().__init__(lambda root: CommitQueue(root, flushers, syncfs_at))

    def close(self) -> None:
        """Close every queue (each flushes what it holds first)."""
        for queue in self.items():
            queue.close()
