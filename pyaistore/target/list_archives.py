"""Listing with the arch-dir flag: every shard is followed by its files, named `<shard>/<path>`.

AIS lists a shard's files (regular files only, sorted) right after the shard, which gets the
is-archive flag; each file entry gets the in-archive flag plus the shard's other flags
(xact/xs/lso.go). Here the entries are merged by name rather than merely inserted, so the page
stays in strict name order even when an object such as "a.tar.bak" sorts between "a.tar" and
"a.tar/x"; paging by last name then works unchanged. A page may end inside a shard: the next
page's token ("a.tar/x") names no object, so the shards it lies in are found from its path and
their remaining files listed first. Shards are recognised by extension only, as AIS does when
listing, and a shard that cannot be read is listed as a plain object.
"""

import heapq
import logging
import posixpath
from collections.abc import Iterable, Iterator

from pyaistore.node_context import NodeContext
from pyaistore.storage import archive, archive_formats
from pyaistore.storage.errors import ArchiveError, ObjectNotFound, StorageError
from pyaistore.wire import messages as msgs
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import ListEntry

__all__ = ["shard_files", "with_members"]

log = logging.getLogger(__name__)


def shard_files(ctx: NodeContext, bucket: BucketId, shard: str) -> list[tuple[str, int]]:
    """Blocking: (`<shard>/<path>`, size) of each file in the shard, sorted; [] if unreadable."""
    fmt = archive_formats.by_name(shard)
    if fmt is None:
        return []
    try:
        with ctx.object_store.open(bucket, shard) as file:
            members = archive.list_members(ctx.archive_index, archive.ShardRef(bucket, shard, file, fmt))
    except (ArchiveError, ObjectNotFound) as exc:
        log.info("listing %s without its files: %s", bucket.object_cname(shard), exc)
        return []
    files = []
    for member in members:
        # Go's path.Join: "./x", "//x" and "/x" all become "<shard>/x"; nothing may climb out.
        full = posixpath.normpath(f"{shard}/{member.name.lstrip('/')}")
        if full.startswith(shard + "/"):
            files.append((full, member.size))
    files.sort()
    return files


def with_members(
    ctx: NodeContext,
    bucket: BucketId,
    objects: Iterable[ListEntry],
    prefix: str,
    after: str,
    page_size: int,
) -> list[ListEntry]:
    """Up to `page_size` entries: `objects` (ascending) merged with the files of every shard among them."""
    pending: list[tuple[str, int, int, Iterator[tuple[str, int]]]] = []  # (name, size, seq, rest)
    sequence = 0

    def expand(shard: str) -> bool:
        nonlocal sequence
        files = shard_files(ctx, bucket, shard)
        wanted = iter([(n, s) for n, s in files if n > after and n.startswith(prefix)])
        first = next(wanted, None)
        if first is not None:
            sequence += 1
            heapq.heappush(pending, (first[0], first[1], sequence, wanted))
        return bool(files)

    for shard in _shards_holding(ctx, bucket, after, prefix):
        expand(shard)
    page: list[ListEntry] = []
    for entry in objects:
        _take_files_before(pending, entry.name, page, page_size)
        if len(page) >= page_size:
            return page
        if archive_formats.by_name(entry.name) and expand(entry.name):
            entry.flags |= msgs.ENTRY_IS_ARCHIVE
        page.append(entry)
        if len(page) >= page_size:
            return page
    _take_files_before(pending, None, page, page_size)
    return page


def _take_files_before(
    pending: list[tuple[str, int, int, Iterator[tuple[str, int]]]],
    limit: str | None,
    page: list[ListEntry],
    page_size: int,
) -> None:
    """Move pending shard files named below `limit` (None: all) onto the page, in name order.

    A file gets the in-archive flag plus its shard's other flags: present, for a local shard.
    """
    while pending and len(page) < page_size and (limit is None or pending[0][0] < limit):
        name, size, sequence, rest = heapq.heappop(pending)
        if not page or page[-1].name != name:
            page.append(ListEntry(name, size=size, flags=msgs.ENTRY_PRESENT | msgs.ENTRY_IN_ARCHIVE))
        following = next(rest, None)
        if following is not None:
            heapq.heappush(pending, (following[0], following[1], sequence, rest))


def _shards_holding(ctx: NodeContext, bucket: BucketId, after: str, prefix: str) -> list[str]:
    """Shards on this target that the walk of objects skips but whose files may still be listed.

    A shard S sorts at or before the token while its files "S/..." may sort after it: the token
    is S itself, lies inside S ("S/x"), or falls between S and "S/" ("a.tar.bak" for "a.tar",
    as "." < "/"). Likewise a prefix inside a shard ("S/x") matches none of the objects but some
    of the shard's files. Every such S is a prefix of the token (or of the listing prefix)
    followed by nothing or by a character up to "/".
    """
    candidates = {after[:i] for i in range(1, len(after) + 1) if i == len(after) or after[i] <= "/"}
    candidates.update(prefix[:i] for i, char in enumerate(prefix) if char == "/")
    shards = []
    for name in sorted(candidates):
        if archive_formats.by_name(name) is None:
            continue
        try:
            ctx.object_store.head(bucket, name)
        except StorageError:  # missing, or not even a valid object name
            continue
        shards.append(name)
    return shards
