"""Per-object write locks that hold across threads and across the processes sharing a target's disks.

A target may serve its object API from several processes (HTTP workers). Version bumps and
publishes of one object must still be serialised, so each lock is a thread lock (for threads of
this process) plus an exclusive `flock(2)` on one of a fixed set of stripe files (for the other
processes). Stripes are chosen by a stable hash of the object's uname, the same in every process.

Every process of one node must use the same lock directory. The owner names it (a target passes
its data directory's `.locks`); `ObjectStore` defaults to `<first mountpath>/.locks`, which breaks
if that disk is detached while processes run, so nodes with dynamic mountpaths pass their own.
"""

import fcntl
import os
import threading
from pathlib import Path
from types import TracebackType
from typing import Final

import xxhash

__all__ = ["LOCKS_DIR", "STRIPES", "StripeLock", "StripeLocks"]

STRIPES: Final = 256
LOCKS_DIR: Final = ".locks"
_STRIPE_FLAGS: Final = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC


class StripeLock:
    """One stripe: a context manager taking the thread lock, then the file lock."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._thread_lock = threading.Lock()
        self._fd = -1

    def _descriptor(self) -> int:
        if self._fd < 0:
            try:
                self._fd = os.open(self._path, _STRIPE_FLAGS, 0o600)
            except FileNotFoundError:
                _make_directory(self._path.parent)
                self._fd = os.open(self._path, _STRIPE_FLAGS, 0o600)
        return self._fd

    def __enter__(self) -> "StripeLock":
        self._thread_lock.acquire()
        try:
            fcntl.flock(self._descriptor(), fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()

    def try_acquire(self) -> bool:
        """Take the lock only if it is free now (never waits): for an event loop, which must not block.

        A coroutine that takes it must release it before it awaits anything: the loop's own thread
        may block on the same stripe (a GET's locked second look), and would wait for itself.
        """
        if not self._thread_lock.acquire(blocking=False):
            return False
        try:
            fcntl.flock(self._descriptor(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._thread_lock.release()
            return False
        except BaseException:
            self._thread_lock.release()
            raise
        return True

    def take(self, wait: bool) -> bool:
        """Take the lock, waiting for it if `wait`, else only if free now (try_acquire); whether taken."""
        if wait:
            self.__enter__()
            return True
        return self.try_acquire()

    def release(self) -> None:
        """Release the lock taken by `with` or try_acquire (from any thread)."""
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def close(self) -> None:
        """Close the stripe file (the lock must not be held)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class StripeLocks:
    """The stripes of one store, with their files in `directory` (created if missing, not its parent).

    The parent may be a mountpath root (the default of ObjectStore and SliceStore): one that
    vanished is never recreated here. Until it is back, taking a lock raises FileNotFoundError.
    """

    def __init__(self, directory: Path, stripes: int = STRIPES) -> None:
        _make_directory(directory)
        self._stripes = tuple(StripeLock(directory / str(index)) for index in range(stripes))

    def for_name(self, uname: str) -> StripeLock:
        """The lock guarding the object with this uname."""
        return self._stripes[xxhash.xxh64_intdigest(uname.encode()) % len(self._stripes)]

    def close(self) -> None:
        """Close every stripe file."""
        for stripe in self._stripes:
            stripe.close()


def _make_directory(directory: Path) -> None:
    """mkdir without parents: a missing parent (a vanished disk's root) is left missing, for now."""
    try:
        directory.mkdir(exist_ok=True)
    except FileNotFoundError:
        pass  # the stripes' first use tries again, and reports it if the parent is still missing
