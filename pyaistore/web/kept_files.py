"""The file a kept fast-path decision (web/fast_get.py, web/fast_head.py) was made on.

A decision stays good while the object's file is the very one it was made on: the same device,
inode and size (a write renames a new inode over the name) and the same encoded metadata in its
xattr (a change of metadata rewrites it in place).
"""

import os
from typing import Final

from pyaistore.storage.object_store import ObjectStore

__all__ = ["OPEN_FLAGS", "Identity", "identity", "open_unchanged"]

OPEN_FLAGS: Final = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC

Identity = tuple[int, int, int]


def identity(status: os.stat_result) -> Identity:
    """A file's device, inode and size."""
    return status.st_dev, status.st_ino, status.st_size


def open_unchanged(store: ObjectStore, path: str, kept: Identity, token: bytes) -> int | None:
    """The file at `path` opened (the caller closes it) if it is the one kept; None otherwise."""
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError:
        return None  # gone (deleted, moved)
    try:
        if identity(os.fstat(fd)) == kept and store.meta_token(fd) == token:
            return fd
    except OSError:
        pass
    os.close(fd)
    return None
