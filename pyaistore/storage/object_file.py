"""ObjectFile: an open object, read by offset (os.pread), so one file serves many ranges and threads."""

import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Final

from pyaistore.storage.object_meta import ObjectMeta

__all__ = ["CHUNK_SIZE", "ObjectFile"]

CHUNK_SIZE: Final = 1 << 20


class ObjectFile:
    """An open object: its metadata and a descriptor on the very inode the metadata describes.

    A later PUT replaces the name, not this inode, so the bytes read here always match `meta`.
    """

    def __init__(
        self,
        fd: int,
        path: Path | str,
        meta: ObjectMeta,
        size: int | None = None,
        meta_in_inode: bool = False,
    ) -> None:
        self._fd = fd
        self._path = path
        self.meta = meta
        # True when the metadata lives on the data file's inode (an xattr), which object writes
        # never change in place (they rename a new inode over the name): the inode and its
        # xattr then identify the object's bytes and metadata (ObjectStore.meta_token).
        self.meta_in_inode = meta_in_inode
        # Callers that just fstat'ed the descriptor pass the size and save a syscall.
        self.size = os.fstat(fd).st_size if size is None else size

    @property
    def path_str(self) -> str:
        """The object's data file as a string (no Path built)."""
        return str(self._path)

    @property
    def path(self) -> Path:
        """The object's data file (built on demand: GET never needs it)."""
        return self._path if isinstance(self._path, Path) else Path(self._path)

    def fileno(self) -> int:
        """The descriptor, e.g. for sendfile; ValueError after close()."""
        if self._fd < 0:
            raise ValueError("the object file is closed")
        return self._fd

    def read_range(self, start: int, length: int, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """Chunks of at most `chunk_size` bytes covering [start, start+length) clipped to the size."""
        if start < 0 or length < 0 or chunk_size <= 0:
            raise ValueError(f"invalid range start={start} length={length} chunk_size={chunk_size}")
        self.fileno()  # fail now, not on the first chunk, when already closed
        return self._chunks(start, min(start + length, self.size), chunk_size)

    def read_all_small(self, limit: int) -> bytes:
        """The whole content of an object of at most `limit` bytes (ValueError if larger)."""
        if self.size > limit:
            raise ValueError(f"object of {self.size} bytes is larger than {limit}")
        return b"".join(self.read_range(0, self.size))

    def close(self) -> None:
        """Close the descriptor (idempotent)."""
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)

    def __enter__(self) -> "ObjectFile":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _chunks(self, position: int, end: int, chunk_size: int) -> Iterator[bytes]:
        while position < end:
            # fileno() each time: after close() the number may belong to another file.
            chunk = os.pread(self.fileno(), min(chunk_size, end - position), position)
            if not chunk:
                return  # the file is shorter than it was: never invent bytes
            position += len(chunk)
            yield chunk
