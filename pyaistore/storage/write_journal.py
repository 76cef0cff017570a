"""Write-ahead journal of small creates: a new object is durable after one flush instead of two.

A small write of a name with no object in place (staged_write.py, on the event loop) appends its
object path, metadata record and body to its mountpath's journal, waits for the journal's flush
(one fdatasync of an append-only file, group-committed like commit_queue.py's flushes) and only
then links the work file into place; it does not wait for the link to be flushed. The reply
means: the object can be rebuilt from the journal if a power loss takes the file or its name.

    PUT (new name) ──► work file + xattr (no flush) ──► journal record ──► fdatasync ──► link ──► reply
    every CHECKPOINT_S: rotate the segment; a segment whose writes are all settled is retired
    by one syncfs(2) (every linked file and name durable) and then unlinked (directory flushed).

Creates only: the link fails if a name appeared meanwhile (the write then takes the two-flush
path), so replay never has to decide between two versions of an object. Replay (`recover`, at
start-up, before serving) happens only after the machine itself went down: each segment names
the boot it was written in, and a process that died while the kernel lived on left every file
and name in the page cache, so its segments are simply retired. After a reboot, newest first,
each record's object is restored when its file is missing or torn (its size or bytes are not
the record's and no other complete object took its name); an intact object, or a later one, is
left alone.

What this trades: an object deleted (or moved away) less than a checkpoint interval before a
power loss can come back, as an unflushed unlink can without a journal (deletes are not
flushed before they are acknowledged). Each process writes segments of its own
(`<root>/.journal/<pid>-<token>-<n>.log`); closing a journal (a clean stop) retires them all.
"""

import logging
import os
import struct
import sys
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pyaistore.storage import layout
from pyaistore.storage.commit_queue import CommitQueue, Flushers, Waker
from pyaistore.storage.disk_sync import syncfs
from pyaistore.storage.layout import JOURNAL_DIR
from pyaistore.storage.meta_store import XATTR_NAME, fsync_dir
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.per_root import PerRoot

log = logging.getLogger(__name__)

__all__ = [
    "CHECKPOINT_S",
    "JournalEntry",
    "WriteJournal",
    "WriteJournals",
    "boot_id",
    "recover",
    "restore_object",
]

# How often a journal rotates its segment and retires the settled ones (one syncfs each time).
CHECKPOINT_S: Final = 0.25
_BOOT_ID: Final = "/proc/sys/kernel/random/boot_id"
_MAGIC: Final = b"pyaistore journal 1\n"
_HEAD: Final = struct.Struct("<II")  # payload length, crc32 of the payload
_SIZES: Final = struct.Struct("<HI")  # path length, metadata length (the body is the rest)
_SEGMENT_FLAGS: Final = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC
_RESTORE: Final = "restore.tmp"


def boot_id() -> str:
    """This boot's id (the kernel's random boot_id): it changes only when the machine restarts."""
    with open(_BOOT_ID) as source:
        return source.read().strip()


@dataclass(eq=False)
class _Segment:
    """One journal file: appended to until rotated, retired once its writes are settled."""

    path: Path
    fd: int
    outstanding: int = 0  # appended records whose write has not settled (linked or given up)
    records: int = 0


@dataclass(frozen=True, eq=False)
class JournalEntry:
    """One appended record: flush it with `WriteJournal.notify`, then `settle` it."""

    segment: _Segment


@dataclass(eq=False)
class WriteJournal:
    """The journal of one mountpath root for this process: append, flush, settle, checkpoint."""

    root: Path
    boot: str = field(default_factory=boot_id)
    interval_s: float = CHECKPOINT_S
    flushers: Flushers | None = None  # the segment's flush (default fdatasync) and the checkpoint's syncfs

    def __post_init__(self) -> None:
        self.directory = self.root / JOURNAL_DIR
        flush = self.flushers.file if self.flushers is not None else os.fdatasync
        # one request per record, all on one or two descriptors: never a syncfs (that is the checkpoint's)
        self.queue = CommitQueue(self.root, Flushers(file=flush), syncfs_at=sys.maxsize)
        self._lock = threading.Lock()
        self._segment: _Segment | None = None
        self._rotated: list[_Segment] = []
        self._closing: list[int] = []  # descriptors of retired segments, closed one pass later
        self._names = f"{os.getpid()}-{layout.new_token()}"
        self._number = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def append(self, path: str, meta: bytes, data: bytes) -> JournalEntry:
        """Append a record of the object at `path` (relative to the root); not yet durable."""
        payload = _SIZES.pack(len(encoded := path.encode()), len(meta)) + encoded + meta + data
        record = _HEAD.pack(len(payload), zlib.crc32(payload)) + payload
        with self._lock:
            segment = self._segment or self._open_segment()
            written = os.write(segment.fd, record)
            if written != len(record):  # a torn record ends what replay reads: start a new segment
                self._rotate()
                raise OSError(f"short write to the journal {segment.path}: {written} of {len(record)} bytes")
            segment.outstanding += 1
            segment.records += 1
        return JournalEntry(segment)

    def notify(self, entry: JournalEntry, waker: Waker, token: object) -> None:
        """Have `entry` flushed; `waker` is given `token` once it is durable (or the flush failed)."""
        self.queue.notify_file(entry.segment.fd, waker, token)

    def settle(self, entry: JournalEntry) -> None:
        """The write of `entry` is over (its object linked, or given up): its segment may retire."""
        with self._lock:
            entry.segment.outstanding -= 1

    def checkpoint(self) -> int:
        """Rotate, then retire every settled segment (one syncfs first); returns how many retired."""
        with self._lock:
            if self._segment is not None and self._segment.records:
                self._rotate()
            settled = [segment for segment in self._rotated if not segment.outstanding]
            closing, self._closing = self._closing, []
        for fd in closing:
            os.close(fd)
        if not settled:
            return 0
        flush = self.flushers.filesystem if self.flushers is not None else None
        (flush or syncfs)(self.root)  # every linked file and name of these segments is durable
        for segment in settled:
            segment.path.unlink(missing_ok=True)
        fsync_dir(self.directory)  # the segments stay gone
        with self._lock:
            for segment in settled:
                self._rotated.remove(segment)
                self._closing.append(segment.fd)  # a flush may still hold it: closed next pass
        return len(settled)

    def close(self) -> None:
        """Stop the checkpoints and retire every settled segment (a clean stop leaves none behind)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.queue.close()
        self.checkpoint()
        with self._lock:
            closing, self._closing = self._closing, []
        for fd in closing:
            os.close(fd)

    def _open_segment(self) -> _Segment:
        """Start a segment (with `_lock` held): its header names this boot."""
        self.directory.mkdir(exist_ok=True)
        self._number += 1
        path = self.directory / f"{self._names}-{self._number}.log"
        fd = os.open(path, _SEGMENT_FLAGS, 0o644)
        header = _MAGIC + self.boot.encode() + b"\n"
        if os.write(fd, header) != len(header):
            os.close(fd)
            raise OSError(f"short write to the journal {path}")
        self._segment = _Segment(path, fd)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"journal {self.root}", daemon=True)
            self._thread.start()
        return self._segment

    def _rotate(self) -> None:
        """Close the current segment for appends (with `_lock` held)."""
        if self._segment is not None:
            self._rotated.append(self._segment)
            self._segment = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.checkpoint()
            except OSError:  # the segments stay; the next pass (or a replay) covers them
                if not self.directory.is_dir():
                    return  # the disk or its journal is gone: nothing left to retire here
                log.exception("journal checkpoint of %s failed", self.root)


class WriteJournals(PerRoot[WriteJournal]):
    """This process's journal of each mountpath root, started on the first create there."""

    def __init__(self, flushers: Flushers | None = None, interval_s: float = CHECKPOINT_S) -> None:
        """Journals made here share `flushers` and their checkpoint interval."""
        super().__init__(lambda root: WriteJournal(root, interval_s=interval_s, flushers=flushers))

    def close(self) -> None:
        """Retire every journal's segments (a clean stop leaves nothing to replay); a later create
        starts a new journal."""
        for journal in self.take_all():
            try:
                journal.close()
            except OSError:  # a failing disk: its segments are replayed or retired at the next start
                log.exception("the write journal of %s was not retired", journal.root)


def recover(root: Path, boot: str) -> int:
    """Before serving: replay the journal segments of `root` written before the last reboot, retire all.

    Returns how many objects were restored. Segments of this boot are only retired: their
    processes died, not the kernel, and every file and name they wrote is in place.
    """
    directory = root / JOURNAL_DIR
    try:
        segments = sorted(path for path in directory.iterdir() if path.suffix == ".log")
    except FileNotFoundError:
        return 0
    # Newest first, by the write time in each record's metadata (across segments and processes):
    # a name created, deleted and created again is rebuilt as its last create, whose object then
    # makes every older record of the name one to leave alone.
    records = [(segment, *record) for segment in segments for record in _records(segment, boot)]
    records.sort(key=lambda record: _written_ns(record[2]), reverse=True)
    restored = 0
    for segment, path, meta, data in records:
        target = _object_path(root, path)
        if target is None:
            log.error("journal %s names %r, not an object of %s: skipped", segment, path, root)
            continue
        if restore_object(root, target, meta, data):
            restored += 1
            log.warning("restored %s from the journal after a restart of the machine", target)
    if restored:
        syncfs(root)
    for segment in segments:
        segment.unlink()
    (directory / _RESTORE).unlink(missing_ok=True)
    fsync_dir(directory)
    return restored


def _written_ns(meta: bytes) -> int:
    """When the record's object was written (its metadata's time); 0 if the record does not say."""
    try:
        return ObjectMeta.decode(meta).atime_ns
    except ValueError:
        return 0


def _object_path(root: Path, path: str) -> Path | None:
    """The object file a record names, if it is one: <provider>/<namespace>/<bucket>/obj/<name>."""
    parts = Path(path).parts
    if len(parts) < 5 or parts[3] != layout.OBJECTS_DIR or parts[0].startswith(".") or ".." in parts:
        return None
    target = root / path
    return target if target.resolve().is_relative_to(root.resolve()) else None


def _records(segment: Path, boot: str) -> list[tuple[str, bytes, bytes]]:
    """The records of a segment written in an earlier boot, up to its first torn one; none of this boot."""
    content = segment.read_bytes()
    header_end = content.find(b"\n", len(_MAGIC))
    if not content.startswith(_MAGIC) or header_end < 0:
        return []  # torn at its header: nothing was acknowledged from it
    if content[len(_MAGIC) : header_end].decode(errors="replace") == boot:
        return []
    records, offset = [], header_end + 1
    while offset + _HEAD.size <= len(content):
        length, crc = _HEAD.unpack_from(content, offset)
        payload = content[offset + _HEAD.size : offset + _HEAD.size + length]
        if len(payload) != length or zlib.crc32(payload) != crc or length < _SIZES.size:
            break  # the tail a crash cut: never flushed, never acknowledged
        path_size, meta_size = _SIZES.unpack_from(payload)
        start = _SIZES.size
        path = payload[start : start + path_size].decode()
        meta = payload[start + path_size : start + path_size + meta_size]
        records.append((path, meta, payload[start + path_size + meta_size :]))
        offset += _HEAD.size + length
    return records


def restore_object(root: Path, target: Path, meta: bytes, data: bytes) -> bool:
    """Rebuild the object at `target` (on the mountpath at `root`) from a record, unless a complete
    object is there; True if rebuilt."""
    try:
        current = os.getxattr(target, XATTR_NAME)
        size = os.stat(target).st_size
    except OSError:  # missing, or its metadata lost with it
        current, size = None, -1
    if current is not None:
        if current == meta:
            if size == len(data) and target.read_bytes() == data:
                return False  # intact
        else:
            try:
                if ObjectMeta.decode(current).size == size:
                    return False  # a complete object took the name after this create
            except ValueError:
                pass
    temp = root / JOURNAL_DIR / _RESTORE
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.setxattr(fd, XATTR_NAME, meta)
    finally:
        os.close(fd)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp, target)
    return True
