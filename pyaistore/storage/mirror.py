"""Local n-way mirroring: the copies of one object on a node's available mountpaths.

A copy (replica) is a complete object, data plus the very same metadata (version included), in
the regular object tree of its mountpath; nothing marks one copy as main. An object with N copies
keeps them on the first N mountpaths of its HRW ranking (`MountpathSet.ranked`): rank 0 is the main
copy, where `choose` looks, and when its mountpath is disabled rank 1 becomes rank 0 with no data
moved. Any other copy on an available mountpath is misplaced (a leftover of a mountpath change,
or of fewer copies asked) and is removed by the next write, or by `reconcile` (resilver).

Every method here runs with the object's stripe lock held by the caller. Each copy is written
through a work file on its own mountpath and renamed into place, so a crash leaves every copy
either old or new. Disabled mountpaths are never read or written.
"""

import errno
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeVar

from pyaistore.storage import layout
from pyaistore.storage.atomic_write import install, io_errors
from pyaistore.storage.errors import LockBusy, MountpathUnavailable, ObjectNotFound, TooManyCopies
from pyaistore.storage.meta_store import MetaStore, fsync_dir
from pyaistore.storage.mountpaths import Mountpath, MountpathSet, unavailable_as_error
from pyaistore.storage.object_file import CHUNK_SIZE
from pyaistore.storage.object_locks import StripeLock
from pyaistore.storage.object_meta import ObjectMeta

__all__ = [
    "Copy",
    "Mirror",
    "Reconciled",
    "close_all",
    "open_work_file",
    "prune_empty",
    "same_data",
]

_COPY_FALLBACK: Final = frozenset({errno.ENOSYS, errno.EXDEV, errno.EINVAL, errno.EOPNOTSUPP})
_DECIMAL_DIGITS: Final = frozenset("0123456789")

_Read = TypeVar("_Read")


@dataclass
class Copy:
    """One open copy of an object: where it is, its descriptor, metadata and size."""

    location: layout.ObjectLocation
    fd: int
    meta: ObjectMeta
    size: int

    def freshness(self) -> tuple[int, int, int, int]:
        """Which of two copies of one object is the newer: the one whose file changed last.

        The ctime moves with every write, rename into place and metadata save, and only the
        store writes these files, so the last write wins even when it could not see the older
        copy (a disabled disk) and restarted the version at 1. Within one clock tick (coarse
        kernel timestamps) the later atime wins, then the higher decimal version.
        """
        return (os.fstat(self.fd).st_ctime_ns, self.meta.atime_ns, *_version_order(self.meta))


@dataclass(frozen=True)
class Reconciled:
    """What `Mirror.reconcile` did to one object."""

    changed: bool = False  # a copy was written, rewritten or removed
    bytes_written: int = 0


def _version_order(meta: ObjectMeta) -> tuple[int, int]:
    """Decimal versions by number, above any other version string."""
    decimal = bool(meta.version) and set(meta.version) <= _DECIMAL_DIGITS
    return (1 if decimal else 0, int(meta.version) if decimal else 0)


def same_data(one: ObjectMeta, other: ObjectMeta) -> bool:
    """Whether two metadata describe the same content (everything equal but custom metadata)."""
    left, right = one.to_json(), other.to_json()
    left.pop("custom")
    right.pop("custom")
    return left == right


def open_work_file(mp: Mountpath, work: Path) -> int:
    """Create a work file for writing, re-creating the work dir if it alone went missing."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        return os.open(work, flags, 0o644)
    except FileNotFoundError:
        if not os.path.isdir(mp.root_str):
            raise
    work.parent.mkdir(exist_ok=True)
    return os.open(work, flags, 0o644)


def prune_empty(directory: Path, stop: Path) -> None:
    """rmdir `directory` and its parents while they are empty, never `stop` or above."""
    while directory != stop and directory.is_relative_to(stop):
        try:
            directory.rmdir()
        except OSError:
            return  # not empty (or already gone): the parents are not empty either
        directory = directory.parent


class Mirror:
    """Finds, writes and removes the copies of objects; implements atomic_write.Replicas."""

    def __init__(self, mountpaths: MountpathSet, meta_store: MetaStore, fsync: bool) -> None:
        self._mountpaths = mountpaths
        self._meta = meta_store
        self._fsync = fsync

    # ---- atomic_write.Replicas ----

    def check(self, copies: int) -> None:
        """TooManyCopies when there are fewer available mountpaths than `copies`."""
        available = len(self._mountpaths.available)
        if copies > available:
            raise TooManyCopies(copies, available)

    def existing(self, location: layout.ObjectLocation) -> ObjectMeta | None:
        """The object now in place (for the version rule): at `location`, else its first copy elsewhere."""
        with unavailable_as_error(location.mountpath):
            try:
                meta = self._meta.head(location)
            except (FileNotFoundError, ValueError):
                pass
            else:
                meta.mountpath = location.mountpath.root_str
                return meta
        return self.elsewhere(location)

    def elsewhere(self, location: layout.ObjectLocation) -> ObjectMeta | None:
        """The object's first copy on a mountpath other than `location`'s; None if none."""
        found, _ = self.lookup(location, self._meta.head, skip=location.mountpath)
        if found is None:
            return None
        found_location, meta = found
        meta.mountpath = found_location.mountpath.root_str
        return meta

    def settle(self, location: layout.ObjectLocation, fd: int, meta: ObjectMeta, copies: int) -> str:
        """Copy the object just installed at `location` to its HRW mountpaths, remove the rest.

        Returns the root of the main copy's mountpath.
        """
        if self._alone(location):
            return location.mountpath.root_str  # no other mountpath to hold a copy
        placed = self.placed(location)
        for index, other in enumerate(placed):
            if other.mountpath == location.mountpath:
                continue
            if index < copies:
                self.write_copy(fd, meta, other)
            else:
                self.remove_copy(other)
        if location.mountpath not in [other.mountpath for other in placed[:copies]]:
            self.remove_copy(location)  # a mountpath change moved the object's place meanwhile
        return placed[0].mountpath.root_str if placed else location.mountpath.root_str

    # ---- lookups ----

    def _alone(self, location: layout.ObjectLocation) -> bool:
        """Whether the object's own mountpath is the only one available (a common one-disk target)."""
        available = self._mountpaths.available
        return len(available) == 1 and available[0] is location.mountpath

    def placed(self, location: layout.ObjectLocation) -> list[layout.ObjectLocation]:
        """The object's location on every available mountpath, in HRW order ([0] is the main one)."""
        uname = location.bucket.object_uname(location.name)
        return [layout.relocate(location, mp) for mp in self._mountpaths.ranked(uname)]

    def lookup(
        self,
        location: layout.ObjectLocation,
        read: Callable[[layout.ObjectLocation], _Read],
        skip: Mountpath | None = None,
    ) -> tuple[tuple[layout.ObjectLocation, _Read] | None, MountpathUnavailable | None]:
        """`read` the first copy found in HRW order (skipping `skip`), and the last disk failure met.

        `read` raises FileNotFoundError for a missing copy and ValueError for corrupt metadata;
        both mean "not here". A failing disk is remembered and skipped.
        """
        failure = None
        if skip is location.mountpath and self._alone(location):
            return None, None  # the only mountpath is the one skipped
        for candidate in self.placed(location):
            mp = candidate.mountpath
            if mp == skip:
                continue
            try:
                return (candidate, read(candidate)), failure
            except (FileNotFoundError, ValueError):
                continue  # (a vanished root too: `missing` tells that apart for the main one)
            except OSError as exc:
                unavailable = mp.failure(exc)
                if unavailable is None:
                    raise
                failure = unavailable
        return None, failure

    def find(
        self,
        location: layout.ObjectLocation,
        read: Callable[[layout.ObjectLocation], _Read],
        lock: StripeLock,
        unlocked_first: bool = True,
        missed: bool = False,
        wait: bool = True,
    ) -> tuple[layout.ObjectLocation, _Read]:
        """The slow path of a miss at `location`: the other mountpaths, then all of them under `lock`.

        The locked pass cannot see a copy in flight between mountpaths (resilver moves under the
        lock). When the object simply is not at `location` (`missed`: no disk error) and that is the
        only mountpath, nothing can be in flight: no locked pass (an event loop looking up a missed
        object must not wait for a writer's flush). Without `wait`, a busy lock raises LockBusy
        instead of being waited for (the caller looks again in a thread).
        ObjectNotFound, or MountpathUnavailable when the object's own disk is gone or failing.
        """
        if unlocked_first:
            if missed and self._alone(location):
                raise self.missing(location)
            found, _ = self.lookup(location, read, skip=location.mountpath)
            if found is not None:
                return found
        if not lock.take(wait):
            raise LockBusy(location.cname)
        try:
            found, failure = self.lookup(location, read)
        finally:
            lock.release()
        if found is not None:
            return found
        if failure is not None and failure.path == location.mountpath.root_str:
            raise failure
        raise self.missing(location)

    def identical_roots(self, location: layout.ObjectLocation, main: ObjectMeta) -> tuple[str, ...]:
        """The roots holding a copy identical to `main` (found on `main.mountpath`), that one first."""
        roots = [main.mountpath]
        for other_location in self.placed(location):
            mp = other_location.mountpath
            if mp.root_str == main.mountpath:
                continue
            try:
                other = self._meta.head(other_location)
            except (OSError, ValueError):
                continue  # missing, corrupt, or on a failing disk: not a usable copy
            if other.to_json() == main.to_json():
                roots.append(mp.root_str)
        return tuple(roots)

    def open_all(self, location: layout.ObjectLocation) -> list[Copy]:
        """Every readable copy on the available mountpaths, open, in HRW order (caller closes them).

        A disk that is gone or failing holds no readable copy: it is skipped.
        """
        copies: list[Copy] = []
        try:
            for candidate in self.placed(location):
                mp = candidate.mountpath
                try:
                    with unavailable_as_error(mp):
                        fd, meta, size = self._meta.open_object_sized(candidate)
                except (FileNotFoundError, ValueError, MountpathUnavailable):
                    continue
                meta.mountpath = mp.root_str
                copies.append(Copy(candidate, fd, meta, size))
        except BaseException:
            close_all(copies)
            raise
        return copies

    # ---- changes ----

    def write_copy(self, source_fd: int, meta: ObjectMeta, location: layout.ObjectLocation) -> int:
        """Make `location` an identical copy of the object open as `source_fd`; returns bytes written."""
        work = layout.work_path(location.mountpath, layout.new_token())
        with io_errors(location):
            fd = open_work_file(location.mountpath, work)
            try:
                _copy_range(source_fd, fd, meta.size)
                install(location, work, fd, meta, self._meta, self._fsync)
            except BaseException:
                work.unlink(missing_ok=True)
                raise
            finally:
                os.close(fd)
            if self._fsync:
                fsync_dir(location.data.parent)
        return meta.size

    def save_meta(self, copy: Copy, meta: ObjectMeta) -> None:
        """Replace the metadata of an open copy in place (its data stays)."""
        with io_errors(copy.location):
            self._meta.save(copy.location, copy.fd, meta)
            if self._fsync:
                os.fsync(copy.fd)

    def remove_copy(self, location: layout.ObjectLocation) -> bool:
        """Remove the copy at `location` with its metadata; False when there is none."""
        with unavailable_as_error(location.mountpath):
            try:
                info = os.lstat(location.data_str)
            except (FileNotFoundError, NotADirectoryError):
                return False
            if not stat.S_ISREG(info.st_mode):
                return False
            os.unlink(location.data_str)
            self._meta.remove(location)
        mp, bucket = location.mountpath, location.bucket
        prune_empty(location.data.parent, layout.objects_dir(mp, bucket))
        prune_empty(location.sidecar.parent, layout.sidecars_dir(mp, bucket))
        return True

    def remove_all(self, location: layout.ObjectLocation) -> bool:
        """Remove every copy on the available mountpaths; False when there was none."""
        removed = False
        for other in self.placed(location):
            removed = self.remove_copy(other) or removed
        return removed

    def rewrite_meta(
        self, location: layout.ObjectLocation, change: Callable[[ObjectMeta], ObjectMeta]
    ) -> ObjectMeta:
        """Apply `change` to the metadata of every copy; the freshest copy is the reference."""
        with self._opened(location) as copies:
            main = max(copies, key=Copy.freshness)
            meta = change(main.meta)
            for copy in copies:
                if same_data(copy.meta, main.meta):
                    self.save_meta(copy, meta)
                else:  # a stale copy: make it identical
                    self.write_copy(main.fd, meta, copy.location)
        meta.mountpath = copies[0].location.mountpath.root_str  # where head() finds it
        return meta

    def reconcile(self, location: layout.ObjectLocation, copies: int) -> Reconciled:
        """Put the freshest copy on the first `copies` HRW mountpaths (as many as there are), drop others."""
        with self._opened(location, missing_ok=True) as found:
            if not found:
                return Reconciled()
            best = max(found, key=Copy.freshness)
            by_mountpath = {copy.location.mountpath: copy for copy in found}
            targets = self.placed(location)[: max(1, copies)]
            changed, written = False, 0
            for target in targets:
                copy = by_mountpath.get(target.mountpath)
                if copy is not None and copy.meta.to_json() == best.meta.to_json():
                    continue
                changed = True
                if copy is not None and same_data(copy.meta, best.meta):
                    self.save_meta(copy, best.meta)
                else:
                    written += self.write_copy(best.fd, best.meta, target)
            kept = {target.mountpath for target in targets}
            for copy in found:
                if copy.location.mountpath not in kept:
                    changed = self.remove_copy(copy.location) or changed
        return Reconciled(changed, written)

    @contextmanager
    def _opened(self, location: layout.ObjectLocation, missing_ok: bool = False) -> Iterator[list[Copy]]:
        """Every copy, open; ObjectNotFound (or MountpathUnavailable) when none, unless `missing_ok`."""
        copies = self.open_all(location)
        try:
            if not copies and not missing_ok:
                raise self.missing(location)
            yield copies
        finally:
            close_all(copies)

    def missing(self, location: layout.ObjectLocation) -> ObjectNotFound | MountpathUnavailable:
        """The error for an object found nowhere: MountpathUnavailable if its main root is gone."""
        main = self._mountpaths.choose(location.bucket.object_uname(location.name))
        if not os.path.isdir(main.root_str):
            return MountpathUnavailable(main.root_str, "its root directory is missing")
        return ObjectNotFound(location.bucket, location.name)


def close_all(copies: list[Copy]) -> None:
    """Close the descriptors of open copies."""
    for copy in copies:
        os.close(copy.fd)


def _copy_range(source: int, target: int, size: int) -> None:
    """Copy the first `size` bytes of `source` to `target` by offset (in-kernel when possible)."""
    offset = 0
    try:
        while offset < size:
            count = os.copy_file_range(source, target, min(CHUNK_SIZE, size - offset), offset, offset)
            if count == 0:
                break
            offset += count
        return
    except OSError as exc:
        if exc.errno not in _COPY_FALLBACK:
            raise
    while offset < size:
        chunk = os.pread(source, min(CHUNK_SIZE, size - offset), offset)
        if not chunk:
            return
        view = memoryview(chunk)
        while view:
            written = os.pwrite(target, view, offset)
            view, offset = view[written:], offset + written
