"""Make everything written to a file system durable at once: syncfs(2), the batch form of fsync.

Writes published without their own fsync (WriteProps.deferred_sync) become durable when the file
system holding them is synced; one syncfs per mountpath replaces one fsync per file and per
directory. Where libc has no syncfs, sync(2) (every file system) does the same, more broadly.
"""

import ctypes
import ctypes.util
import os
from functools import cache
from pathlib import Path

__all__ = ["syncfs", "syncfs_fd"]


@cache
def _libc_syncfs() -> "ctypes._NamedFuncPointer | None":
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    libc = ctypes.CDLL(name, use_errno=True)
    return getattr(libc, "syncfs", None)


def syncfs(path: Path | str) -> None:
    """Flush every dirty page and inode of the file system holding `path` to its disk."""
    call = _libc_syncfs()
    if call is None:
        os.sync()
        return
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        syncfs_fd(fd, path)
    finally:
        os.close(fd)


def syncfs_fd(fd: int, path: Path | str = "") -> None:
    """syncfs(2) on an open descriptor of the file system.

    The kernel reports a writeback error to each descriptor once, for errors since that
    descriptor was opened: a caller that must not miss one keeps the same descriptor open.
    """
    call = _libc_syncfs()
    if call is None:
        os.sync()
        return
    if call(fd) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno), str(path))
