"""Where everything lives on disk: (mountpath, bucket, kind, name) -> path.

Each mountpath root holds::

    <root>/
      .work/<token>                           work files: PUT and copy bodies, append sessions,
                                              mirror copies, sidecar and probe temporaries (same
                                              file system as the data, so publishing is one
                                              atomic rename)
      .trash/<token>/                         bucket directories being destroyed
      .journal/<pid>-<token>-<n>.log          each process's write-ahead journal of small
                                              creates (write_journal)
      .locks/<0..255>                         write-lock stripes, by default on the first
                                              mountpath only (the owner may name another
                                              directory; object_locks)
      <provider>/<namespace uname>/<bucket>/  e.g. ais/@#/photos/ or ais/@uuid#ns/photos/
        obj/<object name>                     object data; "/" in a name makes subdirectories
        meta/<object name>                    metadata sidecar, used ONLY when the file system
                                              rejects user xattrs (see meta_store)
        ec/<object name>                      a full replica or one erasure-coded slice of an object
                                              kept for its main target (slice_store)
        ec-sidecar/<object name>              the EC metadata sidecar of ec/, ONLY without xattrs
        ec-main/<object name>                 the main target's EC record of its own object (JSON)

Object metadata normally lives in the xattr `user.pyaistore.meta` of the data file itself. A
mirrored object has the same path, data and metadata on each mountpath holding a copy (`mirror`).
Object metadata normally lives in the xattr `user.pyaistore.meta` of the data file itself, and
EC metadata in `user.pyaistore.ec` of the replica or slice file. The EC directories sit beside
`obj/`, never inside it, so object listings and walks never see them.
Names are validated by `names`; every path built here is also checked to stay inside its
bucket directory, so no name can reach another bucket or the work area.
"""

import functools
import itertools
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pyaistore.storage.errors import InvalidName
from pyaistore.storage.mountpaths import Mountpath
from pyaistore.storage.names import validate_bucket_name, validate_object_name
from pyaistore.wire.bucket_id import PROVIDERS, BucketId

__all__ = [
    "EC_RECORDS_DIR",
    "EC_SIDECARS_DIR",
    "EC_SLICES_DIR",
    "JOURNAL_DIR",
    "OBJECTS_DIR",
    "SIDECARS_DIR",
    "TOKEN_PATTERN",
    "TRASH_DIR",
    "WORK_DIR",
    "ObjectLocation",
    "WorkTokens",
    "bucket_dir",
    "ec_record_path",
    "ec_records_dir",
    "ec_sidecars_dir",
    "ec_slices_dir",
    "is_valid_token",
    "listed",
    "locate",
    "locate_slice",
    "new_token",
    "object_path",
    "objects_dir",
    "relocate",
    "sidecar_path",
    "sidecars_dir",
    "trash_dir",
    "work_dir",
    "work_dir_str",
    "work_path",
]

WORK_DIR: Final = ".work"
TRASH_DIR: Final = ".trash"
JOURNAL_DIR: Final = ".journal"
OBJECTS_DIR: Final = "obj"
SIDECARS_DIR: Final = "meta"
EC_SLICES_DIR: Final = "ec"
EC_SIDECARS_DIR: Final = "ec-sidecar"
EC_RECORDS_DIR: Final = "ec-main"
TOKEN_PATTERN: Final = re.compile(r"[A-Za-z0-9_\-]{8,64}")
_NAMESPACE_PART: Final = re.compile(r"[A-Za-z0-9_.\-]*")


@dataclass(frozen=True)
class ObjectLocation:
    """Everything about where one object lives: its mountpath, data file and sidecar.

    Paths are kept as strings and turned into Path objects only on demand: building Paths was
    the largest single cost of a small-object GET.
    """

    mountpath: Mountpath
    bucket: BucketId
    name: str
    data_str: str
    sidecar_str: str

    @functools.cached_property
    def data(self) -> Path:
        """The object's data file."""
        return Path(self.data_str)

    @functools.cached_property
    def sidecar(self) -> Path:
        """The object's metadata sidecar (used only without xattrs)."""
        return Path(self.sidecar_str)

    @property
    def cname(self) -> str:
        """The object's display name, e.g. ais://b/o."""
        return self.bucket.object_cname(self.name)


def locate(mp: Mountpath, bucket: BucketId, name: str) -> ObjectLocation:
    """The location of object `name` on mountpath `mp` (validates the names)."""
    base = _bucket_dir_str(mp, bucket)
    validate_object_name(bucket, name)
    objects = base + os.sep + OBJECTS_DIR
    data = objects + os.sep + name
    _check_inside(data, objects, bucket.object_cname(name))
    # The same validated name under a sibling directory: contained just as well.
    return ObjectLocation(mp, bucket, name, data, base + os.sep + SIDECARS_DIR + os.sep + name)


def listed(mp: Mountpath, bucket: BucketId, name: str, base: str) -> ObjectLocation:
    """The location of `name` as a listing walk found it on `mp`, whose `bucket_dir` is `base`
    (a string, computed once per walk): no validation, the name came from the objects directory
    itself (a listing reads it for every object it returns)."""
    data = base + os.sep + OBJECTS_DIR + os.sep + name
    return ObjectLocation(mp, bucket, name, data, base + os.sep + SIDECARS_DIR + os.sep + name)


def relocate(location: ObjectLocation, mp: Mountpath) -> ObjectLocation:
    """The same object's location on another mountpath (the names were validated by `locate`)."""
    if mp == location.mountpath:
        return location
    cut = len(location.mountpath.root_str)
    root = mp.root_str
    return ObjectLocation(
        mp, location.bucket, location.name, root + location.data_str[cut:], root + location.sidecar_str[cut:]
    )


def locate_slice(mp: Mountpath, bucket: BucketId, name: str) -> ObjectLocation:
    """Where the replica or slice of object `name` kept on `mp` lives (validates the names)."""
    base = _bucket_dir_str(mp, bucket)
    validate_object_name(bucket, name)
    slices = base + os.sep + EC_SLICES_DIR
    data = slices + os.sep + name
    _check_inside(data, slices, bucket.object_cname(name))
    return ObjectLocation(mp, bucket, name, data, base + os.sep + EC_SIDECARS_DIR + os.sep + name)


@functools.lru_cache(maxsize=4096)
def _bucket_dir_str(mp: Mountpath, bucket: BucketId) -> str:
    return str(bucket_dir(mp, bucket))


@functools.lru_cache(maxsize=4096)
def bucket_dir(mp: Mountpath, bucket: BucketId) -> Path:
    """The bucket's directory on this mountpath (a pure function, cached: it is on every request)."""
    validate_bucket_name(bucket.name)
    if bucket.provider not in PROVIDERS:
        raise InvalidName(f'bucket "{bucket.name}" has an invalid provider "{bucket.provider}"')
    namespace = bucket.namespace
    if not (_NAMESPACE_PART.fullmatch(namespace.uuid) and _NAMESPACE_PART.fullmatch(namespace.name)):
        raise InvalidName(f'bucket "{bucket.cname}" has an invalid namespace')
    path = mp.root / bucket.provider / namespace.uname / bucket.name
    _check_inside(path, mp.root, bucket.cname)
    return path


def objects_dir(mp: Mountpath, bucket: BucketId) -> Path:
    """The directory that holds the bucket's object data on this mountpath."""
    return bucket_dir(mp, bucket) / OBJECTS_DIR


def sidecars_dir(mp: Mountpath, bucket: BucketId) -> Path:
    """The directory that holds the bucket's metadata sidecars on this mountpath."""
    return bucket_dir(mp, bucket) / SIDECARS_DIR


def object_path(mp: Mountpath, bucket: BucketId, name: str) -> Path:
    """The data file of object `name`."""
    return _named_path(objects_dir(mp, bucket), bucket, name)


def sidecar_path(mp: Mountpath, bucket: BucketId, name: str) -> Path:
    """The metadata sidecar of object `name` (used only without xattrs)."""
    return _named_path(sidecars_dir(mp, bucket), bucket, name)


def ec_slices_dir(mp: Mountpath, bucket: BucketId) -> Path:
    """The directory of the bucket's replicas and slices on this mountpath."""
    return bucket_dir(mp, bucket) / EC_SLICES_DIR


def ec_sidecars_dir(mp: Mountpath, bucket: BucketId) -> Path:
    """The directory of the EC metadata sidecars of replicas and slices (used only without xattrs)."""
    return bucket_dir(mp, bucket) / EC_SIDECARS_DIR


def ec_records_dir(mp: Mountpath, bucket: BucketId) -> Path:
    """The directory of the main target's EC records of its own objects on this mountpath."""
    return bucket_dir(mp, bucket) / EC_RECORDS_DIR


def ec_record_path(mp: Mountpath, bucket: BucketId, name: str) -> Path:
    """The main target's EC record of object `name`."""
    return _named_path(ec_records_dir(mp, bucket), bucket, name)


def work_dir(mp: Mountpath) -> Path:
    """The mountpath's directory of work files."""
    return mp.root / WORK_DIR


@functools.lru_cache(maxsize=256)
def work_dir_str(mp: Mountpath) -> str:
    """work_dir as a string (cached: a small write names its work file from it)."""
    return str(work_dir(mp))


def trash_dir(mp: Mountpath) -> Path:
    """The mountpath's directory of bucket trees awaiting removal."""
    return mp.root / TRASH_DIR


def work_path(mp: Mountpath, token: str) -> Path:
    """The work file named by `token`; ValueError for a malformed token."""
    if not is_valid_token(token):
        raise ValueError(f'invalid work-file token "{token}"')
    return work_dir(mp) / token


def new_token() -> str:
    """A fresh random token of 22 URL-safe characters ([A-Za-z0-9_-])."""
    return secrets.token_urlsafe(16)


class WorkTokens:
    """Names for one store's own work files: a random prefix drawn once, then a counter.

    Unique as new_token()'s are (the prefix is as random as a whole token), without asking the
    kernel for randomness per object: a small PUT's getrandom(2) showed in its profile. Only for
    names nobody else is handed (append handles and upload IDs stay new_token()'s).
    """

    def __init__(self) -> None:
        self._prefix = secrets.token_urlsafe(16)
        self._counter = itertools.count()  # next() is atomic under the GIL: threads may share it

    def next(self) -> str:
        """A token no earlier call of this instance returned."""
        return f"{self._prefix}-{next(self._counter):x}"


def is_valid_token(token: str) -> bool:
    """True when `token` may name a work file: 8..64 of [A-Za-z0-9_-]."""
    return TOKEN_PATTERN.fullmatch(token) is not None


def _named_path(base: Path, bucket: BucketId, name: str) -> Path:
    """`base/name` after validating the name and checking the result stays inside `base`."""
    validate_object_name(bucket, name)
    path = base / name
    _check_inside(path, base, bucket.object_cname(name))
    return path


def _check_inside(path: Path | str, base: Path | str, display: str) -> None:
    """InvalidName unless `path`, normalised, is strictly inside `base` (defence in depth)."""
    normal, root = os.path.normpath(path), os.path.normpath(base)
    if not normal.startswith(root.rstrip(os.sep) + os.sep):
        raise InvalidName(f'"{display}" resolves outside its directory')
