"""Cluster-wide requests: ask every target, then merge (list objects) or collect."""

import asyncio
import heapq
import secrets
from collections.abc import Iterator
from itertools import islice
from typing import Any

from pyaistore.cluster import cluster_map
from pyaistore.cluster.errors import PeerFailed
from pyaistore.node_context import NodeContext
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import DEFAULT_PAGE_SIZE, ListEntry, LsoMsg, LsoPage, Snode


async def _target_page(
    ctx: NodeContext, node: Snode, bucket: BucketId, body: dict[str, Any]
) -> list[ListEntry]:
    # A target refusing the request (e.g. not-cached on an ais bucket) is deterministic: relayed.
    try:
        return await ctx.peer_api.list_page(node, bucket, body)
    except PeerFailed:
        if cluster_map.is_leaving(node):
            return []  # in maintenance or leaving, and stopped: what it held has moved (or is moving)
        raise


def _unique(entries: Iterator[ListEntry]) -> Iterator[ListEntry]:
    """Drop repeats of one name (directory entries come from several targets)."""
    last = None
    for entry in entries:
        if entry.name != last:
            last = entry.name
            yield entry


async def list_objects(ctx: NodeContext, bucket: BucketId, msg: LsoMsg) -> LsoPage:
    """One page: each target's first page after the token, merged in name order.

    Any name on the merged page is among its own target's first `page_size` names, so the
    merge is exact; the token is the last name returned, so concurrent writes never cause
    repeats or skips of names that existed before the listing started.
    """
    ctx.bucket_props(bucket)
    page_size = msg.page_size if msg.page_size > 0 else DEFAULT_PAGE_SIZE
    body = msg.to_json() | {"pagesize": page_size}
    targets = cluster_map.working_targets(ctx.smap)
    pages = await asyncio.gather(*(_target_page(ctx, t, bucket, body) for t in targets))
    merged, token = merge_pages(pages, page_size)
    return LsoPage(msg.uuid or secrets.token_urlsafe(9), token, merged)


def merge_pages(pages: list[list[ListEntry]], page_size: int) -> tuple[list[ListEntry], str]:
    """Merge per-target pages (each sorted) into one page and its continuation token.

    The token is the last name of a full page (AIS's rule), or "" when the page is not full.
    """
    merged = list(islice(_unique(heapq.merge(*pages, key=lambda e: e.name)), page_size))
    return merged, merged[-1].name if len(merged) == page_size else ""
