"""One get-batch entry on the target that holds it: open it, and stream a peer's share as frames.

An entry is a whole object, a byte range of it, or one archived file of a shard (and a range of
that), as AIS's MossIn defines them. `open_item` is blocking (it may scan a shard's member table);
`PartReader` turns a list of entries into the frame stream of cluster/batch_frames.py, in blocks
of about a MiB per call so a worker thread does the reading with few hops.
"""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

from pyaistore.cluster.batch_frames import OK, FrameHead, PartItem, pack_head
from pyaistore.cluster.errors import BadRequest, BucketNotFound, RangeNotSatisfiable
from pyaistore.node_context import NodeContext
from pyaistore.storage import archive, archive_formats
from pyaistore.storage.errors import ArchiveError, ArchiveMemberNotFound, InvalidName, ObjectNotFound
from pyaistore.target.get_archived import strip_object_name

__all__ = ["BLOCK", "OpenedItem", "PartReader", "failure_status", "open_item"]

# Bytes of frames a PartReader produces per call.
BLOCK: Final = 1 << 20
NOT_FOUND: Final = 404
INVALID: Final = 400
RANGE: Final = 416
FAILED: Final = 500


@dataclass(slots=True)
class OpenedItem:
    """An entry ready to read: `size` bytes from the blocking iterator `chunks`."""

    size: int
    mtime_ns: int
    chunks: Iterator[bytes]
    closer: Callable[[], None]

    def close(self) -> None:
        """Release the file (and a shard's decompressor)."""
        self.closer()


def failure_status(exc: BaseException) -> int:
    """The frame status of an entry that could not be read."""
    if isinstance(exc, ObjectNotFound | ArchiveMemberNotFound | BucketNotFound):
        return NOT_FOUND
    if isinstance(exc, RangeNotSatisfiable):
        return RANGE
    if isinstance(exc, ArchiveError | InvalidName | BadRequest):
        return INVALID
    return FAILED


def resolve_range(item: PartItem, size: int, what: str) -> tuple[int, int]:
    """(offset, length) of the entry's range in `size` bytes; RangeNotSatisfiable out of bounds."""
    if not item.start and item.length in (0, -1):
        return 0, size
    length = size - item.start if item.length == -1 else item.length
    if item.start >= size or length <= 0 or item.start + length > size:
        raise RangeNotSatisfiable(
            f"{what}: range (start={item.start}, length={item.length}) is not satisfiable (size {size})", size
        )
    return item.start, length


def open_item(ctx: NodeContext, item: PartItem) -> OpenedItem:
    """Blocking: open an entry held here; storage and range errors propagate."""
    ctx.bucket_props(item.bucket)
    file = ctx.object_store.open(item.bucket, item.objname)
    try:
        mtime = file.meta.atime_ns
        cname = item.bucket.object_cname(item.objname)
        if not item.archpath:
            start, length = resolve_range(item, file.size, cname)
            return OpenedItem(length, mtime, file.read_range(start, length), file.close)
        fmt = archive_formats.resolve(item.objname, "", file)
        shard = archive.ShardRef(item.bucket, item.objname, file, fmt)
        member = archive.open_member(ctx.archive_index, shard, strip_object_name(item.archpath, item.objname))
        start, length = resolve_range(item, member.size, f"{cname}/{item.archpath}")
        if member.chunks is None:
            return OpenedItem(
                length, mtime, file.read_range(member.section_start + start, length), file.close
            )

        def close_both() -> None:
            try:
                member.close()
            finally:
                file.close()

        return OpenedItem(length, mtime, _window(member.chunks, start, length), close_both)
    except BaseException:
        file.close()
        raise


def _window(chunks: Iterator[bytes], start: int, length: int) -> Iterator[bytes]:
    """The bytes [start, start+length) of a chunk stream."""
    position = 0
    end = start + length
    for chunk in chunks:
        low, high = max(start - position, 0), min(end - position, len(chunk))
        position += len(chunk)
        if high > low:
            yield chunk[low:high]
        if position >= end:
            return


class PartReader:
    """Blocking producer of a peer's frames: `read_block()` until it returns b""."""

    def __init__(self, ctx: NodeContext, items: list[PartItem]) -> None:
        self._ctx = ctx
        self._items = iter(items)
        self._current: OpenedItem | None = None
        self._remaining = 0

    def read_block(self, limit: int = BLOCK) -> bytes:
        """About `limit` bytes of frames (whole headers, data possibly split); b"" at the end."""
        out = bytearray()
        while len(out) < limit:
            if self._current is None:
                item = next(self._items, None)
                if item is None:
                    break
                self._start(item, out)
                continue
            chunk = next(self._current.chunks, b"")
            if not chunk:
                # The file is shorter than it was when opened: the frame cannot be completed.
                self.close()
                raise ArchiveError("an entry changed size while being read")
            chunk = chunk[: self._remaining]
            out += chunk
            self._remaining -= len(chunk)
            if self._remaining == 0:
                self.close()
        return bytes(out)

    def _start(self, item: PartItem, out: bytearray) -> None:
        """Open an entry and write its frame header (a failed entry's frame is only its header)."""
        try:
            opened = open_item(self._ctx, item)
        except Exception as exc:
            message = getattr(exc, "message", None) or str(exc)
            out += pack_head(FrameHead(item.index, failure_status(exc), 0, 0, message))
            return
        out += pack_head(FrameHead(item.index, OK, opened.size, opened.mtime_ns or time.time_ns()))
        if opened.size == 0:
            opened.close()
            return
        self._current, self._remaining = opened, opened.size

    def close(self) -> None:
        """Release the entry being read."""
        if self._current is not None:
            self._current.close()
            self._current = None
