"""Atomic object writes: work file -> hash -> verify -> metadata -> fsync -> rename -> fsync dir.

An object only ever becomes visible under its name through one `os.replace` of a complete,
fsynced work file that already carries its metadata, so a crash at any point leaves either the
old object or the new one, never a partial one. `publish` is that final step; `AtomicWriter`
streams a body into a work file and then publishes it, and the append flush and object copy of
`object_store` publish their work files through the same function.

Mirror copies: a `Destination` may carry `replicas` (see `Replicas`), which publish consults under
the object's lock: before anything changes (enough mountpaths for the copies?), for the version
rule (the object may live on another mountpath), and after the rename (bring every copy in line).
"""

import errno
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Final, Protocol

from pyaistore.storage import layout
from pyaistore.storage.checksums import NONE, SUPPORTED, MultiHasher, algorithm
from pyaistore.storage.commit_queue import CommitQueue
from pyaistore.storage.errors import ChecksumMismatch, InvalidProps, NameConflict, NoSpace
from pyaistore.storage.meta_store import MetaStore, fsync_dir
from pyaistore.storage.object_locks import StripeLock
from pyaistore.storage.object_meta import ObjectMeta

__all__ = [
    "AtomicWriter",
    "Destination",
    "Replicas",
    "WriteProps",
    "conflicts_as_error",
    "hash_kinds",
    "install",
    "into_place",
    "io_errors",
    "name_conflict",
    "new_meta",
    "no_space_as_error",
    "publish",
    "rename_into_place",
    "verify",
    "write_all",
]

_NO_SPACE: Final = frozenset({errno.ENOSPC, errno.EDQUOT})
_DECIMAL: Final = re.compile(r"[0-9]+")
# A concurrent delete may prune the parent directory between makedirs and rename: retry.
_RENAME_ATTEMPTS: Final = 3


@dataclass(frozen=True)
class WriteProps:
    """How to store one object: checksum, versioning, expected checksum and metadata."""

    checksum_type: str = "xxhash2"
    versioning: bool = True
    expected_type: str = ""
    expected_value: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    skip_version_check: bool = False
    version: str = ""  # explicit version (copies); empty: apply the version rule
    atime_ns: int = 0  # 0: now
    # A migration (rebalance, get-from-neighbour): an object in place written at or after
    # `atime_ns` is newer than this copy and stays; this one is dropped.
    keep_newer: bool = False
    # The caller makes the write durable later, for a whole batch at once (one sync of the disks
    # before anything depends on it, e.g. before a rebalance sender drops its copies).
    deferred_sync: bool = False
    copies: int = 1  # replicas on distinct mountpaths, the main one included (1: no mirroring)

    def __post_init__(self) -> None:
        for kind in (self.checksum_type, self.expected_type or NONE):
            if kind not in SUPPORTED:
                raise InvalidProps(f'unsupported checksum type "{kind}"')
        if self.copies < 1:
            raise InvalidProps(f"invalid number of copies {self.copies}: must be at least 1")

    @property
    def verifies(self) -> bool:
        """Whether the data must match an expected checksum."""
        return self.expected_type not in ("", NONE) and bool(self.expected_value)


class Replicas(Protocol):
    """The object's copies on other mountpaths, as publish sees them (the caller holds the lock)."""

    def check(self, copies: int) -> None:
        """Raise (TooManyCopies) when the copies cannot be made; called before anything changes."""
        ...

    def existing(self, location: layout.ObjectLocation) -> ObjectMeta | None:
        """The object in place now: at `location`, else its first copy elsewhere; None if none."""
        ...

    def elsewhere(self, location: layout.ObjectLocation) -> ObjectMeta | None:
        """The object's first copy on a mountpath other than `location`'s; None if none."""
        ...

    def settle(self, location: layout.ObjectLocation, fd: int, meta: ObjectMeta, copies: int) -> str:
        """Copy the object just installed at `location` to its HRW mountpaths; returns the main root.

        `fd` is the installed file, open for reading. Any other copy is removed.
        """
        ...


@dataclass(frozen=True)
class Destination:
    """Where a work file is published, with the lock and metadata store that make it safe.

    With `fsync` off, publishing is still atomic for readers and against process crashes, but
    not durable across power loss (the store's --no-fsync mode). With `commits` (the group commit
    of the location's mountpath) the fsyncs are shared with concurrent writes, with the same
    guarantee: publish returns only once this object's file and directory entry are durable.
    Without `replicas` only the object at `location` is looked at and written.
    """

    location: layout.ObjectLocation
    lock: StripeLock
    meta_store: MetaStore
    fsync: bool = True
    replicas: Replicas | None = None
    commits: CommitQueue | None = None


@contextmanager
def no_space_as_error(display: str) -> Iterator[None]:
    """Turn ENOSPC/EDQUOT raised inside the block into NoSpace."""
    try:
        yield
    except OSError as exc:
        if exc.errno in _NO_SPACE:
            raise NoSpace(f"no space left on device while writing {display}") from exc
        raise


class _IoErrors:
    """The context of io_errors: a class, not a generator, as it runs several times per small PUT."""

    __slots__ = ("_location",)

    def __init__(self, location: layout.ObjectLocation) -> None:
        self._location = location

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        if not isinstance(exc, OSError):
            return
        if exc.errno in _NO_SPACE:
            raise NoSpace(f"no space left on device while writing {self._location.cname}") from exc
        failure = self._location.mountpath.failure(exc)
        if failure is not None:
            raise failure from exc


def io_errors(location: layout.ObjectLocation) -> AbstractContextManager[None]:
    """While writing `location`: ENOSPC/EDQUOT become NoSpace, a failed disk MountpathUnavailable."""
    return _IoErrors(location)


def publish(
    destination: Destination, work: Path, fd: int, size: int, hashes: MultiHasher, props: WriteProps
) -> ObjectMeta:
    """Verify, then atomically make the work file (open as `fd`) the object; returns its metadata.

    On ChecksumMismatch (or TooManyCopies) nothing was touched. On a no-op PUT (the expected
    checksum equals the stored one) the work file is removed and the existing metadata returned
    unchanged. With `destination.replicas`, every copy is identical to the new object on return.
    """
    location, replicas = destination.location, destination.replicas
    verify(location, hashes, props)
    with io_errors(location):
        # One fsync, under the lock, makes data and metadata durable together: the version in the
        # metadata depends on the object as it is under the lock. (A separate data fsync outside
        # the lock shortened the hold but cost a third sync per small PUT.)
        with destination.lock:
            if replicas is not None:
                replicas.check(props.copies)
            meta, kept = new_meta(destination, size, hashes, props)
            if kept:
                work.unlink(missing_ok=True)
                return meta
            fsync = destination.fsync and not props.deferred_sync
            install(location, work, fd, meta, destination.meta_store, fsync, destination.commits)
            main = location.mountpath.root_str
            if replicas is not None:
                main = replicas.settle(location, fd, meta, props.copies)
        if fsync and destination.commits is not None:
            destination.commits.sync_dir(os.path.dirname(location.data_str))
        elif fsync:
            fsync_dir(os.path.dirname(location.data_str))
    meta.mountpath = main
    return meta


def new_meta(
    destination: Destination,
    size: int,
    hashes: MultiHasher,
    props: WriteProps,
    found: ObjectMeta | None = None,
    looked: bool = False,
) -> tuple[ObjectMeta, bool]:
    """Under the object's lock: the metadata to publish, or (the object in place, True) to keep it.

    The object in place is kept on a no-op PUT (the expected checksum is the stored one) and
    against an older migrating copy. `found`: the object in place, already read by the caller
    under the lock; None is looked up here, unless `looked` says the caller looked everywhere.
    """
    location = destination.location
    if props.skip_version_check and not props.keep_newer:
        old = None
    elif found is not None or looked:
        old = found
    else:
        old = _existing(destination)
    if old is not None and (_is_noop(old, props) or _is_newer(old, props)):
        old.mountpath = old.mountpath or str(location.mountpath.root)
        return old, True
    meta = ObjectMeta(
        name=location.name,
        size=size,
        checksum_type=props.checksum_type,
        checksum_value=hashes.hexdigest(props.checksum_type),
        version=_next_version(old, props),
        atime_ns=props.atime_ns or time.time_ns(),
        custom=dict(props.custom),
    )
    return meta, False


def install(
    location: layout.ObjectLocation,
    work: Path,
    fd: int,
    meta: ObjectMeta,
    meta_store: MetaStore,
    fsync: bool,
    commits: CommitQueue | None = None,
) -> None:
    """Attach `meta` to the work file (open as `fd`), fsync it, and rename it onto the object path.

    With `commits`, the fsync is the group commit's (shared with concurrent writes, still done
    before the rename). The caller holds the object's lock and fsyncs the parent directory when
    durability matters.
    """
    with conflicts_as_error(location):
        meta_store.save(location, fd, meta)
        # data and metadata are durable before the name points at them
        if fsync and commits is not None:
            commits.sync_file(fd)
        elif fsync:
            os.fsync(fd)
        rename_into_place(work, location)


def hash_kinds(props: WriteProps) -> list[str]:
    """The checksums a write must compute: the bucket's, plus the expected one if different."""
    return [props.checksum_type, props.expected_type] if props.verifies else [props.checksum_type]


class AtomicWriter:
    """Streams one object body into a work file; commit() publishes it, abort() discards it.

    Use it as a context manager: leaving the block without commit() aborts. One writer belongs
    to one caller at a time (calls may come from different threads, but not concurrently).
    """

    def __init__(self, destination: Destination, work: Path, props: WriteProps) -> None:
        self._destination = destination
        self._work = work
        self._props = props
        self._hashes = MultiHasher(hash_kinds(props))
        self._finished = False
        self.size = 0
        with io_errors(destination.location):
            # Read-write: mirror copies are made from this descriptor once it is the object.
            self._fd = os.open(work, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)

    @property
    def work_path(self) -> Path:
        """The work file being written (readers may follow it as it grows, e.g. a cold GET's clients)."""
        return self._work

    def amend(self, custom: dict[str, str], version: str = "") -> None:
        """Replace the custom metadata (and set an explicit version) the commit will publish.

        A write-through PUT learns the cloud's ETag and version only after the body is written.
        """
        self._check_open()
        self._props = replace(self._props, custom=dict(custom), version=version or self._props.version)

    def write(self, chunk: bytes) -> None:
        """Append a chunk to the work file and to the running checksums."""
        self._check_open()
        try:
            with io_errors(self._destination.location):
                write_all(self._fd, chunk)
        except BaseException:
            self.abort()
            raise
        self._hashes.update(chunk)
        self.size += len(chunk)

    def commit(self) -> ObjectMeta:
        """Verify the expected checksum and publish; on any failure abort, old object untouched."""
        self._check_open()
        try:
            meta = publish(self._destination, self._work, self._fd, self.size, self._hashes, self._props)
        except BaseException:
            self.abort()
            raise
        self._finished = True
        os.close(self._fd)
        return meta

    def abort(self) -> None:
        """Discard the work file (idempotent; a no-op after commit)."""
        if self._finished:
            return
        self._finished = True
        os.close(self._fd)
        self._work.unlink(missing_ok=True)

    def __enter__(self) -> "AtomicWriter":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.abort()

    def _check_open(self) -> None:
        if self._finished:
            raise ValueError("the writer is already committed or aborted")


def write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is written."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def verify(location: layout.ObjectLocation, hashes: MultiHasher, props: WriteProps) -> None:
    """ChecksumMismatch unless the data matches the expected checksum (when one was given)."""
    if not props.verifies:
        return
    actual = hashes.hexdigest(props.expected_type)
    if actual != props.expected_value:
        kind = props.expected_type
        raise ChecksumMismatch(
            f"BAD DATA CHECKSUM: {kind}({props.expected_value}) != {kind}({actual}) for {location.cname}"
        )


def _existing(destination: Destination) -> ObjectMeta | None:
    """The metadata of the object now in place, or None (missing or unreadable: a new object)."""
    if destination.replicas is not None:
        return destination.replicas.existing(destination.location)
    try:
        fd, meta = destination.meta_store.open_object(destination.location)
    except (FileNotFoundError, ValueError):
        return None
    os.close(fd)
    return meta


def _is_noop(old: ObjectMeta, props: WriteProps) -> bool:
    """A PUT whose expected checksum equals the stored one changes nothing (reference §4.2)."""
    return (
        props.verifies
        and algorithm(old.checksum_type) == algorithm(props.expected_type)
        and old.checksum_value == props.expected_value
    )


def _is_newer(old: ObjectMeta, props: WriteProps) -> bool:
    """A migrating copy never replaces an object written at or after it (rebalance races a PUT)."""
    return props.keep_newer and old.atime_ns >= props.atime_ns


def _next_version(old: ObjectMeta | None, props: WriteProps) -> str:
    """The version rule: explicit, else "1" for new objects, else +1 (versioning) or unchanged."""
    if props.version:
        return props.version
    if old is None:
        return "1"
    if not props.versioning:
        return old.version
    return str(int(old.version) + 1) if _DECIMAL.fullmatch(old.version) else "1"


def rename_into_place(work: Path, location: layout.ObjectLocation) -> None:
    """Create the parent directories and rename the work file onto the object's data path.

    The directories are created below the mountpath root only (`Mountpath.make_dirs`): a root
    that vanished (an unmounted disk), even one that vanishes midway, is not silently recreated on
    the file system underneath; FileNotFoundError instead.
    """
    into_place(str(work), location, os.replace)


def into_place(source: str, location: layout.ObjectLocation, put: Callable[[str, str], None]) -> None:
    """Give the file `source` the object's data path with `put(source, path)` (a rename or a link),
    creating the parent directories as rename_into_place does when they are missing."""
    target = location.data_str
    try:
        put(source, target)  # the parent is there (the common case): one call
        return
    except FileNotFoundError:
        if not os.path.lexists(source):
            raise
    for attempt in range(_RENAME_ATTEMPTS):
        # Never "is the root there? then mkdir -p": the root may vanish between the two.
        location.mountpath.make_dirs(location.data.parent)
        try:
            put(source, target)
            return
        except FileNotFoundError:
            if attempt == _RENAME_ATTEMPTS - 1 or not os.path.lexists(source):
                raise


def name_conflict(location: layout.ObjectLocation) -> NameConflict:
    """The error for a name that needs a directory where a file is, or is itself a directory."""
    return NameConflict(f"{location.cname} conflicts with an existing object or directory of the same name")


class _Conflicts:
    """The context of conflicts_as_error: a class, not a generator, as it runs on every small PUT."""

    __slots__ = ("_location",)

    def __init__(self, location: layout.ObjectLocation) -> None:
        self._location = location

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        if isinstance(exc, (FileExistsError, NotADirectoryError, IsADirectoryError)):
            raise name_conflict(self._location) from exc


def conflicts_as_error(location: layout.ObjectLocation) -> AbstractContextManager[None]:
    """Turn "a file where a directory must be" (and vice versa) raised inside the block into NameConflict."""
    return _Conflicts(location)
