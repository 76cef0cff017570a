"""SliceStore: the replicas and erasure-coded slices a target keeps, and the main target's EC records.

For an object of an EC bucket, a target other than the main one keeps one *piece*: a full
replica (slice id 0) or one slice (1..D+P; the stripe layout is in `erasure_code`), each with its
`SliceMeta` (wire.erasure_code). The main target keeps an EC *record* of its own object instead:
the same SliceMeta (where every piece went), without data. On disk (see `layout`):

- a piece is `<bucket>/ec/<object name>` on the mountpath HRW picks for the object's uname, its
  metadata in the xattr `user.pyaistore.ec`, or in a per-inode sidecar under `ec-sidecar/` where
  the file system refuses xattrs (the `meta_store` scheme);
- a record is the JSON file `<bucket>/ec-main/<object name>` on the same mountpath.

Neither lives under `obj/`, so object listings and rebalance walks of objects never see them.
Writes are atomic like object writes: a work file in the mountpath's `.work/`, hashed while it
is written, metadata set on it, fsync, rename, fsync of the directory; a source that fails leaves
the old piece as it was. A piece or record is never replaced by one of an older generation.
Blocking, thread-safe calls: async code runs them with asyncio.to_thread.
"""

import dataclasses
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Final

from pyaistore.storage import layout, listing
from pyaistore.storage.atomic_write import (
    io_errors,
    name_conflict,
    no_space_as_error,
    rename_into_place,
    write_all,
)
from pyaistore.storage.checksums import SUPPORTED, Hasher
from pyaistore.storage.erasure_code import slice_size
from pyaistore.storage.errors import (
    ChecksumMismatch,
    CorruptMeta,
    InvalidProps,
    SliceNotFound,
    SliceSizeMismatch,
)
from pyaistore.storage.meta_store import TypedMetaStore, fsync_dir, save_file
from pyaistore.storage.mountpaths import Mountpath, MountpathSet
from pyaistore.storage.object_locks import StripeLock, StripeLocks
from pyaistore.storage.slice_file import SliceFile
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta

__all__ = ["EC_LOCKS_DIR", "XATTR_NAME", "SliceEntry", "SliceStore", "SliceWriter"]

XATTR_NAME: Final = "user.pyaistore.ec"
# Pieces hash to lock stripes of their own: storing a slice never waits on the same-named object.
_LOCK_KEY_SUFFIX: Final = "\x00ec"
# The default lock directory, in the first mountpath (apart from the object store's `.locks`).
EC_LOCKS_DIR: Final = ".ec-locks"

SliceEntry = tuple[str, SliceMeta | None]  # (object name, metadata; None when it is corrupt)
_DirOf = Callable[[Mountpath, BucketId], Path]


class SliceStore:
    """Replicas, slices and EC records on a set of mountpaths: write, open, head, delete, iterate."""

    def __init__(
        self,
        mountpaths: MountpathSet,
        *,
        use_xattrs: bool = True,
        fsync: bool = True,
        lock_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        """`use_xattrs=False` forces the sidecar fallback; `fsync=False` trades durability for speed.

        Lock stripes live in `lock_dir` (every process of a node must name the same one), by
        default `EC_LOCKS_DIR` of the first mountpath: never the root itself, which a process
        starting after its disk vanished would otherwise create again, empty.
        """
        self.mountpaths = mountpaths
        self._fsync = fsync
        self._meta = TypedMetaStore(
            SliceMeta.decode, SliceMeta.from_json, XATTR_NAME, use_xattrs=use_xattrs, fsync=fsync
        )
        locks = Path(lock_dir) if lock_dir is not None else mountpaths.all[0].root / EC_LOCKS_DIR
        self._locks = StripeLocks(locks)

    # ---- pieces: replicas and slices ----

    def write(self, bucket: BucketId, name: str, chunks: Iterable[bytes], meta: SliceMeta) -> SliceMeta:
        """Store the replica or slice `meta` describes from `chunks`; returns it with the slice checksum.

        The bytes must be exactly the replica's (object size) or slice's (`slice_size`) length, else
        SliceSizeMismatch; a non-empty `meta.slice_checksum_value` must match them, else
        ChecksumMismatch. Where the piece in place has a newer generation, it stays and its
        metadata is returned. Nothing changes on any error, including one raised by `chunks`.
        """
        writer = self.writer(bucket, name, meta)
        try:
            for chunk in chunks:
                writer.write(chunk)
            return writer.commit()
        except BaseException:
            writer.abort()
            raise

    def writer(self, bucket: BucketId, name: str, meta: SliceMeta) -> "SliceWriter":
        """A piece being written chunk by chunk (as `write`, for callers that receive it over time)."""
        location, lock = self._locate(bucket, name)
        if meta.slice_checksum_type not in SUPPORTED:
            raise InvalidProps(f'unsupported checksum type "{meta.slice_checksum_type}"')
        work = layout.work_path(location.mountpath, layout.new_token())
        with io_errors(location):  # a vanished root is MountpathUnavailable, and never recreated
            location.mountpath.make_dirs(work.parent)
            fd = os.open(work, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        return SliceWriter(self, location, lock, work, fd, meta)

    def open(self, bucket: BucketId, name: str) -> SliceFile:
        """Open the replica or slice kept here; SliceNotFound if there is none, CorruptMeta if unreadable."""
        location, lock = self._locate(bucket, name)
        with self._read_guard(location, lock), _read_errors(location):
            fd, meta, size = self._meta.open_object_sized(location)
        return SliceFile(fd, meta, size)

    def head(self, bucket: BucketId, name: str) -> SliceMeta:
        """The metadata of the replica or slice kept here; SliceNotFound or CorruptMeta."""
        location, lock = self._locate(bucket, name)
        with self._read_guard(location, lock), _read_errors(location):
            return self._meta.head(location)

    def delete(self, bucket: BucketId, name: str) -> None:
        """Remove the replica or slice kept here and its metadata; SliceNotFound if there is none."""
        location, lock = self._locate(bucket, name)
        with lock:
            if not _is_file(location.data):
                raise SliceNotFound(bucket, name)
            os.unlink(location.data)
            self._meta.remove(location)
        mp = location.mountpath
        _prune_empty(location.data.parent, layout.ec_slices_dir(mp, bucket))
        _prune_empty(location.sidecar.parent, layout.ec_sidecars_dir(mp, bucket))

    def iterate(self, bucket: BucketId, prefix: str = "", after: str = "") -> Iterator[SliceEntry]:
        """(name, metadata) of every replica and slice of the bucket kept here, in name order.

        Starts after `after` (a page token); pieces that vanish meanwhile are skipped, and a piece
        whose metadata is corrupt comes with None (a cleanup pass may delete it).
        """
        for name in self._names(layout.ec_slices_dir, bucket, prefix, after):
            try:
                yield name, self.head(bucket, name)
            except SliceNotFound:
                continue
            except CorruptMeta:
                yield name, None

    # ---- records: the main target's metadata of its own objects ----

    def write_record(self, bucket: BucketId, name: str, meta: SliceMeta) -> SliceMeta:
        """Store the main target's EC record of its object; an existing newer record stays and is returned."""
        location, lock = self._locate(bucket, name)
        path = layout.ec_record_path(location.mountpath, bucket, name)
        work = layout.work_path(location.mountpath, layout.new_token())
        with io_errors(location):
            location.mountpath.make_dirs(work.parent)
        with io_errors(location), lock:
            current = _newer(meta, lambda: _read_record(location, path))
            if current is not None:
                return current
            with _conflict_as_error(location):
                save_file(path, meta.encode(), work, self._fsync, location.mountpath)
        return meta

    def head_record(self, bucket: BucketId, name: str) -> SliceMeta:
        """The main target's EC record of the object; SliceNotFound or CorruptMeta."""
        location, _ = self._locate(bucket, name)
        return _read_record(location, layout.ec_record_path(location.mountpath, bucket, name))

    def delete_record(self, bucket: BucketId, name: str) -> None:
        """Remove the main target's EC record of the object; SliceNotFound if there is none."""
        location, lock = self._locate(bucket, name)
        path = layout.ec_record_path(location.mountpath, bucket, name)
        with lock:
            if not _is_file(path):
                raise SliceNotFound(bucket, name)
            os.unlink(path)
        _prune_empty(path.parent, layout.ec_records_dir(location.mountpath, bucket))

    def iterate_records(self, bucket: BucketId, prefix: str = "", after: str = "") -> Iterator[SliceEntry]:
        """(name, record) of every EC record of the bucket kept here, in name order (as `iterate`)."""
        for name in self._names(layout.ec_records_dir, bucket, prefix, after):
            try:
                yield name, self.head_record(bucket, name)
            except SliceNotFound:
                continue
            except CorruptMeta:
                yield name, None

    # ---- buckets ----

    def destroy_bucket(self, bucket: BucketId) -> None:
        """Remove every replica, slice and record of the bucket (moved to the trash, then deleted)."""
        for mp in self.mountpaths.all:
            for directory in (
                layout.ec_slices_dir(mp, bucket),
                layout.ec_sidecars_dir(mp, bucket),
                layout.ec_records_dir(mp, bucket),
            ):
                doomed = layout.trash_dir(mp) / layout.new_token()
                try:
                    mp.make_dirs(doomed.parent)  # a vanished root stays vanished: nothing to remove
                    os.rename(directory, doomed)
                except FileNotFoundError:
                    continue
                shutil.rmtree(doomed, ignore_errors=True)  # leftovers go with the next trash cleanup

    # ---- internals ----

    def _locate(self, bucket: BucketId, name: str) -> tuple[layout.ObjectLocation, StripeLock]:
        """Validate the name; the piece's location on the HRW mountpath and its lock stripe."""
        uname = bucket.object_uname(name)
        location = layout.locate_slice(self.mountpaths.choose(uname), bucket, name)
        return location, self._locks.for_name(uname + _LOCK_KEY_SUFFIX)

    def _publish(
        self, location: layout.ObjectLocation, lock: StripeLock, work: Path, fd: int, meta: SliceMeta
    ) -> SliceMeta:
        """Set the metadata on the work file, fsync, rename it over the piece (unless that is newer)."""
        with no_space_as_error(location.cname):
            with lock:
                current = _newer(meta, lambda: self._meta.head(location))
                if current is not None:
                    work.unlink()
                    return current
                with _conflict_as_error(location):
                    self._meta.save(location, fd, meta)
                    if self._fsync:
                        os.fsync(fd)
                    rename_into_place(work, location)
            if self._fsync:
                fsync_dir(location.data.parent)
        return meta

    def _read_guard(self, location: layout.ObjectLocation, lock: StripeLock) -> AbstractContextManager[Any]:
        """Nothing with xattrs; the stripe lock where metadata is a separate sidecar file."""
        return nullcontext() if self._meta.uses_xattrs(location.mountpath) else lock

    def _names(self, directory: _DirOf, bucket: BucketId, prefix: str, after: str) -> Iterator[str]:
        """Names under one EC directory (`directory(mp, bucket)`) of every mountpath, merged in order."""
        walks = [listing.walk(directory(mp, bucket), prefix, after, True) for mp in self.mountpaths.all]
        return (name for name, _ in listing.merge(walks))


class SliceWriter:
    """One piece being written: write() chunks, then commit() (or abort(): nothing changes)."""

    def __init__(
        self,
        store: SliceStore,
        location: layout.ObjectLocation,
        lock: StripeLock,
        work: Path,
        fd: int,
        meta: SliceMeta,
    ) -> None:
        self._store, self._location, self._lock = store, location, lock
        self._work, self._fd, self._meta = work, fd, meta
        self._hasher = Hasher(meta.slice_checksum_type)
        self._size = 0
        self._closed = False

    def write(self, chunk: bytes) -> None:
        """Append and hash one chunk."""
        with no_space_as_error(self._location.cname):
            write_all(self._fd, chunk)
        self._hasher.update(chunk)
        self._size += len(chunk)

    def commit(self) -> SliceMeta:
        """Check size and checksum, publish the piece; returns its metadata (a newer one in place wins)."""
        try:
            stored = _checked(self._location, self._meta, self._size, self._hasher.hexdigest())
            return self._store._publish(self._location, self._lock, self._work, self._fd, stored)
        except BaseException:
            self._work.unlink(missing_ok=True)
            raise
        finally:
            self._close()

    def abort(self) -> None:
        """Drop the work file."""
        self._work.unlink(missing_ok=True)
        self._close()

    def _close(self) -> None:
        if not self._closed:
            self._closed = True
            os.close(self._fd)


def _checked(location: layout.ObjectLocation, meta: SliceMeta, size: int, checksum: str) -> SliceMeta:
    """`meta` with the slice checksum, after checking the size and any expected checksum."""
    if meta.is_replica:
        expected, what = meta.object_size, "replica"
    else:
        expected = slice_size(meta.object_size, meta.data_slices, meta.piece_size)
        what = f"slice {meta.slice_id}"
    if size != expected:
        raise SliceSizeMismatch(f"{what} of {location.cname} is {size} bytes, not {expected}")
    if meta.slice_checksum_value and meta.slice_checksum_value != checksum:
        kind = meta.slice_checksum_type
        raise ChecksumMismatch(
            f"BAD DATA CHECKSUM: {kind}({meta.slice_checksum_value}) != {kind}({checksum})"
            f" for {what} of {location.cname}"
        )
    return dataclasses.replace(meta, slice_checksum_value=checksum)


def _newer(meta: SliceMeta, load: Callable[[], SliceMeta]) -> SliceMeta | None:
    """The metadata in place when it has a newer generation than `meta`, else None (also if unreadable)."""
    try:
        current = load()
    except (FileNotFoundError, ValueError, SliceNotFound, CorruptMeta):
        return None
    return current if current.generation > meta.generation else None


def _read_record(location: layout.ObjectLocation, path: Path) -> SliceMeta:
    """Parse a record file; SliceNotFound when there is none, CorruptMeta when it cannot be parsed."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:  # missing, a directory on the way, or a symlink (never ours)
        raise SliceNotFound(location.bucket, location.name) from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SliceNotFound(location.bucket, location.name)
        with open(fd, "rb", closefd=False) as stream:
            data = stream.read()
    finally:
        os.close(fd)
    try:
        return SliceMeta.decode(data)
    except ValueError as exc:
        raise CorruptMeta(f"the EC record of {location.cname} is corrupt: {exc}") from exc


def _is_file(path: Path | str) -> bool:
    """Whether `path` is a regular file (not following symlinks)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False


@contextmanager
def _read_errors(location: layout.ObjectLocation) -> Iterator[None]:
    """meta_store's missing/corrupt signals as SliceNotFound/CorruptMeta."""
    try:
        yield
    except FileNotFoundError as exc:
        raise SliceNotFound(location.bucket, location.name) from exc
    except ValueError as exc:
        raise CorruptMeta(f"the EC metadata of {location.cname} is corrupt: {exc}") from exc


@contextmanager
def _conflict_as_error(location: layout.ObjectLocation) -> Iterator[None]:
    """A file where a directory must be (or the reverse) as NameConflict."""
    try:
        yield
    except (FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
        raise name_conflict(location) from exc


def _prune_empty(directory: Path, stop: Path) -> None:
    """rmdir `directory` and its parents while they are empty, never `stop` or above."""
    while directory != stop and directory.is_relative_to(stop):
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent
