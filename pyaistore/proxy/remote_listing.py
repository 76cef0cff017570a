"""List a remote bucket: the backend's page merged with what the cluster stores (reference §1.4).

1. `cached` (and `arch-dir`): only what the cluster stores, listed as an ais bucket is.
2. Otherwise one target lists one page at the backend, after the backend's own continuation
   token (the token the client gets back is the backend's, so paging follows the backend);
3. the page's names are split by HRW owner and each owner says which it stores, with their local
   properties; those entries get the cached flag (64) and the local properties, the rest keep
   the backend's (status 0, not cached);
4. `not-cached` drops the cached entries, `no-dirs` the virtual directories.

`start_after` is refused (400) as AIS refuses it; an `ht://` origin cannot be listed, so its
listing is what the cluster stores (`not-cached` is 501).
"""

import asyncio
import random
import secrets
from collections import defaultdict
from typing import Final

from pyaistore.cluster import cluster_map, placement
from pyaistore.cluster.errors import BadRequest, NoTargets, NotSupported
from pyaistore.node_context import NodeContext
from pyaistore.proxy import fanout
from pyaistore.wire import messages as msgs
from pyaistore.wire.bucket_id import HT, BucketId
from pyaistore.wire.messages import ListEntry, LsoMsg, LsoPage, Snode

__all__ = ["list_objects"]

# Flags that list only what the cluster stores.
_LOCAL_ONLY: Final = msgs.LSO_CACHED | msgs.LSO_ARCH_DIR


async def list_objects(ctx: NodeContext, bucket: BucketId, remote: BucketId, msg: LsoMsg) -> LsoPage:
    """One page of `bucket`'s listing, whose objects live in `remote` (itself, or its backend_bck)."""
    if msg.start_after:
        raise BadRequest(f"list {bucket.cname}: start_after is supported for ais buckets only")
    if remote.provider == HT:
        if msg.flags & msgs.LSO_NOT_CACHED:
            raise NotSupported(f"list {bucket.cname}: an HTTP origin cannot be listed (only cached objects)")
        return await fanout.list_objects(ctx, bucket, msg)
    if msg.flags & _LOCAL_ONLY:
        return await fanout.list_objects(ctx, bucket, msg)
    targets = cluster_map.working_targets(ctx.smap)
    if not targets:
        raise NoTargets()
    body = msg.to_json()
    page = await ctx.peer_api.list_remote_page(random.choice(targets), bucket, body)
    cached = await _cached(ctx, bucket, page.entries, body)
    entries = [_merged(entry, cached.get(entry.name)) for entry in page.entries]
    if msg.flags & msgs.LSO_NOT_CACHED:
        entries = [e for e in entries if not e.flags & msgs.ENTRY_PRESENT and not e.flags & msgs.ENTRY_IS_DIR]
    if msg.flags & msgs.LSO_NO_DIRS:
        entries = [e for e in entries if not e.flags & msgs.ENTRY_IS_DIR]
    return LsoPage(msg.uuid or secrets.token_urlsafe(9), page.token, entries)


async def _cached(
    ctx: NodeContext, bucket: BucketId, entries: list[ListEntry], body: dict[str, object]
) -> dict[str, ListEntry]:
    """Name -> local entry of the page's objects the cluster stores (each owner asked once)."""
    by_owner: dict[str, list[str]] = defaultdict(list)
    nodes: dict[str, Snode] = {}
    for entry in entries:
        if entry.flags & msgs.ENTRY_IS_DIR:
            continue
        owner = placement.owner(ctx.smap, bucket, entry.name)
        by_owner[owner.daemon_id].append(entry.name)
        nodes[owner.daemon_id] = owner
    replies = await asyncio.gather(
        *(
            ctx.peer_api.cached_entries(nodes[node_id], bucket, names, body)
            for node_id, names in by_owner.items()
        )
    )
    return {entry.name: entry for reply in replies for entry in reply}


def _merged(remote: ListEntry, local: ListEntry | None) -> ListEntry:
    """The backend's entry, or the stored object's (cached flag, local properties) when present;
    a property only the backend knows (e.g. its version) is kept."""
    if local is None:
        return remote
    local.flags |= msgs.ENTRY_PRESENT
    local.version = local.version or remote.version
    local.checksum = local.checksum or remote.checksum
    return local
