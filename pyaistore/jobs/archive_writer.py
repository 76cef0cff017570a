"""Write a .tar, .tgz/.tar.gz, .tar.lz4 or .zip archive as a stream, entry by entry (jobs reference §3.1).

Entries are streamed in and compressed bytes streamed out through `emit`, in pieces of about
`FLUSH_SIZE`, so neither an entry nor the archive is ever held whole. Like AIS, tar entries use
USTAR (PAX only when a name needs it), gzip uses its fastest level, and zip entries are stored
uncompressed. `TarBlocks` reads back the entries of an existing tar stream for append.
"""

import io
import tarfile
import time
import zipfile
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Final

from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.storage.errors import ArchiveError
from pyaistore.wire.multi_object import TAR, TAR_LZ4, TGZ, ZIP

__all__ = ["ArchiveWriter", "TarBlocks"]

BLOCK: Final = 512
FLUSH_SIZE: Final = 1 << 20
_ZIP64_LIMIT: Final = (1 << 31) - 1
_ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)

Emit = Callable[[bytes], Awaitable[None]]


class _Compressor:
    """Identity, gzip or LZ4-frame compression of the tar stream."""

    def __init__(self, archive_format: str) -> None:
        self._gzip = zlib.compressobj(1, zlib.DEFLATED, 31) if archive_format == TGZ else None
        self._lz4: Any = None
        self.head = b""
        if archive_format == TAR_LZ4:
            try:
                import lz4.frame
            except ImportError as exc:
                raise InvalidJobRequest(f"{TAR_LZ4} archives need the lz4 package") from exc
            self._lz4 = lz4.frame.LZ4FrameCompressor()
            self.head = self._lz4.begin()

    def compress(self, data: bytes) -> bytes:
        """Compressed bytes for `data` (possibly none yet)."""
        if self._gzip is not None:
            return self._gzip.compress(data)
        if self._lz4 is not None:
            return bytes(self._lz4.compress(data))
        return data

    def flush(self) -> bytes:
        """The rest of the compressed stream."""
        if self._gzip is not None:
            return self._gzip.flush()
        if self._lz4 is not None:
            return bytes(self._lz4.flush())
        return b""


class _Buffer(io.RawIOBase):
    """A write-only sink for zipfile; bytes are taken out with drain()."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.position = 0

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, data: Any) -> int:
        """Keep the bytes until drained."""
        chunk = bytes(data)
        self.data += chunk
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        """Bytes written so far."""
        return self.position

    def drain(self) -> bytes:
        """Take out what was written since the last drain."""
        out = bytes(self.data)
        self.data.clear()
        return out


class ArchiveWriter:
    """Streams entries into one archive, handing the encoded bytes to `emit`."""

    def __init__(self, archive_format: str, emit: Emit) -> None:
        if archive_format not in (TAR, TGZ, TAR_LZ4, ZIP):
            raise InvalidJobRequest(f'unsupported archive format "{archive_format}"')
        self._format = archive_format
        self._emit = emit
        self._pending = bytearray()
        self._zip_buffer: _Buffer | None = None
        self._zip: zipfile.ZipFile | None = None
        self._compressor: _Compressor | None = None
        if archive_format == ZIP:
            self._zip_buffer = _Buffer()
            self._zip = zipfile.ZipFile(self._zip_buffer, mode="w", compression=zipfile.ZIP_STORED)
        else:
            self._compressor = _Compressor(archive_format)
            self._pending += self._compressor.head

    async def add(self, name: str, size: int, mtime_ns: int, chunks: AsyncIterator[bytes]) -> None:
        """Append one entry of exactly `size` bytes read from `chunks`."""
        if self._zip is not None:
            await self._add_zip(name, size, mtime_ns, chunks)
            return
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, mtime_ns // 1_000_000_000, 0o644
        await self.add_tar_bytes(info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
        written = 0
        async for chunk in chunks:
            written += len(chunk)
            await self.add_tar_bytes(chunk)
        if written != size:
            raise ArchiveError(f"{name}: read {written} bytes, expected {size}")
        if size % BLOCK:
            await self.add_tar_bytes(bytes(BLOCK - size % BLOCK))

    async def add_tar_bytes(self, data: bytes) -> None:
        """Append raw (uncompressed) tar stream bytes: headers, data, padding, copied blocks."""
        assert self._compressor is not None
        self._pending += self._compressor.compress(data)
        if len(self._pending) >= FLUSH_SIZE:
            await self._flush()

    async def _add_zip(self, name: str, size: int, mtime_ns: int, chunks: AsyncIterator[bytes]) -> None:
        assert self._zip is not None and self._zip_buffer is not None
        stamp = max(time.gmtime(mtime_ns // 1_000_000_000)[:6], _ZIP_EPOCH)
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.file_size, info.compress_type = size, zipfile.ZIP_STORED
        written = 0
        with self._zip.open(info, mode="w", force_zip64=size > _ZIP64_LIMIT) as member:
            async for chunk in chunks:
                written += len(chunk)
                member.write(chunk)
                if len(self._zip_buffer.data) >= FLUSH_SIZE:
                    await self._emit(self._zip_buffer.drain())
        if written != size:
            raise ArchiveError(f"{name}: read {written} bytes, expected {size}")

    async def close(self) -> None:
        """Write the end of the archive and flush everything."""
        if self._zip is not None and self._zip_buffer is not None:
            self._zip.close()
            await self._emit(self._zip_buffer.drain())
            return
        await self.add_tar_bytes(bytes(2 * BLOCK))
        assert self._compressor is not None
        self._pending += self._compressor.flush()
        await self._flush()

    async def _flush(self) -> None:
        if self._pending:
            data = bytes(self._pending)
            self._pending.clear()
            await self._emit(data)


class TarBlocks:
    """Splits an uncompressed tar stream into its entries' blocks, stopping at the end-of-archive mark."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._passthrough = 0
        self.ended = False

    def feed(self, data: bytes) -> bytes:
        """Take more stream bytes; return those that belong to entries (headers, data, padding)."""
        self._buffer += data
        out = bytearray()
        while not self.ended:
            if self._passthrough:
                take = min(self._passthrough, len(self._buffer))
                out += self._buffer[:take]
                del self._buffer[:take]
                self._passthrough -= take
                if self._passthrough:
                    break
            if len(self._buffer) < BLOCK:
                break
            header = bytes(self._buffer[:BLOCK])
            if header == bytes(BLOCK):
                self.ended = True
                break
            try:
                info = tarfile.TarInfo.frombuf(header, "utf-8", "surrogateescape")
            except tarfile.TarError as exc:
                raise ArchiveError(f"invalid tar header: {exc}") from exc
            out += header
            del self._buffer[:BLOCK]
            self._passthrough = -(-info.size // BLOCK) * BLOCK
        return bytes(out)
