"""One target's share of a listing: its names after the token, with the requested properties."""

import time
from typing import Final

from pyaistore.cluster.errors import BadRequest
from pyaistore.node_context import NodeContext
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire import messages as msgs
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import ListEntry, LsoMsg

# Go's RFC822 layout ("02 Jan 06 15:04 MST"), which AIS uses for atime by default.
RFC822: Final = "%d %b %y %H:%M UTC"
_DEFAULT_PROPS: Final = frozenset({"name", "size"})


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


def to_entry(ctx: NodeContext, meta: ObjectMeta, props: frozenset[str]) -> ListEntry:
    """Build a listing entry holding only the requested properties."""
    entry = ListEntry(meta.name, flags=msgs.ENTRY_PRESENT)
    if "size" in props:
        entry.size = meta.size
    if "checksum" in props and meta.checksum_type != "none":
        entry.checksum = meta.checksum_value
    if "atime" in props:
        entry.atime = format_atime(meta.atime_ns)
    if "version" in props:
        entry.version = meta.version
    if "location" in props:
        entry.location = f"t[{ctx.node.daemon_id}]:{meta.mountpath}"
    if "custom" in props and meta.custom:
        entry.custom = "[" + " ".join(f"{k}:{v}" for k, v in sorted(meta.custom.items())) + "]"
    if "copies" in props:
        entry.copies = 1
    return entry


def list_page(ctx: NodeContext, bucket: BucketId, msg: LsoMsg, page_size: int) -> list[ListEntry]:
    """Blocking: up to `page_size` local entries after the token, in name order."""
    ctx.bucket_props(bucket)
    if msg.flags & msgs.LSO_NOT_CACHED:
        raise BadRequest(f"{bucket.cname}: listing not-cached objects is for remote buckets only")
    props = wanted_props(msg)
    after = max(msg.continuation_token, msg.start_after)
    recursive = not msg.flags & msgs.LSO_NO_RECURSION
    with_meta = props != {"name"}
    rows = ctx.object_store.list_entries(bucket, msg.prefix, after, page_size, recursive, with_meta)
    entries = []
    for name, is_dir, meta in rows:
        if is_dir:
            entries.append(ListEntry(name, flags=msgs.ENTRY_IS_DIR))
        elif meta is None:
            entries.append(ListEntry(name, flags=msgs.ENTRY_PRESENT))
        else:
            entries.append(to_entry(ctx, meta, props))
    return entries
