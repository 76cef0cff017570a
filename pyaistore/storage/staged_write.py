"""A small object's atomic write in steps that never wait: for a caller that must not block.

The write of atomic_write.py (work file, checksum, metadata, flush, rename, flush of the
directory; the old object untouched on any failure) for a body already in memory, cut at its two
flushes so that an event loop can make the system calls itself (a small object's cost less than
handing them to a thread) and wait for the group commit (commit_queue.py) without parking a
thread: `prepare`, then `flush_file` and wait, then `publish`, then `flush_dir` and wait.

The object's lock is never held across a wait: the caller's own thread may need it meanwhile (a
GET's locked second look for a missed object), and would then wait for itself. It is taken twice,
each time only if free now (`StripeLock.try_acquire`), and optimistically: once to read the object
in place and attach the new metadata (its version follows the old one) to the work file, and,
after the file's flush, once to rename it into place if the object in place is still the one read
(the same metadata record, or still none). When the lock is busy, or the object changed in
between, nothing is published (`prepare` or `publish` says False) and the caller writes the object
the blocking way, in a thread, which decides the version anew. Only where metadata lives in
xattrs (a sidecar file is shared by the object's versions): ObjectStore.stage_small offers it then.

Given its mountpath's journal (write_journal.py), the write of a name with no object anywhere (a
create) waits for one flush instead of two: `flush_file` appends the object to the journal and
waits for the journal's flush, `publish` links the work file into place (refused if a name
appeared meanwhile: nothing published, as above) and `flush_dir` has nothing to wait for. Its
work file has no name (O_TMPFILE, where the file system has them): the link names it, and a
crash leaves nothing behind.
"""

import errno
import functools
import os
from pathlib import Path
from types import TracebackType
from typing import Final

from pyaistore.storage.atomic_write import (
    Destination,
    WriteProps,
    conflicts_as_error,
    hash_kinds,
    into_place,
    io_errors,
    new_meta,
    rename_into_place,
    verify,
    write_all,
)
from pyaistore.storage.checksums import MultiHasher
from pyaistore.storage.commit_queue import Waker
from pyaistore.storage.layout import ObjectLocation
from pyaistore.storage.meta_store import fsync_dir
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.write_journal import JournalEntry, WriteJournal

__all__ = ["StagedWrite"]

_FLAGS: Final = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
_TMPFILE: Final = getattr(os, "O_TMPFILE", 0)  # Linux: a file with no name until linked
_TMPFILE_FLAGS: Final = os.O_RDWR | os.O_CLOEXEC | _TMPFILE  # not O_EXCL: that forbids the link
_NO_TMPFILE: Final = frozenset({errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL})


class StagedWrite:
    """One small object's write, step by step; use it as a context manager (leaving it cleans up)."""

    def __init__(
        self,
        destination: Destination,
        work: str,
        props: WriteProps,
        data: bytes,
        journal: WriteJournal | None = None,
    ) -> None:
        """Checks the expected checksum (ChecksumMismatch); nothing is on disk yet. With `journal`
        (the mountpath's), a create is made durable by it."""
        self._destination = destination
        self._work = work
        self._props = props
        self._data = data
        self._fsync = destination.fsync and not props.deferred_sync
        self._hashes = MultiHasher(hash_kinds(props))
        self._hashes.update(data)
        verify(destination.location, self._hashes, props)
        self._fd = -1
        self._before: bytes | None = None
        self._published = False
        self.meta: ObjectMeta | None = None  # what is published (or kept), once known
        self.kept = False  # the object in place stays (a no-op PUT): done after prepare
        self._journal = journal if self._fsync and destination.commits is not None else None
        self._entry: JournalEntry | None = None  # the create's journal record, once appended
        self._unnamed = False  # the work file has no name (O_TMPFILE): linked from its descriptor
        self._record: bytes | None = None  # the metadata record attached to the work file

    def prepare(self) -> bool:
        """Write the work file and attach its metadata; False (nothing done) when the lock is busy."""
        location, lock = self._destination.location, self._destination.lock
        if not lock.try_acquire():
            return False
        try:
            with io_errors(location):
                self._before = self._destination.meta_store.record(location)
                if self._before is None:  # nothing here: a copy elsewhere, if any, is the object
                    replicas = self._destination.replicas
                    found = None if replicas is None else replicas.elsewhere(location)
                else:  # None if unreadable: new_meta then looks everywhere, as publish does
                    found = _decoded(self._before, location.mountpath.root_str)
                self.meta, self.kept = new_meta(
                    self._destination,
                    len(self._data),
                    self._hashes,
                    self._props,
                    found,
                    looked=self._before is None,  # nothing here, and the other mountpaths seen
                )
                if self._journal is not None and (self.kept or self._before is not None or found is not None):
                    self._journal = None  # not a create: the two flushes
                if not self.kept:
                    self._fd = self._open_work()
                    write_all(self._fd, self._data)
                    with conflicts_as_error(location):
                        self._record = self._destination.meta_store.save(location, self._fd, self.meta)
        finally:
            lock.release()
        return True

    def _open_work(self) -> int:
        """The work file: for a journaled create, an unnamed one in the work directory when the file
        system offers them (no name to create and remove again), else the named work file."""
        if self._journal is not None and _TMPFILE:
            try:
                fd = os.open(os.path.dirname(self._work), _TMPFILE_FLAGS, 0o644)
            except OSError as exc:
                if exc.errno not in _NO_TMPFILE:
                    raise
            else:
                self._unnamed = True
                return fd
        return os.open(self._work, _FLAGS, 0o644)

    def _link_source(self) -> str:
        """What link_into_place links: the work file, or the descriptor of an unnamed one."""
        return f"/proc/self/fd/{self._fd}" if self._unnamed else self._work

    def flush_file(self, waker: Waker, token: object) -> bool:
        """Have the work file flushed (before publish), or a create journaled; False when there is
        nothing to wait for."""
        journal = self._journal
        if journal is None:
            return self._flush(self._fd, None, waker, token)
        assert self._record is not None  # offered only where metadata lives in xattrs
        location = self._destination.location
        with io_errors(location):
            path = location.data_str[len(location.mountpath.root_str) + 1 :]
            self._entry = journal.append(path, self._record, self._data)
            journal.notify(self._entry, waker, token)
        return True

    def publish(self) -> bool:
        """Rename the work file into place; False (nothing done) if the lock is busy or the object changed."""
        location, lock = self._destination.location, self._destination.lock
        if not lock.try_acquire():
            return False
        try:
            if self._destination.meta_store.record(location) != self._before:
                return False
            assert self.meta is not None
            with io_errors(location), conflicts_as_error(location):
                if self._journal is not None:
                    if not link_into_place(self._link_source(), location):
                        return False  # a name appeared (another process's write): not a create
                    if not self._unnamed:
                        os.unlink(self._work)
                else:
                    try:
                        os.replace(self._work, location.data_str)  # the parent is there (the common case)
                    except FileNotFoundError:
                        rename_into_place(Path(self._work), location)
                self._published = True
                main = location.mountpath.root_str
                if self._destination.replicas is not None:
                    main = self._destination.replicas.settle(location, self._fd, self.meta, 1)
            self.meta.mountpath = main
        finally:
            lock.release()
        return True

    def flush_dir(self, waker: Waker, token: object) -> bool:
        """Have the rename flushed (after publish); False when there is nothing to wait for (a
        journaled create: its record stands for the name until a checkpoint flushes it)."""
        if self._journal is not None:
            return False
        return self._flush(-1, os.path.dirname(self._destination.location.data_str), waker, token)

    def close(self) -> None:
        """Close the work file; remove it unless it was published; settle the journal record."""
        if self._entry is not None and self._journal is not None:
            self._journal.settle(self._entry)
            self._entry = None
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if not self._published and not self._unnamed:
            try:
                os.unlink(self._work)
            except FileNotFoundError:
                pass

    def __enter__(self) -> "StagedWrite":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _flush(self, fd: int, directory: str | None, waker: Waker, token: object) -> bool:
        if not self._fsync:
            return False
        commits = self._destination.commits
        with io_errors(self._destination.location):
            if commits is None:  # flushed here (a store without group commit)
                if directory is None:
                    os.fsync(fd)
                else:
                    fsync_dir(directory)
                return False
            if directory is None:
                commits.notify_file(fd, waker, token)
            else:
                commits.notify_dir(directory, waker, token)
        return True


def link_into_place(source: str, location: ObjectLocation) -> bool:
    """Hard-link the work file `source` (or /proc/self/fd/N of an unnamed one) at the object's path,
    creating its directories; False if the name exists."""
    try:
        into_place(source, location, _link)
    except FileExistsError:
        return False
    return True


def _link(source: str, target: str) -> None:
    """linkat(2) following a symbolic link in `source` (os.link calls plain link(2), which does not,
    unless given a directory descriptor: both paths are absolute, so the descriptor is not used)."""
    os.link(source, target, src_dir_fd=_root_fd(), follow_symlinks=True)


@functools.cache
def _root_fd() -> int:
    """A descriptor of / for `_link` (opened once per process, never used to resolve a path)."""
    return os.open("/", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


def _decoded(record: bytes | None, root: str) -> ObjectMeta | None:
    """The object in place from its metadata record; None when there is none or it is unreadable
    (new_meta then looks for the object as publish does, on the other mountpaths too)."""
    if record is None:
        return None
    try:
        meta = ObjectMeta.decode(record)
    except ValueError:
        return None
    meta.mountpath = root
    return meta
