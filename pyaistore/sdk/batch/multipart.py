"""Read a non-streamed get-batch reply (multipart: part `metadata`, then part `archive`) as it arrives.

The metadata part is small and read whole; the archive part is handed out as a file object that
ends at the closing delimiter, so an archive of any size passes through a fixed-size buffer.
"""

import io
import re
from typing import IO, Final

__all__ = ["MultipartReader", "boundary_of"]

_BOUNDARY: Final = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_READ: Final = 64 << 10
MAX_METADATA: Final = 256 << 20


def boundary_of(content_type: str) -> str:
    """The boundary of a multipart Content-Type; ValueError when there is none."""
    match = _BOUNDARY.search(content_type)
    if not match:
        raise ValueError(f"no multipart boundary in {content_type!r}")
    return match.group(1).strip()


class MultipartReader:
    """The parts of a multipart body, in order: `next_part()` -> (headers, file object)."""

    def __init__(self, raw: IO[bytes], boundary: str) -> None:
        self._raw = raw
        self._buffer = bytearray()
        self._eof = False
        self._delimiter = b"\r\n--" + boundary.encode()
        self._first = b"--" + boundary.encode()
        self._started = False

    def next_part(self) -> tuple[dict[str, str], "io.BufferedReader"] | None:
        """The next part's headers and body (read the body to its end before the next call)."""
        if not self._started:
            self._take_until(self._first, MAX_METADATA)
            self._started = True
        line = self._take_until(b"\r\n", 1 << 16)
        if line.startswith(b"--"):
            return None  # the closing delimiter
        raw_headers = self._take_until(b"\r\n\r\n", 1 << 16)
        found: dict[str, str] = {}
        for header in raw_headers.decode(errors="replace").split("\r\n"):
            key, _, value = header.partition(":")
            if key:
                found[key.strip().lower()] = value.strip()
        return found, io.BufferedReader(_PartBody(self), buffer_size=_READ)

    def read_part_into(self, buffer: memoryview) -> int:
        """Bytes of the current part (0 at its end, where the delimiter is consumed)."""
        while True:
            found = self._buffer.find(self._delimiter)
            safe = found if found >= 0 else len(self._buffer) - len(self._delimiter) + 1
            if safe > 0:
                count = min(safe, len(buffer))
                buffer[:count] = self._buffer[:count]
                del self._buffer[:count]
                return count
            if found == 0:
                del self._buffer[: len(self._delimiter)]
                return 0
            if self._eof:
                raise ValueError("multipart body ended inside a part")
            self._fill()

    def _take_until(self, marker: bytes, limit: int) -> bytes:
        while (found := self._buffer.find(marker)) < 0:
            if len(self._buffer) > limit:
                raise ValueError("multipart: a header or preamble is too long")
            if self._eof:
                raise ValueError("multipart body ended early")
            self._fill()
        value = bytes(self._buffer[:found])
        del self._buffer[: found + len(marker)]
        return value

    def _fill(self) -> None:
        data = self._raw.read(_READ)
        if not data:
            self._eof = True
        self._buffer += data


class _PartBody(io.RawIOBase):
    """One part's body as a raw stream."""

    def __init__(self, reader: MultipartReader) -> None:
        self._reader = reader
        self._done = False

    def readable(self) -> bool:
        """Always readable."""
        return True

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        """Fill `buffer` with the next bytes of the part."""
        if self._done:
            return 0
        count = self._reader.read_part_into(memoryview(buffer).cast("B"))
        if count == 0:
            self._done = True
        return count
