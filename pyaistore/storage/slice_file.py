"""SliceFile: an open replica or slice, read in sequence (for the decoder) or by range (for sending)."""

import os
from collections.abc import Iterator
from types import TracebackType
from typing import Final

from pyaistore.wire.erasure_code import SliceMeta

__all__ = ["CHUNK_SIZE", "SliceFile"]

CHUNK_SIZE: Final = 1 << 20


class SliceFile:
    """A descriptor on the very inode `meta` describes, with its size; reads use os.pread.

    `read(size)` advances a position of its own, so a SliceFile is a SliceReader for
    ErasureCodec.decode; `read_range` and `fileno` (for sendfile) do not move it.
    """

    def __init__(self, fd: int, meta: SliceMeta, size: int) -> None:
        self._fd = fd
        self._position = 0
        self.meta = meta
        self.size = size

    def fileno(self) -> int:
        """The descriptor, e.g. for sendfile; ValueError after close()."""
        if self._fd < 0:
            raise ValueError("the slice file is closed")
        return self._fd

    def read(self, size: int, /) -> bytes:
        """The next `size` bytes (fewer at the end, b"" after it)."""
        if size < 0:
            raise ValueError(f"invalid read size {size}")
        data = os.pread(self.fileno(), min(size, max(0, self.size - self._position)), self._position)
        self._position += len(data)
        return data

    def read_range(self, start: int, length: int, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """Chunks of at most `chunk_size` bytes covering [start, start+length) clipped to the size."""
        if start < 0 or length < 0 or chunk_size <= 0:
            raise ValueError(f"invalid range start={start} length={length} chunk_size={chunk_size}")
        self.fileno()  # fail now, not on the first chunk, when already closed
        return self._chunks(start, min(start + length, self.size), chunk_size)

    def close(self) -> None:
        """Close the descriptor (idempotent)."""
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)

    def __enter__(self) -> "SliceFile":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _chunks(self, position: int, end: int, chunk_size: int) -> Iterator[bytes]:
        while position < end:
            chunk = os.pread(self.fileno(), min(chunk_size, end - position), position)
            if not chunk:
                return  # the file is shorter than it was: never invent bytes
            position += len(chunk)
            yield chunk
