"""ObjectStore: the storage engine of one node, as blocking, thread-safe calls.

Every object lives on the mountpath HRW picks for its uname (see `layout` for the tree). Writes
go through a work file and `atomic_write.publish`; commits, deletes and metadata updates of the
same name are serialised by a striped lock table, so version bumps never race. Reads need no
lock: an object is read through a descriptor on one inode whose xattr metadata belongs to it
(sidecar mountpaths, whose metadata is a separate file, take the stripe lock to open).
"""

import dataclasses
import os
import shutil
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Final

from pyaistore.storage import append_session, layout, listing
from pyaistore.storage.atomic_write import (
    AtomicWriter,
    Destination,
    WriteProps,
    hash_kinds,
    name_conflict,
    no_space_as_error,
    publish,
)
from pyaistore.storage.checksums import MultiHasher
from pyaistore.storage.errors import CorruptMeta, InvalidName, ObjectNotFound
from pyaistore.storage.meta_store import MetaStore
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.names import validate_object_name
from pyaistore.storage.object_file import ObjectFile
from pyaistore.storage.object_locks import StripeLocks
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire.bucket_id import BucketId

__all__ = ["ObjectStore", "WriteProps"]

LOCK_STRIPES: Final = 256


class ObjectStore:
    """Objects on a set of mountpaths: head, open, write, delete, append, copy, rename, list."""

    def __init__(self, mountpaths: MountpathSet, *, use_xattrs: bool = True, fsync: bool = True) -> None:
        """`use_xattrs=False` forces the sidecar fallback; `fsync=False` trades durability for speed."""
        self.mountpaths = mountpaths
        self._fsync = fsync
        self._meta = MetaStore(use_xattrs=use_xattrs, fsync=fsync)
        self._locks = StripeLocks(mountpaths.all[0].root, LOCK_STRIPES)
        for mp in mountpaths.all:
            layout.work_dir(mp).mkdir(exist_ok=True)
            layout.trash_dir(mp).mkdir(exist_ok=True)

    # ---- buckets ----

    def ensure_bucket(self, bucket: BucketId) -> None:
        """Create the bucket's object directory on every mountpath."""
        for mp in self.mountpaths.all:
            layout.objects_dir(mp, bucket).mkdir(parents=True, exist_ok=True)

    def destroy_bucket(self, bucket: BucketId) -> None:
        """Remove every object of the bucket: renamed into the trash at once, then deleted."""
        for mp in self.mountpaths.all:
            doomed = layout.trash_dir(mp) / layout.new_token()
            try:
                os.rename(layout.bucket_dir(mp, bucket), doomed)
            except FileNotFoundError:
                continue
            shutil.rmtree(doomed, ignore_errors=True)  # leftovers go at the next cleanup_work()

    # ---- single objects ----

    def head(self, bucket: BucketId, name: str) -> ObjectMeta:
        """The object's metadata; ObjectNotFound if there is no such object."""
        destination = self._destination(bucket, name)
        location = destination.location
        with self._read_guard(destination), _read_errors(location):
            meta = self._meta.head(location)
        meta.mountpath = str(location.mountpath.root)
        return meta

    def open(self, bucket: BucketId, name: str) -> ObjectFile:
        """Open the object for reading; ObjectNotFound if there is no such object."""
        destination = self._destination(bucket, name)
        location = destination.location
        with self._read_guard(destination), _read_errors(location):
            fd, meta, size = self._meta.open_object_sized(location)
        meta.mountpath = location.mountpath.root_str
        return ObjectFile(fd, location.data_str, meta, size)

    def writer(self, bucket: BucketId, name: str, props: WriteProps) -> AtomicWriter:
        """A writer whose commit() atomically replaces the object (see atomic_write)."""
        destination = self._destination(bucket, name)
        self._check_other_mountpaths(destination.location)
        work = layout.work_path(destination.location.mountpath, layout.new_token())
        return AtomicWriter(destination, work, props)

    def delete(self, bucket: BucketId, name: str) -> None:
        """Remove the object and its metadata; ObjectNotFound if there is none."""
        destination = self._destination(bucket, name)
        location = destination.location
        with destination.lock:
            try:
                info = os.lstat(location.data)
            except (FileNotFoundError, NotADirectoryError) as exc:
                raise ObjectNotFound(bucket, name) from exc
            if not stat.S_ISREG(info.st_mode):
                raise ObjectNotFound(bucket, name)
            self._remove_locked(location)
        self._prune(location)

    def set_custom(self, bucket: BucketId, name: str, custom: dict[str, str], replace: bool) -> ObjectMeta:
        """Merge `custom` into the object's custom metadata (or replace it); data and version stay."""
        destination = self._destination(bucket, name)
        location = destination.location
        with destination.lock:
            with _read_errors(location):
                fd, meta = self._meta.open_object(location)
            try:
                meta.custom = dict(custom) if replace else {**meta.custom, **custom}
                with no_space_as_error(location.cname):
                    self._meta.save(location, fd, meta)
                    if self._fsync:
                        os.fsync(fd)
            finally:
                os.close(fd)
        meta.mountpath = str(location.mountpath.root)
        return meta

    # ---- append sessions ----

    def append(self, bucket: BucketId, name: str, handle: str, chunks: Iterable[bytes]) -> str:
        """Append chunks to a staged copy of the object; "" starts a session. Returns the handle.

        A new session starts from the object's current content (empty if it does not exist).
        Nothing is visible until flush_append(). A failed append leaves the session as it was.
        """
        destination = self._destination(bucket, name)
        started = not handle
        if started:
            source = self._open_if_exists(bucket, name)
            try:
                handle = append_session.start(destination, source)
            finally:
                if source is not None:
                    source.close()
        try:
            append_session.extend(destination, handle, chunks)
        except BaseException:
            if started:
                append_session.session_path(destination, handle).unlink(missing_ok=True)
            raise
        return handle

    def flush_append(self, bucket: BucketId, name: str, handle: str, props: WriteProps) -> ObjectMeta:
        """Publish the session's work file as the object (checksum, version rule, atomic rename).

        On ChecksumMismatch the session stays open, so the client may retry.
        """
        destination = self._destination(bucket, name)
        append_session.session_path(destination, handle)  # a bad handle is the first error
        self._check_other_mountpaths(destination.location)
        path, fd = append_session.open_session(destination, handle, os.O_RDWR)
        try:
            hashes = MultiHasher(hash_kinds(props))
            size = append_session.hash_file(fd, hashes)
            return publish(destination, path, fd, size, hashes, props)
        finally:
            os.close(fd)

    # ---- copies ----

    def copy(
        self, bucket: BucketId, name: str, dst_bucket: BucketId, dst_name: str, props: WriteProps
    ) -> ObjectMeta:
        """Copy data and custom metadata (merged under props.custom) to another name or bucket."""
        with self.open(bucket, name) as source:
            custom = {**source.meta.custom, **props.custom}
            return self._write_from(source, dst_bucket, dst_name, dataclasses.replace(props, custom=custom))

    def rename(self, bucket: BucketId, name: str, dst_name: str) -> ObjectMeta:
        """Move an object to a new name in the same bucket, keeping checksum, version and metadata."""
        validate_object_name(bucket, dst_name)
        if dst_name == name:
            raise InvalidName(f"cannot rename {bucket.object_cname(name)} to itself")
        with self.open(bucket, name) as source:
            old = source.meta
            props = WriteProps(
                checksum_type=old.checksum_type,
                custom=old.custom,
                version=old.version,
                atime_ns=old.atime_ns,
                skip_version_check=True,
            )
            meta = self._write_from(source, bucket, dst_name, props)
        self.delete_if_unchanged(bucket, name, old)
        return meta

    # ---- listing ----

    def list_names(
        self, bucket: BucketId, prefix: str = "", after: str = "", recursive: bool = True
    ) -> Iterator[tuple[str, bool]]:
        """Lazily yield (name, is_dir) in ascending order, name > after, across all mountpaths."""
        walks = [
            listing.walk(layout.objects_dir(mp, bucket), prefix, after, recursive)
            for mp in self.mountpaths.all
        ]
        return listing.merge(walks)

    def list_entries(
        self,
        bucket: BucketId,
        prefix: str = "",
        after: str = "",
        limit: int = 0,
        recursive: bool = True,
        with_meta: bool = False,
    ) -> list[tuple[str, bool, ObjectMeta | None]]:
        """Up to `limit` (0: no limit) listing entries, with metadata for objects if asked.

        Objects that vanish (or whose metadata cannot be read) between listing and reading are
        skipped.
        """
        entries: list[tuple[str, bool, ObjectMeta | None]] = []
        for name, is_dir in self.list_names(bucket, prefix, after, recursive):
            meta = None
            if with_meta and not is_dir:
                try:
                    meta = self.head(bucket, name)
                except (ObjectNotFound, CorruptMeta):
                    continue
            entries.append((name, is_dir, meta))
            if 0 < limit <= len(entries):
                break
        return entries

    # ---- housekeeping ----

    def cleanup_work(self, older_than_s: float = 0.0) -> int:
        """Remove leftover work files and trash; returns how many entries went.

        With the default 0 everything goes (call it at startup, before serving). A positive
        `older_than_s` spares entries modified more recently, e.g. live append sessions.
        """
        cutoff = time.time() - older_than_s if older_than_s > 0 else None
        removed = 0
        for mp in self.mountpaths.all:
            for directory in (layout.work_dir(mp), layout.trash_dir(mp)):
                removed += _empty_directory(directory, cutoff)
        return removed

    # ---- internals ----

    def _destination(self, bucket: BucketId, name: str) -> Destination:
        """Validate the name, pick the mountpath by HRW and the lock stripe by uname."""
        validate_object_name(bucket, name)
        uname = bucket.object_uname(name)
        location = layout.locate(self.mountpaths.choose(uname), bucket, name)
        return Destination(location, self._locks.for_name(uname), self._meta, self._fsync)

    def _check_other_mountpaths(self, location: layout.ObjectLocation) -> None:
        """NameConflict when another mountpath has a file where the name needs a directory, or vice versa.

        On the object's own mountpath the final rename detects this by itself; checking the others
        makes "a" vs "a/b" fail the same way whichever disks HRW picks. (Two such writes racing on
        different disks may both succeed; both objects then stay readable and listable.)
        """
        for mp in self.mountpaths.all:
            if mp != location.mountpath and _blocked(
                str(layout.objects_dir(mp, location.bucket)), location.name
            ):
                raise name_conflict(location)

    def _open_if_exists(self, bucket: BucketId, name: str) -> ObjectFile | None:
        """The open object, or None when it does not exist."""
        try:
            return self.open(bucket, name)
        except ObjectNotFound:
            return None

    def _read_guard(self, destination: Destination) -> AbstractContextManager[Any]:
        """Nothing for xattr mountpaths; the stripe lock where metadata is a separate sidecar file."""
        if self._meta.uses_xattrs(destination.location.mountpath):
            return nullcontext()
        return destination.lock

    def _write_from(self, source: ObjectFile, bucket: BucketId, name: str, props: WriteProps) -> ObjectMeta:
        """Stream an open object into a new object through a work file."""
        with self.writer(bucket, name, props) as writer:
            for chunk in source.read_range(0, source.size):
                writer.write(chunk)
            return writer.commit()

    def _remove_locked(self, location: layout.ObjectLocation) -> None:
        """Unlink the data file and its metadata (caller holds the stripe lock)."""
        os.unlink(location.data)
        self._meta.remove(location)

    def _prune(self, location: layout.ObjectLocation) -> None:
        """Remove directories left empty by a removal, up to the bucket's obj and meta dirs."""
        mp, bucket = location.mountpath, location.bucket
        _prune_empty(location.data.parent, layout.objects_dir(mp, bucket))
        _prune_empty(location.sidecar.parent, layout.sidecars_dir(mp, bucket))

    def delete_if_unchanged(self, bucket: BucketId, name: str, expected: ObjectMeta) -> bool:
        """Delete the object only if it still is exactly `expected` (no write slipped in); True if deleted."""
        destination = self._destination(bucket, name)
        location = destination.location
        with destination.lock:
            try:
                fd, meta = self._meta.open_object(location)
            except (FileNotFoundError, ValueError):
                return False
            os.close(fd)
            if dataclasses.replace(meta, mountpath=expected.mountpath) != expected:
                return False
            self._remove_locked(location)
        self._prune(location)
        return True


@contextmanager
def _read_errors(location: layout.ObjectLocation) -> Iterator[None]:
    """Translate meta_store's missing/corrupt signals into ObjectNotFound/CorruptMeta."""
    try:
        yield
    except FileNotFoundError as exc:
        raise ObjectNotFound(location.bucket, location.name) from exc
    except ValueError as exc:
        raise CorruptMeta(f"{location.cname} has corrupt metadata: {exc}") from exc


def _blocked(objects_dir: str, name: str) -> bool:
    """Whether this objects dir has a file on the way to `name`, or a directory at `name`."""
    parts = name.split("/")
    path = objects_dir
    for index, part in enumerate(parts):
        path = os.path.join(path, part)
        try:
            mode = os.lstat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return False
        last = index == len(parts) - 1
        if not stat.S_ISDIR(mode):
            return not last  # the same name as a file elsewhere is a stray copy, not a conflict
        if last:
            return True
    return False


def _prune_empty(directory: Path, stop: Path) -> None:
    """rmdir `directory` and its parents while they are empty, never `stop` or above."""
    while directory != stop and directory.is_relative_to(stop):
        try:
            directory.rmdir()
        except OSError:
            return  # not empty (or already gone): the parents are not empty either
        directory = directory.parent


def _empty_directory(directory: Path, cutoff: float | None) -> int:
    """Remove the entries of `directory` (only those modified before `cutoff`); returns how many."""
    try:
        with os.scandir(directory) as scan:
            entries = list(scan)
    except FileNotFoundError:
        return 0
    removed = 0
    for entry in entries:
        try:
            if cutoff is not None and entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue  # gone already, or not removable now: the next cleanup retries
        removed += 1
    return removed
