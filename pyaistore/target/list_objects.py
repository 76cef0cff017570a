"""One target's share of a listing: its names after the token, with the requested properties."""

import time
from collections.abc import Iterator
from typing import Any, Final

from pyaistore.cluster.errors import BadRequest
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import CorruptMeta, MountpathUnavailable, ObjectNotFound
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import list_archives, rename_reads
from pyaistore.wire import messages as msgs
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import ListEntry, LsoMsg

# Go's RFC822 layout ("02 Jan 06 15:04 MST"), which AIS uses for atime by default.
RFC822: Final = "%d %b %y %H:%M UTC"
# The strftime form of LsoMsg.time_format RFC3339, for UTC times.
RFC3339: Final = "%Y-%m-%dT%H:%M:%SZ"
_DEFAULT_PROPS: Final = frozenset({"name", "size"})
# Properties a listing answers from the directory walk alone: the name, the data file's size
# (storage: every file under an objects directory is a published object of exactly that size),
# and the presence flags every local entry carries; "ec" is not reported per entry.
_FROM_WALK: Final = frozenset({"name", "size", "cached", "status", "ec"})


def wanted_props(msg: LsoMsg) -> frozenset[str]:
    """The property names asked for; AIS matches them as substrings and ignores unknown ones."""
    if msg.flags & msgs.LSO_NAME_ONLY or msg.props.strip() == "name":
        return frozenset({"name"})
    if not msg.props.strip():
        return _DEFAULT_PROPS
    return frozenset(p for p in msgs.LIST_PROPS if p in msg.props)


def format_atime(atime_ns: int, layout: str = RFC822) -> str:
    """Access time in the listing's time format."""
    return time.strftime(layout, time.gmtime(atime_ns / 1e9)) if atime_ns else ""


def to_entry(
    ctx: NodeContext, bucket: BucketId, meta: ObjectMeta, props: frozenset[str], time_layout: str = RFC822
) -> ListEntry:
    """Build a listing entry holding only the requested properties (blocking: copies are counted on disk)."""
    entry = ListEntry(meta.name, flags=msgs.ENTRY_PRESENT)
    if "size" in props:
        entry.size = meta.size
    if "checksum" in props and meta.checksum_type != "none":
        entry.checksum = meta.checksum_value
    if "atime" in props:
        entry.atime = format_atime(meta.atime_ns, time_layout)
    if "version" in props:
        entry.version = meta.version
    if "location" in props:
        entry.location = f"t[{ctx.node.daemon_id}]:{meta.mountpath}"
    if "custom" in props and meta.custom:
        entry.custom = "[" + " ".join(f"{k}:{v}" for k, v in sorted(meta.custom.items())) + "]"
    if "copies" in props:
        entry.copies = count_copies(ctx, bucket, meta)
    return entry


def count_copies(ctx: NodeContext, bucket: BucketId, meta: ObjectMeta) -> int:
    """Blocking: how many mountpaths hold a copy identical to `meta` (1 when it cannot be told)."""
    store = ctx.object_store
    if len(store.mountpaths.available) == 1:
        return 1
    try:
        return len(store.copy_roots(bucket, meta.name))
    except (ObjectNotFound, CorruptMeta, MountpathUnavailable):
        return 1


def wire_page(ctx: NodeContext, bucket: BucketId, msg: LsoMsg, page_size: int) -> list[dict[str, Any]]:
    """Blocking: list_page's entries in their msgpack form (`ListEntry.to_msgpack`).

    A listing of names (and sizes) is built straight from the walk, one small dict per entry and
    no metadata read: the common listing costs a stat per object instead of a getxattr, a JSON
    decoding and two conversions.
    """
    props = _checked_props(ctx, bucket, msg)
    after = max(msg.continuation_token, msg.start_after)
    recursive = not msg.flags & msgs.LSO_NO_RECURSION
    is_dir, present = msgs.ENTRY_IS_DIR, msgs.ENTRY_PRESENT
    if props == {"name"} and not msg.flags & msgs.LSO_ARCH_DIR:
        names = rename_reads.list_entries(ctx, bucket, msg.prefix, after, page_size, recursive, False)
        return [{"n": name, "f": is_dir if folder else present} for name, folder, _ in names]
    if not _from_walk(msg, props):
        return [entry.to_msgpack() for entry in _entries(ctx, bucket, msg, props, page_size)]
    rows = rename_reads.list_sizes(ctx, bucket, msg.prefix, after, page_size, recursive)
    # The same maps as ListEntry.to_msgpack: a zero size is left out.
    return [
        {"n": name, "f": is_dir}
        if folder
        else {"n": name, "s": size, "f": present}
        if size
        else {"n": name, "f": present}
        for name, folder, size in rows
    ]


def list_page(ctx: NodeContext, bucket: BucketId, msg: LsoMsg, page_size: int) -> list[ListEntry]:
    """Blocking: up to `page_size` local entries after the token, in name order."""
    return _entries(ctx, bucket, msg, _checked_props(ctx, bucket, msg), page_size)


def _entries(
    ctx: NodeContext, bucket: BucketId, msg: LsoMsg, props: frozenset[str], page_size: int
) -> list[ListEntry]:
    after = max(msg.continuation_token, msg.start_after)
    recursive = not msg.flags & msgs.LSO_NO_RECURSION
    if _from_walk(msg, props):
        sized = rename_reads.list_sizes(ctx, bucket, msg.prefix, after, page_size, recursive)
        return [
            ListEntry(name, flags=msgs.ENTRY_IS_DIR)
            if is_dir
            else ListEntry(name, size, flags=msgs.ENTRY_PRESENT)
            for name, is_dir, size in sized
        ]
    with_meta = props != {"name"}
    if msg.flags & msgs.LSO_ARCH_DIR:
        objects = _lazy_entries(ctx, bucket, msg.prefix, after, recursive, props)
        return list_archives.with_members(ctx, bucket, objects, msg.prefix, after, page_size)
    rows = rename_reads.list_entries(ctx, bucket, msg.prefix, after, page_size, recursive, with_meta)
    entries = []
    for name, is_dir, meta in rows:
        if is_dir:
            entries.append(ListEntry(name, flags=msgs.ENTRY_IS_DIR))
        elif meta is None:
            entries.append(ListEntry(name, flags=msgs.ENTRY_PRESENT))
        else:
            entries.append(
                to_entry(
                    ctx,
                    bucket,
                    meta,
                    props,
                    RFC3339 if msg.time_format == msgs.TIME_FORMAT_RFC3339 else RFC822,
                )
            )
    return entries


def _checked_props(ctx: NodeContext, bucket: BucketId, msg: LsoMsg) -> frozenset[str]:
    """The wanted properties, once the bucket is known to exist and the flags are valid here."""
    ctx.bucket_props(bucket)
    if msg.flags & msgs.LSO_NOT_CACHED:
        raise BadRequest(f"{bucket.cname}: listing not-cached objects is for remote buckets only")
    return wanted_props(msg)


def _from_walk(msg: LsoMsg, props: frozenset[str]) -> bool:
    """Whether the walk alone answers: sizes asked, nothing that needs the metadata, no archives."""
    return "size" in props and props <= _FROM_WALK and not msg.flags & msgs.LSO_ARCH_DIR


def _lazy_entries(
    ctx: NodeContext, bucket: BucketId, prefix: str, after: str, recursive: bool, props: frozenset[str]
) -> Iterator[ListEntry]:
    """Entries one by one, for callers that cannot know in advance how many names fill a page."""
    store = ctx.object_store
    for name, is_dir in store.list_names(bucket, prefix, after, recursive):
        if is_dir:
            yield ListEntry(name, flags=msgs.ENTRY_IS_DIR)
        elif props == {"name"}:
            yield ListEntry(name, flags=msgs.ENTRY_PRESENT)
        else:
            try:
                meta = store.head(bucket, name)
            except (ObjectNotFound, CorruptMeta):
                continue  # removed (or damaged) since the walk saw it, as list_entries skips it
            yield to_entry(ctx, bucket, meta, props)
