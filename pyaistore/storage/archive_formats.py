"""Shard formats: which one an object is (archmime, name, magic bytes) and how to open it for reading.

AIS decides the format by the `archmime` query value when given (matched by substring, so
"application/zip" works), else by the object name's extension, else (reads only) by the magic
bytes at the start of the file (cmn/archive/mime.go). Every library error met while reading a
shard is translated here into ArchiveError, so a corrupt or unsupported shard is the client's
4xx, never a 500.
"""

import gzip
import io
import os
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import IO, Final

from pyaistore.storage.errors import ArchiveError
from pyaistore.storage.object_file import ObjectFile
from pyaistore.wire import query

__all__ = [
    "FORMATS",
    "TAR",
    "TAR_GZ",
    "TAR_LZ4",
    "TGZ",
    "ZIP",
    "PreadFile",
    "archive_errors",
    "by_name",
    "is_compressed_tar",
    "lz4_reader",
    "lz4_writer",
    "normalize",
    "open_tar",
    "open_zip",
    "resolve",
    "sniff",
]

TAR: Final = query.ARCH_TAR
TGZ: Final = query.ARCH_TGZ
TAR_GZ: Final = query.ARCH_TAR_GZ
ZIP: Final = query.ARCH_ZIP
TAR_LZ4: Final = query.ARCH_TAR_LZ4
FORMATS: Final = query.ARCH_FORMATS

SNIFF_SIZE: Final = 512
READ_BUFFER: Final = 256 * 1024
# (offset, signature, format), as AIS's allMagics.
_MAGICS: Final = (
    (257, b"ustar", TAR),
    (0, b"\x1f\x8b", TAR_GZ),
    (0, b"PK", ZIP),
    (0, b"\x04\x22\x4d\x18", TAR_LZ4),
)


def by_name(name: str) -> str | None:
    """The format a name's extension says (".tgz" and ".tar.gz" are kept apart), or None."""
    for ext in FORMATS:
        if name.endswith(ext):
            return ext
    return None


def normalize(archmime: str) -> str:
    """The format an `archmime` value names; ArchiveError when it names none."""
    # Longest first: "tar.gz" and "tar.lz4" contain "tar".
    for ext in (TAR_GZ, TAR_LZ4, TAR, TGZ, ZIP):
        if ext[1:] in archmime:
            return ext
    raise ArchiveError(f'unknown mime type "{archmime}"')


def sniff(head: bytes) -> str | None:
    """The format the first bytes of a file show, or None."""
    for offset, signature, fmt in _MAGICS:
        if head[offset : offset + len(signature)] == signature:
            return fmt
    return None


def resolve(name: str, archmime: str, file: ObjectFile | None) -> str:
    """archmime, else the extension, else (given an open file) the magic bytes; ArchiveError if none."""
    if archmime:
        return normalize(archmime)
    fmt = by_name(name)
    if fmt is not None:
        return fmt
    ext = os.path.splitext(name)[1]
    if file is None:
        raise ArchiveError(f'unknown filename extension ("{name}", "{ext}")')
    fmt = sniff(os.pread(file.fileno(), SNIFF_SIZE, 0))
    if fmt is None:
        raise ArchiveError(f'unknown filename extension ("{name}", "{ext}"): unrecognized file format')
    return fmt


def is_compressed_tar(fmt: str) -> bool:
    """Whether the format is a tar inside a compressed stream (no random access)."""
    return fmt in (TGZ, TAR_GZ, TAR_LZ4)


class PreadFile(io.RawIOBase):
    """A read-only, seekable view of an open object with its own position (os.pread, no shared offset)."""

    def __init__(self, file: ObjectFile) -> None:
        super().__init__()
        self._file = file
        self._position = 0

    def readable(self) -> bool:
        """Always readable."""
        return True

    def seekable(self) -> bool:
        """Always seekable."""
        return True

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        """Read at the current position into `buffer`."""
        data = os.pread(self._file.fileno(), len(buffer), self._position)
        memoryview(buffer)[: len(data)] = data
        self._position += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move the position (SEEK_SET, SEEK_CUR, SEEK_END)."""
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._file.size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        """The current position."""
        return self._position


def lz4_reader(raw: io.IOBase) -> IO[bytes]:
    """A decompressing reader of an LZ4 frame stream; ArchiveError when the lz4 package is missing."""
    frame = _lz4_frame()
    reader: IO[bytes] = frame.LZ4FrameFile(raw, mode="rb")
    return reader


def lz4_writer(raw: io.IOBase) -> IO[bytes]:
    """A compressing writer of an LZ4 frame stream; ArchiveError when the lz4 package is missing."""
    frame = _lz4_frame()
    writer: IO[bytes] = frame.LZ4FrameFile(raw, mode="wb")
    return writer


def _lz4_frame() -> ModuleType:
    try:
        import lz4.frame
    except ImportError as exc:
        raise ArchiveError(f"{TAR_LZ4} shards need the lz4 package (pyaistore[server] extra)") from exc
    module: ModuleType = lz4.frame
    return module


def open_tar(file: ObjectFile, fmt: str, sequential: bool = False) -> tarfile.TarFile:
    """A tar reader over the shard: random access for plain tar, else one forward pass.

    Callers iterate with next() and clear `members`, so memory stays flat for any member count.
    """
    raw = io.BufferedReader(PreadFile(file), READ_BUFFER)
    if fmt == TAR:
        return tarfile.open(fileobj=raw, mode="r|" if sequential else "r:")
    if fmt in (TGZ, TAR_GZ):
        return tarfile.open(fileobj=raw, mode="r|gz", bufsize=READ_BUFFER)
    if fmt == TAR_LZ4:
        return tarfile.open(fileobj=lz4_reader(raw), mode="r|", bufsize=READ_BUFFER)
    raise ArchiveError(f'"{fmt}" is not a tar format')


def open_zip(file: ObjectFile) -> zipfile.ZipFile:
    """A zip reader over the shard (reads the central directory at the end)."""
    return zipfile.ZipFile(io.BufferedReader(PreadFile(file), READ_BUFFER))


# What the tar, gzip, zlib, zip and lz4 readers raise on damaged or unsupported input.
_ARCHIVE_FAILURES: Final = (
    tarfile.TarError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    gzip.BadGzipFile,
    zlib.error,
    EOFError,
    NotImplementedError,  # zip: unsupported compression method
    RuntimeError,  # zip: encrypted member; lz4: bad frame
    UnicodeDecodeError,
)


@contextmanager
def archive_errors(cname: str) -> Iterator[None]:
    """Turn a reader's complaint about the shard `cname` into ArchiveError."""
    try:
        yield
    except ArchiveError:
        raise
    except _ARCHIVE_FAILURES as exc:
        raise ArchiveError(f"{cname}: corrupt or unsupported archive: {exc}") from exc
