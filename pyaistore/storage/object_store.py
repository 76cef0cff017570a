"""ObjectStore: the storage engine of one node, as blocking, thread-safe calls.

Every object lives on the available mountpath HRW picks for its uname (see `layout` for the tree),
and its mirror copies, if any, on the next mountpaths of its HRW ranking (see `mirror`). Writes go
through a work file and `atomic_write.publish`; commits, deletes and metadata updates of one name,
copies included, are serialised by a striped lock table, so version bumps never race and every copy
is identical to the main one when a write returns. Reads need no lock: an object is read through a
descriptor on one inode whose xattr metadata belongs to it (sidecar mountpaths, whose metadata is
a separate file, take the stripe lock to open).

A read that misses on the object's mountpath (or finds its disk failing) looks on the other
available mountpaths, first without and then with the lock, before answering ObjectNotFound; a hit
costs what it always did, one open and one getxattr. A vanished or failing disk surfaces as
MountpathUnavailable naming it, never as a bare OSError, so the owner can disable it.
"""

import dataclasses
import functools
import logging
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final, TypeVar

from pyaistore.storage import append_session, disk_sync, layout
from pyaistore.storage.atomic_write import (
    AtomicWriter,
    Destination,
    WriteProps,
    hash_kinds,
    name_conflict,
    publish,
)
from pyaistore.storage.checksums import MultiHasher
from pyaistore.storage.commit_queue import CommitQueues, Flushers
from pyaistore.storage.errors import (
    CorruptMeta,
    InvalidMountpath,
    InvalidName,
    LockBusy,
    ObjectNotFound,
    StorageError,
)
from pyaistore.storage.meta_store import MetaStore
from pyaistore.storage.mirror import Mirror, Reconciled
from pyaistore.storage.mountpaths import Mountpath, MountpathSet, unavailable_as_error
from pyaistore.storage.names import validate_object_name
from pyaistore.storage.object_file import ObjectFile
from pyaistore.storage.object_locks import LOCKS_DIR, StripeLocks
from pyaistore.storage.object_meta import ObjectMeta, check_record
from pyaistore.storage.staged_write import StagedWrite
from pyaistore.storage.store_listing import StoreListing
from pyaistore.storage.write_journal import CHECKPOINT_S, WriteJournals, boot_id, recover
from pyaistore.wire.bucket_id import BucketId

__all__ = ["ObjectStore", "WriteProps"]

log = logging.getLogger(__name__)

LOCK_STRIPES: Final = 256

_Read = TypeVar("_Read")


class ObjectStore(StoreListing):
    """Objects on a set of mountpaths: head, open, write, delete, append, copy, rename, list, mirror."""

    def __init__(
        self,
        mountpaths: MountpathSet,
        *,
        lock_dir: str | os.PathLike[str] | None = None,
        use_xattrs: bool = True,
        fsync: bool = True,
        flushers: Flushers | None = None,
        journal: bool = True,
        journal_interval_s: float = CHECKPOINT_S,
    ) -> None:
        """`lock_dir` holds the write-lock stripes shared by the node's processes (default: the
        first mountpath's `.locks`); `use_xattrs=False` forces the sidecar fallback; `fsync=False`
        trades durability for speed; `flushers` replace the group commit's fsync/syncfs calls;
        `journal=False` makes small creates wait for two flushes, not the journal's one, and
        `journal_interval_s` is how often the journals are checkpointed."""
        self.mountpaths = mountpaths
        self._fsync = fsync
        self._meta = MetaStore(use_xattrs=use_xattrs, fsync=fsync)
        locks = Path(lock_dir) if lock_dir is not None else mountpaths.all[0].root / LOCKS_DIR
        self._locks = StripeLocks(locks, LOCK_STRIPES)
        self._mirror = Mirror(mountpaths, self._meta, fsync)
        # Durable writes share their fsyncs per mountpath (group commit); none without fsync.
        self._commits = CommitQueues(flushers) if fsync else None
        # Small creates on the event loop are made durable by their mountpath's journal.
        self._journals = WriteJournals(flushers, journal_interval_s) if fsync and journal else None
        self._work_tokens = layout.WorkTokens()
        for mp in mountpaths.available:
            try:
                _prepare(mp, ())
            except StorageError:
                continue  # a failing disk: its first use reports it

    # ---- mountpaths (disable, detach, apply: call self.mountpaths directly) ----

    def attach(self, path: str | os.PathLike[str], buckets: Iterable[BucketId] = ()) -> Mountpath:
        """Attach a mountpath, creating its work, trash and bucket directories before it is used."""
        return self.mountpaths.attach(path, prepare=functools.partial(_prepare, buckets=tuple(buckets)))

    def enable(self, path: str | os.PathLike[str], buckets: Iterable[BucketId] = ()) -> bool:
        """Enable a disabled mountpath (its directories re-created first); False if already available."""
        return self.mountpaths.enable(path, prepare=functools.partial(_prepare, buckets=tuple(buckets)))

    # ---- buckets ----

    def ensure_bucket(self, bucket: BucketId) -> None:
        """Create the bucket's object directory on every available mountpath (failed disks skipped)."""
        for mp in self.mountpaths.available:
            try:
                mp.make_dirs(layout.objects_dir(mp, bucket))  # never a vanished root (failure() skips it)
            except OSError as exc:
                if mp.failure(exc) is None:
                    raise

    def destroy_bucket(self, bucket: BucketId) -> None:
        """Remove every object of the bucket: renamed into the trash at once, then deleted.

        Disabled mountpaths are included; a disk that fails meanwhile is skipped.
        """
        for mp in self.mountpaths.all:
            doomed = layout.trash_dir(mp) / layout.new_token()
            try:
                os.rename(layout.bucket_dir(mp, bucket), doomed)
            except OSError as exc:
                if isinstance(exc, FileNotFoundError) or mp.failure(exc) is not None:
                    continue
                raise
            shutil.rmtree(doomed, ignore_errors=True)  # leftovers go at the next cleanup_work()

    # ---- single objects ----

    def head(self, bucket: BucketId, name: str) -> ObjectMeta:
        """The object's metadata; ObjectNotFound if there is no such object."""
        location, meta = self._read(bucket, name, self._meta.head)
        meta.mountpath = location.mountpath.root_str
        return meta

    def open(self, bucket: BucketId, name: str, wait: bool = True) -> ObjectFile:
        """Open the object for reading; ObjectNotFound if there is no such object.

        Without `wait` (an event loop's call), LockBusy instead of waiting where finding the
        object needs its lock and a writer holds it: open it again in a thread.
        """
        location, (fd, meta, size) = self._read(bucket, name, self._meta.open_object_sized, wait)
        meta.mountpath = location.mountpath.root_str
        in_inode = self._meta.uses_xattrs(location.mountpath)
        return ObjectFile(fd, location.data_str, meta, size, meta_in_inode=in_inode)

    def meta_token(self, fd: int) -> bytes:
        """The encoded metadata of an open object file with `meta_in_inode`: equal tokens, equal metadata."""
        return self._meta.raw_xattr(fd)

    def writer(self, bucket: BucketId, name: str, props: WriteProps) -> AtomicWriter:
        """A writer whose commit() atomically replaces the object and its copies (see atomic_write).

        TooManyCopies when `props.copies` exceeds the available mountpaths.
        """
        destination = self._destination(bucket, name)
        self._mirror.check(props.copies)
        mp = destination.location.mountpath
        self._check_other_mountpaths(destination.location)
        work = layout.work_dir(mp) / self._work_tokens.next()
        try:
            return AtomicWriter(destination, work, props)
        except FileNotFoundError:
            layout.work_dir(mp).mkdir(exist_ok=True)  # the work dir alone vanished (the root is there)
        return AtomicWriter(destination, work, props)

    def stage_small(self, bucket: BucketId, name: str, props: WriteProps, data: bytes) -> StagedWrite | None:
        """The write of a small body in steps that never wait (staged_write.py); None when not offered.

        Not offered (write it with `writer` then) for more than one copy, or when a mountpath keeps
        metadata outside xattrs.
        """
        if props.copies > 1:
            return None
        available = self.mountpaths.available
        for mp in available:
            if not self._meta.uses_xattrs(mp):
                return None
        destination = self._destination(bucket, name)
        if len(available) > 1:
            self._check_other_mountpaths(destination.location)
        mp = destination.location.mountpath
        work = layout.work_dir_str(mp) + os.sep + self._work_tokens.next()
        journal = self._journals.for_root(mp.root) if self._journals is not None else None
        return StagedWrite(destination, work, props, data, journal)

    def delete(self, bucket: BucketId, name: str) -> None:
        """Remove the object, every copy and their metadata; ObjectNotFound if there is none."""
        destination = self._destination(bucket, name)
        with destination.lock:
            if not self._mirror.remove_all(destination.location):
                raise self._mirror.missing(destination.location)

    def set_custom(self, bucket: BucketId, name: str, custom: dict[str, str], replace: bool) -> ObjectMeta:
        """Merge `custom` into the custom metadata (or replace it) of every copy; data and version stay."""

        def change(meta: ObjectMeta) -> ObjectMeta:
            merged = dict(custom) if replace else {**meta.custom, **custom}
            check_record(name, merged, bucket.object_cname(name))  # the merge may pass a limit
            return dataclasses.replace(meta, custom=merged)

        destination = self._destination(bucket, name)
        with destination.lock:
            return self._mirror.rewrite_meta(destination.location, change)

    def copy_roots(self, bucket: BucketId, name: str) -> tuple[str, ...]:
        """The roots of the mountpaths holding a copy identical to the one `head` returns, that one first.

        For HEAD ?props=copies: its length is Ais-Mirror-Copies, the roots are Ais-Mirror-Paths.
        """
        main = self.head(bucket, name)
        return self._mirror.identical_roots(self._destination(bucket, name).location, main)

    def reconcile(self, bucket: BucketId, name: str, copies: int) -> Reconciled:
        """Resilver one object: the freshest copy on its first `copies` HRW mountpaths, no other copy."""
        destination = self._destination(bucket, name)
        with destination.lock:
            return self._mirror.reconcile(destination.location, copies)

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

    def append_path(self, bucket: BucketId, name: str, handle: str) -> Path:
        """The staging file of an append session (InvalidAppendHandle if there is none), e.g. to
        write its content through to a cloud before the flush publishes it."""
        return append_session.session_path(self._destination(bucket, name), handle)

    def flush_append(self, bucket: BucketId, name: str, handle: str, props: WriteProps) -> ObjectMeta:
        """Publish the session's work file as the object (checksum, version rule, atomic rename, copies).

        On ChecksumMismatch the session stays open, so the client may retry.
        """
        destination = self._destination(bucket, name)
        append_session.session_path(destination, handle)  # a bad handle is the first error
        self._mirror.check(props.copies)
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

    def rename(self, bucket: BucketId, name: str, dst_name: str, copies: int = 0) -> ObjectMeta:
        """Move an object to a new name in the same bucket, keeping checksum, version and metadata.

        The new name gets `copies` copies; 0 keeps as many as the object has now.
        """
        validate_object_name(bucket, dst_name)
        if dst_name == name:
            raise InvalidName(f"cannot rename {bucket.object_cname(name)} to itself")
        copies = copies or len(self.copy_roots(bucket, name))
        with self.open(bucket, name) as source:
            old = source.meta
            props = WriteProps(
                checksum_type=old.checksum_type,
                custom=old.custom,
                version=old.version,
                atime_ns=old.atime_ns,
                skip_version_check=True,
                copies=copies,
            )
            meta = self._write_from(source, bucket, dst_name, props)
        self.delete_if_unchanged(bucket, name, old)
        return meta

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
        """Pick the mountpath by HRW (locate validates the name) and the lock stripe by uname."""
        uname = bucket.object_uname(name)
        location = layout.locate(self.mountpaths.choose(uname), bucket, name)
        commits = self._commits.for_root(location.mountpath.root) if self._commits is not None else None
        lock = self._locks.for_name(uname)
        return Destination(location, lock, self._meta, self._fsync, self._mirror, commits)

    def _read(
        self, bucket: BucketId, name: str, read: Callable[[layout.ObjectLocation], _Read], wait: bool = True
    ) -> tuple[layout.ObjectLocation, _Read]:
        """`read` the object on its HRW mountpath; on a miss or a failing disk, wherever a copy is.

        The hit path is a plain try: no lock (xattrs), no extra system call. Without `wait`, LockBusy
        where the lock is needed and held.
        """
        destination = self._destination(bucket, name)
        location = destination.location
        xattrs = self._meta.uses_xattrs(location.mountpath)
        missed = False
        try:
            if xattrs:
                return location, read(location)
            if not destination.lock.take(wait):
                raise LockBusy(location.cname)
            try:  # sidecar metadata: read data and sidecar as one
                return location, read(location)
            finally:
                destination.lock.release()
        except FileNotFoundError:
            missed = True
        except ValueError as exc:
            raise CorruptMeta(f"{location.cname} has corrupt metadata: {exc}") from exc
        except OSError as exc:
            if location.mountpath.failure(exc) is None:
                raise
        return self._mirror.find(location, read, destination.lock, xattrs, missed, wait)

    def _check_other_mountpaths(self, location: layout.ObjectLocation) -> None:
        """NameConflict when another mountpath has a file where the name needs a directory, or vice versa.

        On the object's own mountpath the final rename detects this by itself; checking the others
        makes "a" vs "a/b" fail the same way whichever disks HRW picks. (Two such writes racing on
        different disks may both succeed; both objects then stay readable and listable.)
        """
        for mp in self.mountpaths.available:
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

    def _write_from(self, source: ObjectFile, bucket: BucketId, name: str, props: WriteProps) -> ObjectMeta:
        """Stream an open object into a new object through a work file."""
        with self.writer(bucket, name, props) as writer:
            for chunk in source.read_range(0, source.size):
                writer.write(chunk)
            return writer.commit()

    def recover_journals(self) -> int:
        """At start-up, before serving: replay the journals of the mountpaths after a reboot, retire
        them all (write_journal.py); returns how many objects were restored. A failing disk is
        skipped (its journal waits for the next start), as its first use will report it."""
        boot, restored = boot_id(), 0
        for mountpath in self.mountpaths.available:
            try:
                with unavailable_as_error(mountpath):
                    restored += recover(mountpath.root, boot)
            except StorageError as exc:
                log.error("the write journal of %s was not recovered: %s", mountpath.root, exc)
        return restored

    def close(self) -> None:
        """Retire this process's journals (a clean stop leaves nothing to replay)."""
        if self._journals is not None:
            self._journals.close()

    def sync(self) -> None:
        """Make every write so far durable, deferred ones included (one syncfs per mountpath)."""
        for mountpath in self.mountpaths.available:
            with unavailable_as_error(mountpath):
                disk_sync.syncfs(mountpath.root)

    def delete_if_unchanged(self, bucket: BucketId, name: str, expected: ObjectMeta) -> bool:
        """Delete the object (every copy) only if it still is exactly `expected` (no write slipped in).

        True when it was deleted.
        """
        destination = self._destination(bucket, name)
        with destination.lock:
            current = self._mirror.existing(destination.location)
            if current is None or current.to_json() != expected.to_json():
                return False
            self._mirror.remove_all(destination.location)
        return True


def _prepare(mp: Mountpath, buckets: tuple[BucketId, ...]) -> None:
    """Create the work and trash directories and the buckets' object directories on `mp`."""
    try:
        with unavailable_as_error(mp):
            layout.work_dir(mp).mkdir(exist_ok=True)
            layout.trash_dir(mp).mkdir(exist_ok=True)
            for bucket in buckets:
                mp.make_dirs(layout.objects_dir(mp, bucket))
    except OSError as exc:
        raise InvalidMountpath(mp.root_str, f'cannot use mountpath "{mp.root}": {exc.strerror}') from exc


def _blocked(objects_dir: str, name: str) -> bool:
    """Whether this objects dir has a file on the way to `name`, or a directory at `name`.

    A disk that cannot answer blocks nothing: its own failure surfaces where it is written.
    """
    parts = name.split("/")
    path = objects_dir
    for index, part in enumerate(parts):
        path = os.path.join(path, part)
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return False
        last = index == len(parts) - 1
        if not stat.S_ISDIR(mode):
            return not last  # the same name as a file elsewhere is a stray copy, not a conflict
        if last:
            return True
    return False


def _empty_directory(directory: Path, cutoff: float | None) -> int:
    """Remove the entries of `directory` (only those modified before `cutoff`); returns how many."""
    try:
        with os.scandir(directory) as scan:
            entries = list(scan)
    except OSError:
        return 0  # missing, or a failing disk: nothing to clean here now
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
