"""Append sessions: an object staged in a work file across several requests (reference §4.5).

A session is one work file on the object's mountpath, named by its handle: a random token plus
16 hex digits of the object's uname hash, so a handle can only ever extend and flush the object
that started it. The store publishes the file with `atomic_write.publish` on flush; until then
nothing is visible, and `ObjectStore.cleanup_work` removes abandoned sessions.
"""

import errno
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import xxhash

from pyaistore.storage import layout
from pyaistore.storage.atomic_write import Destination, io_errors, write_all
from pyaistore.storage.checksums import MultiHasher
from pyaistore.storage.errors import InvalidAppendHandle
from pyaistore.storage.object_file import CHUNK_SIZE, ObjectFile

__all__ = ["extend", "hash_file", "open_session", "session_path", "start"]

_TAG_LEN: Final = 16
_COPY_FALLBACK: Final = frozenset({errno.ENOSYS, errno.EXDEV, errno.EINVAL, errno.EOPNOTSUPP})


def start(destination: Destination, source: ObjectFile | None) -> str:
    """Create a session's work file holding `source`'s content (if any); returns the handle."""
    location = destination.location
    handle = layout.new_token() + _tag(location)
    path = layout.work_path(location.mountpath, handle)
    with io_errors(location):
        work = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        try:
            if source is not None:
                _copy_fd(source.fileno(), work)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        finally:
            os.close(work)
    return handle


def extend(destination: Destination, handle: str, chunks: Iterable[bytes]) -> None:
    """Write chunks at the end of the session's work file; roll back to the old end on failure."""
    _, fd = open_session(destination, handle, os.O_WRONLY | os.O_APPEND)
    try:
        end = os.fstat(fd).st_size
        try:
            with io_errors(destination.location):
                for chunk in chunks:
                    write_all(fd, chunk)
        except BaseException:
            os.ftruncate(fd, end)
            raise
    finally:
        os.close(fd)


def session_path(destination: Destination, handle: str) -> Path:
    """The work file of a session; InvalidAppendHandle for a malformed or foreign handle."""
    location = destination.location
    if not layout.is_valid_token(handle) or not handle.endswith(_tag(location)):
        raise InvalidAppendHandle(f"invalid append handle for {location.cname}")
    return layout.work_path(location.mountpath, handle)


def open_session(destination: Destination, handle: str, flags: int) -> tuple[Path, int]:
    """Open an existing session's work file; InvalidAppendHandle if there is none."""
    path = session_path(destination, handle)
    try:
        return path, os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError as exc:
        raise InvalidAppendHandle(
            f"append handle names no open session for {destination.location.cname}"
        ) from exc


def hash_file(fd: int, hashes: MultiHasher) -> int:
    """Feed the whole file to `hashes` in bounded chunks; returns its size."""
    size = 0
    while chunk := os.pread(fd, CHUNK_SIZE, size):
        hashes.update(chunk)
        size += len(chunk)
    return size


def _tag(location: layout.ObjectLocation) -> str:
    """The handle suffix that binds a session to its object."""
    return xxhash.xxh64_hexdigest(location.bucket.object_uname(location.name).encode())[:_TAG_LEN]


def _copy_fd(source: int, target: int) -> None:
    """Copy a whole file between descriptors in bounded chunks (in-kernel when possible)."""
    try:
        while os.copy_file_range(source, target, CHUNK_SIZE):
            pass
        return
    except OSError as exc:
        if exc.errno not in _COPY_FALLBACK:
            raise
    # Both offsets advanced together, so a plain read/write loop continues where it stopped.
    while chunk := os.read(source, CHUNK_SIZE):
        write_all(target, chunk)
