"""A read-only, sequential file object over an object's content, with resumable reads."""

import io

from pyaistore.sdk.obj.resumable_stream import ResumableStream

__all__ = ["ObjectFileReader"]


class ObjectFileReader(io.BufferedIOBase):
    """A non-seekable file object that reads an object front to back.

    Interrupted streams are resumed transparently (see `ResumableStream`); after `max_resume`
    interruptions a read raises `ObjectFileReaderMaxResumeError`.

    Args:
        stream: the resumable chunk stream to read from.
    """

    def __init__(self, stream: ResumableStream) -> None:
        super().__init__()
        self._stream = stream
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        """True while the file is open."""
        return not self.closed

    def read(self, size: int | None = -1) -> bytes:
        """Read up to `size` bytes, or everything left when `size` is negative or None.

        Args:
            size: the number of bytes wanted.

        Returns:
            The bytes read; empty at end of file.

        Raises:
            ValueError: the file is closed.
            ObjectFileReaderMaxResumeError: the stream broke more often than allowed.
        """
        self._check_open()
        if size is None or size < 0:
            parts: list[bytes | memoryview] = [self._pending, *self._stream]
            self._pending = memoryview(b"")
            return b"".join(parts)
        parts = []
        wanted = size
        while wanted:
            if not self._pending:
                chunk = next(self._stream, None)
                if chunk is None:
                    break
                if len(chunk) <= wanted:
                    parts.append(chunk)
                    wanted -= len(chunk)
                    continue
                self._pending = memoryview(chunk)
            take = min(wanted, len(self._pending))
            parts.append(self._pending[:take])
            self._pending = self._pending[take:]
            wanted -= take
        return b"".join(parts)

    def read1(self, size: int = -1) -> bytes:
        """Read up to `size` bytes with at most one network read."""
        self._check_open()
        if not self._pending:
            chunk = next(self._stream, None)
            if chunk is None:
                return b""
            self._pending = memoryview(chunk)
        take = len(self._pending) if size < 0 else min(size, len(self._pending))
        data = bytes(self._pending[:take])
        self._pending = self._pending[take:]
        return data

    def close(self) -> None:
        """Close the file and release the connection."""
        if not self.closed:
            self._stream.close()
        super().close()

    def _check_open(self) -> None:
        """Raise ValueError on a closed file, as files do."""
        if self.closed:
            raise ValueError("I/O operation on closed file.")
