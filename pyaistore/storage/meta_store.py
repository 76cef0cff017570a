"""Persist ObjectMeta next to the data: as an xattr, or in a sidecar file where xattrs are refused.

The xattr `user.pyaistore.meta` is set on the work file before it is renamed into place, so
data and metadata appear together atomically. Whether a mountpath takes user xattrs is probed
once (a setxattr on a scratch file in its work dir) and remembered.

`TypedMetaStore` does this for any metadata type with `encode()`/`to_json()`: `MetaStore` keeps
ObjectMeta of objects, and the slice store keeps the EC metadata of slices and replicas the same
way under an xattr name of its own.

Without xattrs, metadata goes to `<bucket>/meta/<object name>` (see layout). A sidecar cannot be
renamed together with the data, so it records metadata per inode: it is rewritten (atomically)
before the data rename with an entry for the new inode *and* the entry of the inode currently in
place, and a reader takes the entry whose inode matches the file it opened. A crash between the
two renames therefore leaves the old object with its old metadata, never a mismatch.
"""

import errno
import json
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Generic, Protocol, TypeVar

from pyaistore.storage import layout
from pyaistore.storage.errors import MetadataTooLarge
from pyaistore.storage.mountpaths import Mountpath
from pyaistore.storage.object_meta import ObjectMeta

__all__ = ["XATTR_NAME", "MetaStore", "TypedMetaStore", "fsync_dir", "read", "save_file", "write"]

XATTR_NAME: Final = "user.pyaistore.meta"
_UNSUPPORTED: Final = frozenset({errno.ENOTSUP, errno.EOPNOTSUPP})
_ABSENT: Final = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ENODATA, errno.EPERM})
# What setxattr answers for a value too large for the file system: ext4 keeps all of a file's
# attributes in one block and says ENOSPC (whatever the free space), others say E2BIG or ERANGE.
_TOO_LARGE: Final = frozenset({errno.ENOSPC, errno.E2BIG, errno.ERANGE})
# Free blocks below which an ENOSPC from setxattr is taken for a full disk after all.
_NEARLY_FULL_BLOCKS: Final = 64


class _Persisted(Protocol):
    """What a metadata type offers to be stored: its xattr bytes and its sidecar JSON."""

    def encode(self) -> bytes: ...

    def to_json(self) -> dict[str, Any]: ...


M = TypeVar("M", bound=_Persisted)


def write(target: Path | int, meta: ObjectMeta) -> None:
    """Store `meta` as the xattr of a file given by path or open descriptor."""
    set_xattr(target, XATTR_NAME, meta.encode())


def set_xattr(target: Path | int, name: str, data: bytes) -> None:
    """setxattr; MetadataTooLarge (never a disk-full error) when the value does not fit the file
    system's attribute space while the disk has room. A really full disk keeps its ENOSPC."""
    try:
        os.setxattr(target, name, data)
    except OSError as exc:
        if exc.errno not in _TOO_LARGE or _disk_full(target):
            raise
        raise MetadataTooLarge(
            f"metadata record of {len(data)} bytes does not fit in the file system's extended "
            f"attributes ({os.strerror(exc.errno or 0)}); see the limits of custom metadata"
        ) from exc


def _disk_full(target: Path | int) -> bool:
    try:
        info = os.fstatvfs(target) if isinstance(target, int) else os.statvfs(target)
    except OSError:
        return True
    return info.f_bavail < _NEARLY_FULL_BLOCKS


def read(target: Path | int) -> ObjectMeta:
    """The xattr metadata of a file; FileNotFoundError if it has none, ValueError if corrupt."""
    try:
        data = os.getxattr(target, XATTR_NAME)
    except OSError as exc:
        if exc.errno == errno.ENODATA:
            raise FileNotFoundError(errno.ENOENT, "no object metadata", str(target)) from exc
        raise
    return ObjectMeta.decode(data)


def fsync_dir(directory: str | Path) -> None:
    """Make a rename or create in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_file(
    path: Path, data: bytes, temp: Path, fsync: bool = True, mountpath: Mountpath | None = None
) -> None:
    """Replace `path` by `data` atomically: write `temp` (same file system), fsync, rename, fsync the dir.

    A `path` on a mountpath names it: its parent directories are then created below the root only,
    never the root itself (see Mountpath.make_dirs).
    """
    try:
        with open(temp, "xb") as stream:
            stream.write(data)
            stream.flush()
            if fsync:
                os.fsync(stream.fileno())
        if mountpath is not None:
            mountpath.make_dirs(path.parent)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if fsync:
        fsync_dir(path.parent)


class TypedMetaStore(Generic[M]):
    """Reads and writes metadata of type M on every mountpath, xattrs or sidecars as each allows.

    `decode` parses the xattr bytes and `from_json` a sidecar entry; both raise ValueError when
    the metadata is corrupt.
    """

    def __init__(
        self,
        decode: Callable[[bytes], M],
        from_json: Callable[[Any], M],
        xattr_name: str,
        *,
        use_xattrs: bool = True,
        fsync: bool = True,
    ) -> None:
        self._decode = decode
        self._from_json = from_json
        self._xattr_name = xattr_name
        self._use_xattrs = use_xattrs
        self._fsync = fsync
        self._decided: dict[Path, bool] = {}
        self._lock = threading.Lock()

    def uses_xattrs(self, mp: Mountpath) -> bool:
        """Whether metadata on `mp` lives in xattrs (probed on first use, then remembered)."""
        if not self._use_xattrs:
            return False
        decided = self._decided.get(mp.root)  # a dict read is atomic: no lock once decided
        if decided is None:
            with self._lock:
                decided = self._decided.get(mp.root)
                if decided is None:
                    try:
                        decided = self._decided[mp.root] = _probe_xattrs(mp)
                    except OSError:
                        return True  # the disk is gone or failing: undecided, its I/O will tell
        return decided

    def save(self, location: layout.ObjectLocation, fd: int, meta: M) -> bytes | None:
        """Attach `meta` to the file open as `fd`, which is (or is about to be renamed to) the object.

        Returns the record set as its xattr (what `record` will read), None where metadata lives
        in a sidecar.
        """
        if self.uses_xattrs(location.mountpath):
            record = meta.encode()
            set_xattr(fd, self._xattr_name, record)
            return record
        entries = [_entry(os.fstat(fd).st_ino, meta)]
        current = _current_inode(location.data)
        if current is not None and current != entries[0]["ino"]:
            try:
                kept = _read_entries(location.sidecar)
            except ValueError:
                kept = []  # a corrupt sidecar: the file in place is unreadable anyway, the write heals it
            entries += [entry for entry in kept if entry.get("ino") == current]
        _write_sidecar(location, {"entries": entries}, self._fsync)
        return None

    def load(self, location: layout.ObjectLocation, fd: int) -> M:
        """The metadata of the object file open as `fd`; FileNotFoundError if none, ValueError if corrupt."""
        if self.uses_xattrs(location.mountpath):
            return self._read_xattr(fd)
        inode = os.fstat(fd).st_ino
        for entry in _read_entries(location.sidecar):
            if entry.get("ino") == inode:
                return self._from_json(entry.get("meta"))
        raise FileNotFoundError(errno.ENOENT, "no object metadata", str(location.sidecar))

    def record(self, location: layout.ObjectLocation) -> bytes | None:
        """The object's metadata record as stored in its xattr, undecoded; None when there is none.

        Any two writes of an object leave different records (each has its write's time in ns), so
        an unchanged record means an unchanged object. Only where metadata lives in xattrs.
        """
        try:
            return os.getxattr(location.data_str, self._xattr_name, follow_symlinks=False)
        except OSError as exc:
            if exc.errno in _ABSENT:
                return None
            raise

    def head(self, location: layout.ObjectLocation) -> M:
        """The object's metadata without opening it (one getxattr where xattrs are used).

        Raises FileNotFoundError when there is no such object and ValueError when corrupt.
        """
        if not self.uses_xattrs(location.mountpath):
            fd, meta = self.open_object(location)
            os.close(fd)
            return meta
        try:
            # Not following symlinks, and directories carry no metadata: both read as absent.
            data = os.getxattr(location.data_str, self._xattr_name, follow_symlinks=False)
        except OSError as exc:
            if exc.errno in _ABSENT:
                raise FileNotFoundError(errno.ENOENT, "no such object", location.data_str) from exc
            raise
        return self._decode(data)

    def open_object(self, location: layout.ObjectLocation) -> tuple[int, M]:
        """Open the object's data file and load its metadata from the very same inode.

        Raises FileNotFoundError when there is no such object (no file, a directory, no metadata)
        and ValueError when its metadata is corrupt. The caller owns (closes) the descriptor.
        """
        fd, meta, _ = self.open_object_sized(location)
        return fd, meta

    def open_object_sized(self, location: layout.ObjectLocation) -> tuple[int, M, int]:
        """Like open_object, plus the file's size from the same fstat (one syscall less on GET)."""
        try:
            fd = os.open(location.data_str, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except (NotADirectoryError, IsADirectoryError) as exc:
            raise FileNotFoundError(errno.ENOENT, "no such object", str(location.data)) from exc
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a symlink: never ours, never followed
                raise FileNotFoundError(errno.ENOENT, "no such object", str(location.data)) from exc
            raise
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                raise FileNotFoundError(errno.ENOENT, "no such object", location.data_str)
            return fd, self.load(location, fd), status.st_size
        except BaseException:
            os.close(fd)
            raise

    def remove(self, location: layout.ObjectLocation) -> None:
        """Forget the object's metadata after its data file was removed."""
        if self.uses_xattrs(location.mountpath):
            return  # the xattr went with the file
        try:
            os.unlink(location.sidecar)
        except (FileNotFoundError, NotADirectoryError):
            pass

    def raw_xattr(self, fd: int) -> bytes:
        """The encoded metadata of an open file that keeps it in its xattr (OSError if none)."""
        return os.getxattr(fd, self._xattr_name)

    def _read_xattr(self, fd: int) -> M:
        """The xattr metadata of an open file; FileNotFoundError if it has none."""
        try:
            data = os.getxattr(fd, self._xattr_name)
        except OSError as exc:
            if exc.errno == errno.ENODATA:
                raise FileNotFoundError(errno.ENOENT, "no metadata", str(fd)) from exc
            raise
        return self._decode(data)


class MetaStore(TypedMetaStore[ObjectMeta]):
    """Object metadata (ObjectMeta) in the xattr `user.pyaistore.meta`, or in sidecars."""

    def __init__(self, *, use_xattrs: bool = True, fsync: bool = True) -> None:
        super().__init__(
            ObjectMeta.decode, ObjectMeta.from_json, XATTR_NAME, use_xattrs=use_xattrs, fsync=fsync
        )


def _probe_xattrs(mp: Mountpath) -> bool:
    """Try a user xattr on a scratch file in the work dir: False on ENOTSUP/EOPNOTSUPP."""
    probe = layout.work_path(mp, layout.new_token())
    probe.parent.mkdir(exist_ok=True)  # not parents: a vanished root must not be recreated
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.setxattr(fd, XATTR_NAME, b"{}")
    except OSError as exc:
        if exc.errno in _UNSUPPORTED:
            return False
        raise
    finally:
        os.close(fd)
        probe.unlink()
    return True


def _entry(inode: int, meta: _Persisted) -> dict[str, Any]:
    """One sidecar entry: the metadata of one inode."""
    return {"ino": inode, "meta": meta.to_json()}


def _current_inode(path: Path) -> int | None:
    """The inode of the regular file at `path`, or None."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return info.st_ino if stat.S_ISREG(info.st_mode) else None


def _read_entries(sidecar: Path) -> list[dict[str, Any]]:
    """The entries of a sidecar ([] if it is missing); ValueError if it is corrupt."""
    try:
        data = sidecar.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return []
    try:
        parsed = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"metadata sidecar {sidecar} is not valid JSON") from exc
    entries = parsed.get("entries") if isinstance(parsed, dict) else None
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ValueError(f"metadata sidecar {sidecar} has no entry list")
    return entries


def _write_sidecar(location: layout.ObjectLocation, content: dict[str, Any], fsync: bool) -> None:
    """Replace the sidecar atomically, staging it in the mountpath's work dir."""
    temp = layout.work_path(location.mountpath, layout.new_token())
    data = json.dumps(content, separators=(",", ":")).encode()
    save_file(location.sidecar, data, temp, fsync, location.mountpath)
