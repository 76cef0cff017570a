"""Moving bytes between files and objects: plans for directory trees, streamed copies, a worker pool.

Reads may name one file inside an archived object or an ETL to apply on the way out.

Memory stays bounded: uploads stream from disk (the SDK's `put_file`), downloads are written
chunk by chunk to a work file next to the destination, renamed into place when complete, and
removed if anything fails, so a partial download never takes the destination's name.
"""

import contextlib
import io
import os
import secrets
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Final, TypeVar

import click

from pyaistore.sdk import ArchiveConfig, ETLConfig, Object
from pyaistore.sdk.types import BucketEntry

__all__ = [
    "CHUNK_SIZE",
    "Download",
    "Upload",
    "copy_chunks",
    "download_to_file",
    "plan_download",
    "plan_upload",
    "run_all",
    "stream_to_stdout",
    "upload_file",
]

CHUNK_SIZE: Final = 1024 * 1024
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Upload:
    """A local file and the object name it is stored under."""

    path: Path
    name: str
    size: int


@dataclass(frozen=True, slots=True)
class Download:
    """An object and the local file it is written to."""

    name: str
    path: Path
    size: int


def _raise(error: OSError) -> None:
    """os.walk's onerror: an unreadable directory stops the upload instead of being skipped."""
    raise error


def plan_upload(source: Path, prefix: str) -> list[Upload]:
    """Every regular file under `source`, named `prefix` + its path relative to `source` (with `/`).

    Sorted by object name, the order a listing shows them in.
    """
    uploads = []
    for root, dirs, files in os.walk(source, onerror=_raise):
        dirs.sort()
        for file_name in sorted(files):
            path = Path(root, file_name)
            if path.is_file():  # skip sockets, fifos and dangling links
                name = prefix + path.relative_to(source).as_posix()
                uploads.append(Upload(path, name, path.stat().st_size))
    return sorted(uploads, key=lambda upload: upload.name)


def plan_download(entries: Iterable[BucketEntry], prefix: str, destination: Path) -> list[Download]:
    """Local paths for the objects under a prefix: their names relative to the prefix's directory.

    `imgs/` and `imgs/c` both put `imgs/cat.jpg` at `destination/cat.jpg`.

    Raises:
        click.ClickException: a name would land outside `destination` (`..`, an absolute path).
    """
    base = prefix[: prefix.rfind("/") + 1]
    downloads = []
    for entry in entries:
        if entry.is_dir():
            continue
        relative = PurePosixPath(entry.name[len(base) :])
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise click.ClickException(
                f"object name {entry.name!r} would be written outside {destination}; nothing was downloaded"
            )
        downloads.append(Download(entry.name, destination.joinpath(*relative.parts), entry.size))
    return downloads


class _ReportingFile(io.FileIO):
    """A file that reports the bytes read from it as the upload sends them (and takes them back
    when a retry rewinds it), so a progress bar moves during a large file, not only after it."""

    def __init__(self, path: Path, on_bytes: Callable[[int], None]) -> None:
        super().__init__(path, "rb")
        self._on_bytes = on_bytes

    def read(self, size: int | None = -1) -> bytes:
        """Read and report."""
        data = super().read(size)
        if data:
            self._on_bytes(len(data))
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move, reporting a move back as bytes to send again."""
        before = self.tell()
        after = super().seek(offset, whence)
        if after < before:
            self._on_bytes(after - before)
        return after


def upload_file(obj: Object, path: Path, on_bytes: Callable[[int], None] | None = None) -> None:
    """Store a local file as the object, streaming it from disk; `on_bytes` hears of each piece sent."""
    if on_bytes is None:
        obj.get_writer().put_file(path)
        return
    with _ReportingFile(path, on_bytes) as file:
        obj.get_writer().put_file(file)


def download_to_file(
    obj: Object,
    path: Path,
    on_bytes: Callable[[int], None],
    *,
    archive: ArchiveConfig | None = None,
    etl: ETLConfig | None = None,
) -> int:
    """Stream the object (or an archived file, or the ETL's output) into `path`; return the bytes written.

    The bytes go to a work file renamed into place when complete. The GET is sent before any
    file is made, so a missing object leaves nothing behind.
    """
    chunks = obj.get_reader(archive_config=archive, chunk_size=CHUNK_SIZE, etl=etl).iter_content()
    try:
        first = next(chunks, b"")
        path.parent.mkdir(parents=True, exist_ok=True)
        work_path = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            with open(work_path, "xb") as file:
                written = _write(file, first, on_bytes) + copy_chunks(chunks, file, on_bytes)
            os.replace(work_path, path)
        except BaseException:
            work_path.unlink(missing_ok=True)
            raise
    finally:
        _close(chunks)
    return written


def stream_to_stdout(
    obj: Object, *, archive: ArchiveConfig | None = None, etl: ETLConfig | None = None
) -> None:
    """Stream the object (or an archived file, or the ETL's output) to standard output."""
    chunks = obj.get_reader(archive_config=archive, chunk_size=CHUNK_SIZE, etl=etl).iter_content()
    stream = sys.stdout.buffer
    try:
        copy_chunks(chunks, stream)
        stream.flush()
    except BrokenPipeError:
        # The reader left (`| head`): stop quietly, as cat does. Point stdout at /dev/null so
        # that the interpreter's final flush does not fail again (Python docs, "Note on SIGPIPE").
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise click.exceptions.Exit(1) from None
    finally:
        _close(chunks)


def copy_chunks(
    chunks: Iterable[bytes], stream: BinaryIO, on_bytes: Callable[[int], None] | None = None
) -> int:
    """Write every chunk to a binary stream; return the bytes written."""
    total = 0
    for chunk in chunks:
        total += _write(stream, chunk, on_bytes)
    return total


def _write(stream: BinaryIO, chunk: bytes, on_bytes: Callable[[int], None] | None) -> int:
    """Write one chunk and report its size."""
    stream.write(chunk)
    if on_bytes is not None:
        on_bytes(len(chunk))
    return len(chunk)


def _close(chunks: Iterator[bytes]) -> None:
    """Close a chunk generator early, which releases its HTTP connection."""
    close = getattr(chunks, "close", None)
    if close is not None:
        close()


def run_all(items: Sequence[_T], work: Callable[[_T], None], jobs: int) -> None:
    """Run `work` on every item, `jobs` at a time; the first failure cancels what has not started.

    Raises:
        BaseException: the first exception any `work` call raised.
    """
    if jobs <= 1 or len(items) <= 1:
        for item in items:
            work(item)
        return
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="pyaistore-transfer")
    try:
        futures = [pool.submit(work, item) for item in items]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in futures:
            if future in done and (error := future.exception()) is not None:
                raise error
    finally:
        # After a failure (or Ctrl-C) only the transfers already running are waited for.
        pool.shutdown(wait=True, cancel_futures=True)
