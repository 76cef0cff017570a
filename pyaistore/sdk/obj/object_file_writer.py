"""A buffered, write-only file object that builds an object through append requests."""

import io
from typing import TYPE_CHECKING

from pyaistore.sdk import const

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

    from pyaistore.sdk.obj.object_writer import ObjectWriter

__all__ = ["ObjectFileWriter"]


class ObjectFileWriter(io.BufferedIOBase):
    """Write an object like a file.

    Writes are buffered and sent as append requests of up to `buffer_size` bytes, so memory
    stays bounded. `flush()` sends what is buffered and publishes the object; `close()`
    (or leaving a `with` block) flushes. Nothing is visible on the cluster before a flush.

    Args:
        obj_writer: the writer that sends the requests.
        mode: 'w' empties the object when the file is opened; 'a' appends to its content.
        buffer_size: bytes to collect before sending an append.
    """

    def __init__(
        self, obj_writer: "ObjectWriter", mode: str, buffer_size: int = const.DEFAULT_WRITER_BUFFER_SIZE
    ) -> None:
        super().__init__()
        self._obj_writer = obj_writer
        self._mode = mode
        self._buffer_size = buffer_size
        self._buffer = bytearray()
        self._handle = ""
        if mode == "w":
            obj_writer.put_content(b"")

    @property
    def mode(self) -> str:
        """The mode the file was opened with."""
        return self._mode

    def writable(self) -> bool:
        """True while the file is open."""
        return not self.closed

    def write(self, buffer: "ReadableBuffer") -> int:
        """Buffer bytes, sending an append whenever the buffer is full.

        Args:
            buffer: the bytes to write.

        Returns:
            The number of bytes accepted.

        Raises:
            ValueError: the file is closed.
        """
        self._check_open()
        data = memoryview(buffer).cast("B")
        self._buffer += data
        while len(self._buffer) >= self._buffer_size:
            self._send(bytes(self._buffer[: self._buffer_size]))
            del self._buffer[: self._buffer_size]
        return len(data)

    def _send(self, chunk: bytes) -> None:
        """Append one chunk under the current handle."""
        self._handle = self._obj_writer.append_content(chunk, handle=self._handle)

    def flush(self) -> None:
        """Send buffered bytes and publish everything written so far as the object's content.

        Raises:
            ValueError: the file is closed.
        """
        self._check_open()
        if self._buffer:
            self._send(bytes(self._buffer))
            self._buffer.clear()
        if self._handle:
            self._obj_writer.append_content(b"", handle=self._handle, flush=True)
            self._handle = ""

    def close(self) -> None:
        """Flush and close; closing twice is harmless."""
        if self.closed:
            return
        try:
            self.flush()
        finally:
            # Whatever happened, nothing is left to send: io's close() calls flush() once more.
            self._buffer.clear()
            self._handle = ""
            super().close()

    def _check_open(self) -> None:
        """Raise ValueError on a closed file, as files do."""
        if self.closed:
            raise ValueError("I/O operation on closed file.")
