"""Typed errors raised by the storage engine; none of them knows about HTTP.

The hierarchy::

    StorageError                 base class; `message` is also the exception's str
     ├── ObjectNotFound          the object does not exist (or has no readable metadata)
     │    └── SliceNotFound      this node holds no slice or replica of the object
     ├── InvalidName             a bucket or object name that may not be stored
     ├── NameConflict            an object name collides with a "directory" of other objects, or vice versa
     ├── ChecksumMismatch        the data does not match the checksum the client sent
     ├── InvalidAppendHandle     an append handle that is malformed or names no open append session
     ├── InvalidProps            a bad bucket property patch, or an unsupported checksum type
     │    └── TooManyCopies      more copies asked of an object than there are available mountpaths
     │    └── InvalidErasureConfig  D or P outside [1, 32], or a piece size out of range
     ├── NoSpace                 the disk filled up (ENOSPC, EDQUOT) while writing
     ├── MetadataTooLarge        custom metadata over a documented limit, or a record too large to store
     ├── CorruptMeta             stored metadata (object, slice or bucket table) that cannot be decoded
     ├── SliceError              erasure-coded slices from which an object cannot be rebuilt
     │    ├── NotEnoughSlices    fewer than D distinct slices to decode from
     │    ├── SliceTruncated     a slice ends before the object's size says it should
     │    └── SliceSizeMismatch  a replica or slice to store is not the size its metadata implies
     ├── ArchiveError            a shard that is corrupt, not an archive, or in an unsupported format,
     │                           or an archive request that cannot be served (bad match mode or regex)
     ├── ArchiveMemberNotFound   no file in the shard has the asked path, or matches the pattern
     ├── UploadNotFound          no multipart upload with this ID (for this object) is in progress here
     ├── InvalidPartList         a completion whose part list does not name the uploaded parts 1..N
     │    └── PartialCompletion  a completion naming more or fewer parts than were uploaded
     ├── InvalidPart             a part that cannot be stored (empty, too large) or whose ETag differs
     └── MountpathError          a mountpath change or a disk that cannot serve; `path` names the mountpath
          ├── MountpathNotFound      no attached mountpath has this path
          ├── InvalidMountpath       not a directory, or the same as / nested in / holding an attached one
          ├── NoMountpathsLeft       the change would leave no available mountpath
          └── MountpathUnavailable   the mountpath's root vanished or its disk fails (EIO, EROFS, ...)

Changing a mountpath to the state it is already in is not an error: `MountpathSet.enable` and
`disable` return False (AIS answers 204).

The web layer maps these to status codes in one table; storage code never picks a status.
"""

from pyaistore.wire.bucket_id import BucketId

__all__ = [
    "ArchiveError",
    "ArchiveMemberNotFound",
    "ChecksumMismatch",
    "CorruptMeta",
    "InvalidAppendHandle",
    "InvalidErasureConfig",
    "InvalidMountpath",
    "InvalidName",
    "InvalidPart",
    "InvalidPartList",
    "InvalidProps",
    "MetadataTooLarge",
    "MountpathError",
    "MountpathNotFound",
    "MountpathUnavailable",
    "NameConflict",
    "NoMountpathsLeft",
    "NoSpace",
    "NotEnoughSlices",
    "ObjectNotFound",
    "PartialCompletion",
    "SliceError",
    "SliceNotFound",
    "SliceSizeMismatch",
    "SliceTruncated",
    "StorageError",
    "TooManyCopies",
    "UploadNotFound",
]


class StorageError(Exception):
    """Base class of every storage error; `message` is what a client may be shown."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ObjectNotFound(StorageError):
    """The object does not exist."""

    def __init__(self, bucket: BucketId, name: str) -> None:
        super().__init__(f"{bucket.object_cname(name)} does not exist")
        self.bucket = bucket
        self.name = name


class LockBusy(StorageError):
    """The object's lock is held (a writer is at work) and the caller asked not to wait for it."""

    def __init__(self, display: str) -> None:
        super().__init__(f"{display} is being written: its lock is busy")


class SliceNotFound(ObjectNotFound):
    """This node holds no slice or replica of the object."""

    def __init__(self, bucket: BucketId, name: str) -> None:
        super().__init__(bucket, name)
        self.message = f"no slice or replica of {bucket.object_cname(name)} is stored here"


class InvalidName(StorageError):
    """A bucket or object name that may not be stored."""


class NameConflict(StorageError):
    """An object name collides with a directory of other objects ("a" vs "a/b")."""


class ChecksumMismatch(StorageError):
    """The received data does not match the checksum the client sent."""


class InvalidAppendHandle(StorageError):
    """An append handle that is malformed or names no open append session."""


class InvalidProps(StorageError):
    """A bucket property patch (or checksum type) that cannot be applied."""


class InvalidErasureConfig(InvalidProps):
    """Erasure-coding parameters out of range: D or P outside [1, 32], or a bad piece size."""


class NoSpace(StorageError):
    """The disk ran out of space (or quota) while writing."""


class MetadataTooLarge(StorageError):
    """Custom metadata over a limit of wire/limits.py (the message names it); nothing was stored.

    Never a full disk: an extended attribute too large for its file system (ENOSPC or E2BIG from
    setxattr while the disk has room) is this error, not NoSpace.
    """


class CorruptMeta(StorageError):
    """Stored metadata exists but cannot be decoded."""


class SliceError(StorageError):
    """Erasure-coded slices from which an object cannot be rebuilt."""


class NotEnoughSlices(SliceError):
    """Fewer than D distinct slices to decode from."""


class SliceTruncated(SliceError):
    """A slice ends before the object's size says it should."""


class SliceSizeMismatch(SliceError):
    """A replica or slice to store is not the size its metadata implies."""


class ArchiveError(StorageError):
    """A shard that cannot be read as the archive it claims to be, or an unservable archive request."""


class ArchiveMemberNotFound(StorageError):
    """No archived file has this path (or matches this selection); `what` names the selection."""

    def __init__(self, what: str, bucket: BucketId, name: str) -> None:
        super().__init__(f"{what} in {bucket.object_cname(name)} does not exist")
        self.bucket = bucket
        self.name = name


class UploadNotFound(StorageError):
    """No multipart upload with this ID, for this object, is in progress here (completed, aborted,
    expired, or never started)."""

    def __init__(self, bucket: BucketId, name: str, upload_id: str) -> None:
        super().__init__(f"{bucket.object_cname(name)}: upload {upload_id!r} does not exist")
        self.upload_id = upload_id


class InvalidPartList(StorageError):
    """A completion whose part list is not exactly the uploaded parts 1..N (gaps, repeats)."""


class PartialCompletion(InvalidPartList):
    """A completion naming more or fewer parts than were uploaded (AIS: "partial completion")."""


class InvalidPart(StorageError):
    """A part that cannot be stored (empty or too large), or named with an ETag it does not have."""


class TooManyCopies(InvalidProps):
    """More copies of an object were asked for than there are available mountpaths."""

    def __init__(self, copies: int, available: int) -> None:
        super().__init__(f"number of copies ({copies}) exceeds the number of mountpaths ({available})")
        self.copies = copies
        self.available = available


class MountpathError(StorageError):
    """A mountpath that cannot be changed as asked, or cannot serve; `path` names it."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


class MountpathNotFound(MountpathError):
    """No attached mountpath has this path."""

    def __init__(self, path: str) -> None:
        super().__init__(path, f'mountpath "{path}" does not exist')


class InvalidMountpath(MountpathError):
    """A path that cannot be attached: not a directory, or overlapping an attached mountpath."""


class NoMountpathsLeft(MountpathError):
    """Disabling or detaching this mountpath would leave no available mountpath."""

    def __init__(self, path: str, action: str) -> None:
        super().__init__(path, f'cannot {action} mountpath "{path}": it is the last available one')


class MountpathUnavailable(MountpathError):
    """The mountpath's root vanished or its disk fails I/O; the target should disable it."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, f'mountpath "{path}" is unavailable: {reason}')
