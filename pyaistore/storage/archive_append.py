"""Put one file into a shard: a new shard holding just that file, or the old shard plus that file.

The result is always a new version published atomically through the store's writer (work file,
hash, fsync, rename), so readers of the old version are never disturbed and a failure leaves the
old shard as it was. Appending to a tar copies the old bytes up to its end-of-archive blocks, adds
the new header and data, and writes fresh end blocks; a compressed tar is decompressed and
recompressed the same way; a zip is rewritten entry by entry. Memory stays bounded throughout.

Usage mirrors AtomicWriter: construct (copies what stays), write() the file's bytes, commit().
Two appends racing on one shard behave like two PUTs: the last one published wins.
"""

import gzip
import io
import tarfile
import time
import zipfile
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Final, Protocol

from pyaistore.storage.archive_formats import (
    TAR,
    TAR_LZ4,
    ZIP,
    PreadFile,
    archive_errors,
    lz4_reader,
    lz4_writer,
    open_zip,
)
from pyaistore.storage.archive_index import scan
from pyaistore.storage.atomic_write import AtomicWriter, WriteProps
from pyaistore.storage.errors import ArchiveError, ObjectNotFound
from pyaistore.storage.object_file import CHUNK_SIZE, ObjectFile
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore
from pyaistore.wire.bucket_id import BucketId

__all__ = ["ArchiveAppender"]

BLOCK: Final = tarfile.BLOCKSIZE
_ZIP64_LIMIT: Final = (1 << 31) - 1


class _ByteSink(Protocol):
    """Where bytes of the new shard go."""

    def write(self, data: bytes, /) -> int:
        """Take bytes."""
        ...

    def close(self) -> None:
        """Flush and release."""
        ...


class _Sink(io.RawIOBase):
    """A write-only, unseekable file over the store's writer (what zipfile and LZ4FrameFile write to)."""

    def __init__(self, writer: AtomicWriter) -> None:
        super().__init__()
        self._writer = writer
        self._written = 0

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, data: "bytes | bytearray | memoryview") -> int:  # type: ignore[override]
        """Pass the bytes to the writer."""
        chunk = bytes(data)
        self._writer.write(chunk)
        self._written += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        """Bytes written so far."""
        return self._written


class ArchiveAppender:
    """Adds `member` (exactly `size` bytes, given to write()) to the shard `name`, or makes a new one.

    `append=False` writes a shard holding only the new file. `append=True` keeps the current
    shard's files; a missing (or empty) shard is an ObjectNotFound unless `create_if_missing`.
    """

    def __init__(
        self,
        store: ObjectStore,
        bucket: BucketId,
        name: str,
        fmt: str,
        member: str,
        size: int,
        props: WriteProps,
        *,
        append: bool,
        create_if_missing: bool = False,
    ) -> None:
        self._fmt, self._member, self._size = fmt, member, size
        self._cname = bucket.object_cname(name)
        self._received = 0
        source = _open_existing(store, bucket, name) if append else None
        if source is None and append and not create_if_missing:
            raise ObjectNotFound(bucket, name)
        if source is not None:
            props = _keep_custom(props, source.meta)
        self._writer = store.writer(bucket, name, props)
        try:
            self._start(source)
        except BaseException:
            self._writer.abort()
            raise
        finally:
            if source is not None:
                source.close()

    def write(self, chunk: bytes) -> None:
        """Add bytes of the new file; ArchiveError past the announced size."""
        self._received += len(chunk)
        if self._received > self._size:
            self.abort()
            raise ArchiveError(f"{self._cname}: more than {self._size} bytes sent for {self._member}")
        self._member_writer.write(chunk)

    def commit(self) -> ObjectMeta:
        """Finish the shard and publish it; ArchiveError (old shard intact) when bytes are missing."""
        if self._received != self._size:
            self.abort()
            raise ArchiveError(f"{self._cname}: {self._received} of {self._size} bytes of {self._member}")
        try:
            self._finish()
        except BaseException:
            self.abort()
            raise
        return self._writer.commit()

    def abort(self) -> None:
        """Discard the new version (idempotent)."""
        self._writer.abort()

    def __enter__(self) -> "ArchiveAppender":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.abort()

    # ---- the formats ----

    def _start(self, source: ObjectFile | None) -> None:
        """Write everything that precedes the new file's bytes."""
        if self._fmt == ZIP:
            self._start_zip(source)
            return
        self._stream = self._compressed_stream()
        if source is not None:
            with archive_errors(self._cname):
                for chunk in _tar_body(source, self._fmt, self._cname):
                    self._stream.write(chunk)
        header = tarfile.TarInfo(self._member)
        header.size, header.mtime, header.mode = self._size, int(time.time()), 0o644
        self._stream.write(header.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
        self._member_writer: _ByteSink = self._stream

    def _finish(self) -> None:
        """Write everything that follows the new file's bytes."""
        if self._fmt == ZIP:
            self._member_writer.close()
            self._zip.close()
            return
        self._stream.write(bytes(-self._size % BLOCK) + bytes(2 * BLOCK))
        self._stream.close()

    def _compressed_stream(self) -> _ByteSink:
        """Where the tar bytes go: straight to the writer, or through gzip or lz4."""
        sink = _Sink(self._writer)
        if self._fmt == TAR:
            return sink
        if self._fmt == TAR_LZ4:
            return lz4_writer(sink)
        return gzip.GzipFile(fileobj=sink, mode="wb", mtime=0)

    def _start_zip(self, source: ObjectFile | None) -> None:
        """A new zip: the old entries copied one by one, then the new entry opened for writing."""
        self._zip = zipfile.ZipFile(_Sink(self._writer), mode="w", compression=zipfile.ZIP_DEFLATED)
        if source is not None:
            with archive_errors(self._cname), open_zip(source) as old:
                for info in old.infolist():
                    entry = _zip_entry(info.filename, info.date_time, info.external_attr, info.file_size)
                    with old.open(info) as reader, self._zip_writer(entry) as writer:
                        while chunk := reader.read(CHUNK_SIZE):
                            writer.write(chunk)
        entry = _zip_entry(self._member, time.localtime()[:6], 0o644 << 16, self._size)
        self._member_writer = self._zip_writer(entry)

    def _zip_writer(self, entry: zipfile.ZipInfo) -> IO[bytes]:
        """Open one entry of the new zip for writing (zip64 sizes when it may need them)."""
        return self._zip.open(entry, "w", force_zip64=entry.file_size > _ZIP64_LIMIT)


def _zip_entry(
    name: str, date_time: tuple[int, int, int, int, int, int], attributes: int, size: int
) -> zipfile.ZipInfo:
    """A fresh deflated entry (no extra fields carried over from an old archive)."""
    entry = zipfile.ZipInfo(name, date_time)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = attributes
    entry.file_size = size
    return entry


def _open_existing(store: ObjectStore, bucket: BucketId, name: str) -> ObjectFile | None:
    """The current shard, or None when there is none or it is empty (AIS: an empty tar is a new one)."""
    try:
        source = store.open(bucket, name)
    except ObjectNotFound:
        return None
    if source.size == 0:
        source.close()
        return None
    return source


def _keep_custom(props: WriteProps, old: ObjectMeta) -> WriteProps:
    """The new version keeps the shard's custom metadata (the request's keys win)."""
    return WriteProps(
        checksum_type=props.checksum_type,
        versioning=props.versioning,
        custom={**old.custom, **props.custom},
    )


def _tar_body(source: ObjectFile, fmt: str, cname: str) -> Iterator[bytes]:
    """The old tar's bytes (uncompressed) up to, not including, its end-of-archive blocks."""
    end = scan(source, fmt, cname).end_offset
    if fmt == TAR:
        yield from source.read_range(0, end)
        return
    raw = io.BufferedReader(PreadFile(source), CHUNK_SIZE)
    reader: IO[bytes] | gzip.GzipFile = lz4_reader(raw) if fmt == TAR_LZ4 else gzip.GzipFile(fileobj=raw)
    with reader:
        remaining = end
        while remaining > 0:
            chunk = reader.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                raise ArchiveError(f"{cname}: truncated archive")
            remaining -= len(chunk)
            yield chunk
