"""Multipart uploads on one target: a work area per upload, parts streamed in, and completion that
assembles the object through the store's atomic writer (streamed, never held in memory).

One engine for AIS's native `mpt-upload` and S3's multipart API. Each upload lives on the object's
HRW mountpath (at creation), outside the object tree so listings never see it::

    <root>/.uploads/<token>/
        upload.json          UploadInfo: upload ID, bucket, object name, start time, custom metadata
        lock                 flock: publishing a part, completing and aborting exclude each other
        part.<n>.<md5 hex>   part n: its bytes (size = file size, MD5 in the name, for S3's ETag)
        tmp.<random>         a part being received (streamed without the lock)

A part is published by one rename under the lock (a new upload of the same number replaces it),
so every process of the target (HTTP workers included) sees the same parts. Completion holds the
lock while it streams the parts, in order, into an `AtomicWriter` whose commit makes the object
visible at once, then removes the work area; an abort or the expiry sweep removes it too. The
work area is not fsynced: an upload in progress does not survive a power loss, the object it
completes into does (the writer fsyncs). Uploads survive a process restart (`cleanup_work` leaves
`.uploads` alone) until they complete, are aborted, or sit idle past the expiry.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Final

from pyaistore.storage import layout
from pyaistore.storage.atomic_write import WriteProps, io_errors, write_all
from pyaistore.storage.errors import (
    InvalidPart,
    InvalidPartList,
    PartialCompletion,
    StorageError,
    UploadNotFound,
)
from pyaistore.storage.mountpaths import Mountpath
from pyaistore.storage.names import validate_object_name
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.multipart import OBJECT_ETAG_KEY, PartInfo, UploadInfo

__all__ = ["UPLOADS_DIR", "PartWriter", "Uploads", "check_part_list", "s3_etag"]

UPLOADS_DIR: Final = ".uploads"
INFO_FILE: Final = "upload.json"
LOCK_FILE: Final = "lock"
_PART: Final = "part."
_TMP: Final = "tmp."
# Parts are copied into the object in pieces of this size (bounded memory, few system calls).
ASSEMBLY_CHUNK: Final = 4 << 20


def s3_etag(parts: list[PartInfo]) -> str:
    """S3's ETag of a multipart object (unquoted): MD5 of the parts' binary MD5s, then "-N"."""
    digest = hashlib.md5(b"".join(bytes.fromhex(part.md5) for part in parts))
    return f"{digest.hexdigest()}-{len(parts)}"


def check_part_list(requested: list[tuple[int, str]], uploaded: list[PartInfo]) -> list[PartInfo]:
    """The parts to assemble, in order, for a completion naming `requested` (number, ETag) pairs.

    AIS's rule: the list, sorted, must be exactly 1..N where N parts were uploaded (more or fewer
    is PartialCompletion; gaps or repeats InvalidPartList). An ETag given (S3 clients send the
    one UploadPart returned) must be the part's (InvalidPart); an empty one is not checked.
    """
    if not uploaded:
        raise InvalidPartList("no chunks: no part was uploaded")
    if len(requested) != len(uploaded):
        raise PartialCompletion(
            f"partial completion is not allowed: requested {len(requested)} parts, have {len(uploaded)}"
        )
    ordered = sorted(requested)
    by_number = {part.number: part for part in uploaded}
    chosen = []
    for position, (number, etag) in enumerate(ordered, start=1):
        part = by_number.get(number)
        if number != position or part is None:
            raise InvalidPartList(
                f"parts must be exactly 1..{len(uploaded)}: got {number} at position {position}"
            )
        if etag and etag.strip('"') != part.md5:
            raise InvalidPart(f"part {number}: ETag {etag} does not match the uploaded part's {part.etag}")
        chosen.append(part)
    return chosen


class PartWriter:
    """Streams one part into a temporary file; commit() publishes it, abort() drops it."""

    def __init__(
        self, directory: Path, info: UploadInfo, number: int, location: layout.ObjectLocation
    ) -> None:
        self._directory = directory
        self._info = info
        self._number = number
        self._location = location
        self._tmp = directory / (_TMP + layout.new_token())
        self._md5 = hashlib.md5()
        self._done = False
        self.size = 0
        try:
            self._fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        except FileNotFoundError as exc:  # aborted or completed meanwhile
            raise UploadNotFound(info.bucket, info.name, info.upload_id) from exc

    def write(self, chunk: bytes) -> None:
        """Append a chunk (and hash it)."""
        with io_errors(self._location):
            write_all(self._fd, chunk)
        self._md5.update(chunk)
        self.size += len(chunk)

    def commit(self) -> PartInfo:
        """Publish the part (replacing an earlier upload of its number); UploadNotFound if gone."""
        if self.size == 0:
            self.abort()
            raise InvalidPart(f"{self._info.bucket.object_cname(self._info.name)}: put-part invalid size (0)")
        md5 = self._md5.hexdigest()
        try:
            with _locked(self._directory, self._info):
                for old in _part_files(self._directory, self._number):
                    old.unlink(missing_ok=True)
                final = self._directory / f"{_PART}{self._number}.{md5}"
                os.replace(self._tmp, final)
                mtime = os.stat(final).st_mtime_ns
        finally:
            self.abort()
        return PartInfo(self._number, self.size, md5, mtime)

    def abort(self) -> None:
        """Drop the temporary file (idempotent)."""
        if self._done:
            return
        self._done = True
        os.close(self._fd)
        self._tmp.unlink(missing_ok=True)


class Uploads:
    """The multipart uploads kept by one target's store."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    def create(
        self, bucket: BucketId, name: str, upload_id: str, token: str, custom: dict[str, str]
    ) -> UploadInfo:
        """Start an upload whose work area is named `token` (a work-file token)."""
        validate_object_name(bucket, name)
        if not layout.is_valid_token(token):
            raise ValueError(f"invalid upload token {token!r}")
        mp = self._store.mountpaths.choose(bucket.object_uname(name))
        info = UploadInfo(upload_id, bucket, name, time.time_ns(), dict(custom))
        directory = _uploads_dir(mp) / token
        with io_errors(layout.locate(mp, bucket, name)):
            mp.make_dirs(directory.parent)  # below the root only: a vanished root stays vanished
            directory.mkdir()
            tmp = directory / (_TMP + layout.new_token())
            tmp.write_text(json.dumps(info.to_json()))
            os.replace(tmp, directory / INFO_FILE)
        return info

    def part_writer(self, token: str, bucket: BucketId, name: str, upload_id: str, number: int) -> PartWriter:
        """A writer for part `number` of the upload (UploadNotFound if there is none)."""
        directory, info = self._find(token, bucket, name, upload_id)
        location = layout.locate(self._store.mountpaths.choose(bucket.object_uname(name)), bucket, name)
        return PartWriter(directory, info, number, location)

    def parts(
        self, token: str, bucket: BucketId, name: str, upload_id: str
    ) -> tuple[UploadInfo, list[PartInfo]]:
        """The upload and its stored parts, by number."""
        directory, info = self._find(token, bucket, name, upload_id)
        return info, _list_parts(directory)

    def uploads(self, bucket: BucketId | None = None) -> list[UploadInfo]:
        """Every upload in progress here (of one bucket, if given), oldest first."""
        found = [info for _, info in self._walk() if bucket is None or info.bucket == bucket]
        return sorted(found, key=lambda info: (info.initiated_ns, info.upload_id))

    def complete(
        self,
        token: str,
        bucket: BucketId,
        name: str,
        upload_id: str,
        requested: list[tuple[int, str]],
        props: WriteProps,
    ) -> tuple[ObjectMeta, str]:
        """Assemble the parts into the object (atomically), then drop the upload; (meta, ETag).

        The object's custom metadata is the upload's plus its S3 ETag (`ETag`). On any failure
        the upload stays as it was, so the client may retry or abort.
        """
        directory, info = self._find(token, bucket, name, upload_id)
        with _locked(directory, info):
            parts = check_part_list(requested, _list_parts(directory))
            etag = s3_etag(parts)
            custom = {**info.custom, **props.custom, OBJECT_ETAG_KEY: etag}
            with self._store.writer(bucket, name, replace(props, custom=custom)) as writer:
                for part in parts:
                    for chunk in _read_part(directory, part):
                        writer.write(chunk)
                meta = writer.commit()
            _remove(directory)
        return meta, etag

    def abort(self, token: str, bucket: BucketId, name: str, upload_id: str) -> None:
        """Drop the upload and its parts; UploadNotFound if it is not in progress."""
        directory, info = self._find(token, bucket, name, upload_id)
        with _locked(directory, info):
            _remove(directory)

    def sweep(self, idle_s: float, keep: Callable[[UploadInfo], bool], now_ns: int | None = None) -> int:
        """Abort uploads idle (no part stored, nothing started) for `idle_s` seconds and those
        `keep` refuses (e.g. of a bucket that no longer exists); returns how many went."""
        cutoff = (now_ns if now_ns is not None else time.time_ns()) - int(idle_s * 1e9)
        removed = 0
        for directory, info in self._walk(include_broken=True):
            if info is not None and keep(info) and _last_activity(directory, info) >= cutoff:
                continue
            if info is None and _last_activity(directory, None) >= cutoff:
                continue  # being created right now, or damaged recently: look again next time
            with contextlib.suppress(UploadNotFound, OSError), _locked(directory, info):
                _remove(directory)
                removed += 1
        return removed

    # ---- internals ----

    def _find(self, token: str, bucket: BucketId, name: str, upload_id: str) -> tuple[Path, UploadInfo]:
        """The upload's work area and record; UploadNotFound unless it is this object's."""
        if layout.is_valid_token(token):
            for mp in self._store.mountpaths.available:
                directory = _uploads_dir(mp) / token
                info = _read_info(directory)
                if info is not None and info.upload_id == upload_id:
                    if info.bucket != bucket or info.name != name:
                        break
                    return directory, info
        raise UploadNotFound(bucket, name, upload_id)

    def _walk(self, include_broken: bool = False) -> Iterator[tuple[Path, UploadInfo]]:
        for mp in self._store.mountpaths.available:
            try:
                entries = sorted(_uploads_dir(mp).iterdir())
            except OSError:
                continue
            for directory in entries:
                info = _read_info(directory)
                if info is not None or include_broken:
                    yield directory, info  # type: ignore[misc]


def _uploads_dir(mp: Mountpath) -> Path:
    return mp.root / UPLOADS_DIR


def _read_info(directory: Path) -> UploadInfo | None:
    try:
        return UploadInfo.from_json(json.loads((directory / INFO_FILE).read_text()))
    except (OSError, ValueError, KeyError, TypeError, StorageError):
        return None


def _part_files(directory: Path, number: int) -> list[Path]:
    prefix = f"{_PART}{number}."
    try:
        return [directory / entry for entry in os.listdir(directory) if entry.startswith(prefix)]
    except FileNotFoundError:
        return []


def _list_parts(directory: Path) -> list[PartInfo]:
    parts = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if not entry.name.startswith(_PART):
                continue
            number, _, md5 = entry.name[len(_PART) :].partition(".")
            try:
                stat = entry.stat()
            except FileNotFoundError:
                continue  # replaced by a newer upload of its number meanwhile
            parts.append(PartInfo(int(number), stat.st_size, md5, stat.st_mtime_ns))
    return sorted(parts, key=lambda part: part.number)


def _read_part(directory: Path, part: PartInfo) -> Iterator[bytes]:
    with open(directory / f"{_PART}{part.number}.{part.md5}", "rb", buffering=0) as source:
        while chunk := source.read(ASSEMBLY_CHUNK):
            yield chunk


def _last_activity(directory: Path, info: UploadInfo | None) -> int:
    latest = info.initiated_ns if info is not None else 0
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                latest = max(latest, entry.stat().st_mtime_ns)
    if latest == 0:
        with contextlib.suppress(OSError):
            latest = directory.stat().st_mtime_ns
    return latest


@contextlib.contextmanager
def _locked(directory: Path, info: UploadInfo | None) -> Iterator[None]:
    """Hold the upload's lock; UploadNotFound when it was completed or aborted before or meanwhile."""
    try:
        fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except FileNotFoundError as exc:
        raise _gone(info) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if info is not None and not (directory / INFO_FILE).exists():
            raise _gone(info)
        yield
    finally:
        os.close(fd)


def _gone(info: UploadInfo | None) -> UploadNotFound:
    if info is None:
        return UploadNotFound(BucketId(""), "", "")
    return UploadNotFound(info.bucket, info.name, info.upload_id)


def _remove(directory: Path) -> None:
    """Remove the work area: its record first (so it is gone for everyone at once), then the rest."""
    (directory / INFO_FILE).unlink(missing_ok=True)
    shutil.rmtree(directory, ignore_errors=True)
