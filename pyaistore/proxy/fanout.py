"""Cluster-wide requests: ask every target, then merge (list objects) or collect."""

import asyncio
import dataclasses
import heapq
import operator
import secrets
from collections.abc import Hashable, Iterator
from itertools import islice
from typing import Any, Final

from pyaistore.cluster import cluster_map
from pyaistore.cluster.errors import PeerFailed, PeerRejected
from pyaistore.cluster.listing_buffers import Kept, TargetBuffer
from pyaistore.node_context import NodeContext
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import DEFAULT_PAGE_SIZE, ListEntry, LsoMsg, LsoPage, Snode, page_msgpack

_NAME: Final = operator.itemgetter("n")


async def _target_page(
    ctx: NodeContext, node: Snode, bucket: BucketId, body: dict[str, Any]
) -> list[dict[str, Any]]:
    # A target refusing the request (e.g. not-cached on an ais bucket) is deterministic: relayed.
    try:
        return await ctx.peer_api.list_page_maps(node, bucket, body)
    except PeerFailed:
        if cluster_map.is_leaving(node):
            return []  # in maintenance or leaving, and stopped: what it held has moved (or is moving)
        raise
    except PeerRejected as exc:
        if cluster_map.has_left(node, exc.tcode):
            return []  # decommissioned: it forgot the cluster before the map dropped it
        raise


def _unique(entries: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Drop repeats of one name (directory entries come from several targets)."""
    last = None
    for entry in entries:
        if entry["n"] != last:
            last = entry["n"]
            yield entry


async def list_objects(ctx: NodeContext, bucket: BucketId, msg: LsoMsg) -> LsoPage:
    """One page (see list_objects_msgpack), its entries parsed."""
    uuid, next_token, merged = await _list_page(ctx, bucket, msg)
    return LsoPage(uuid, next_token, [ListEntry.from_wire(entry) for entry in merged])


async def list_objects_msgpack(ctx: NodeContext, bucket: BucketId, msg: LsoMsg) -> dict[str, Any]:
    """One page as the msgpack map the SDK decodes; the targets' entry maps are passed on as they came."""
    return page_msgpack(*await _list_page(ctx, bucket, msg))


async def _list_page(
    ctx: NodeContext, bucket: BucketId, msg: LsoMsg
) -> tuple[str, str, list[dict[str, Any]]]:
    """One page (uuid, continuation token, entries as msgpack maps): each target's first page after
    the token, merged in name order.

    Any name on the merged page is among its own target's first `page_size` names, so the
    merge is exact; the token is the last name returned, so concurrent writes never cause
    repeats or skips of names that existed before the listing started. What a target sent
    beyond the page is kept for the listing's next page (cluster/listing_buffers.py), so each
    target is asked only for what its buffer lacks; for a client paging on (it sent the uuid
    back), the next page's entries are fetched while it reads this one.
    """
    ctx.bucket_props(bucket)
    page_size = msg.page_size if msg.page_size > 0 else DEFAULT_PAGE_SIZE
    token = msg.continuation_token
    kept = await _kept_buffers(ctx, _buffers_key(bucket, msg, msg.uuid, token)) if msg.uuid and token else {}
    targets = cluster_map.working_targets(ctx.smap)
    buffers = {t.daemon_id: kept.get(t.daemon_id) or TargetBuffer(after=token) for t in targets}
    await _fill_all(ctx, targets, bucket, msg, buffers, page_size)
    merged, next_token = merge_pages([buffer.entries for buffer in buffers.values()], page_size)
    uuid = msg.uuid or secrets.token_urlsafe(9)
    if next_token:
        for buffer in buffers.values():
            buffer.drop_through(next_token)
        # Prefetch only for a client that came back with the uuid (it pages on); S3 never does.
        prefetch = _prefetch(ctx, targets, bucket, msg, buffers, page_size) if msg.uuid else None
        ctx.listing_buffers.keep(_buffers_key(bucket, msg, uuid, next_token), Kept(buffers, prefetch))
    return uuid, next_token, merged


def _prefetch(
    ctx: NodeContext,
    targets: list[Snode],
    bucket: BucketId,
    msg: LsoMsg,
    buffers: dict[str, TargetBuffer],
    page_size: int,
) -> "asyncio.Future[None]":
    """Start topping the buffers up for the next page, in the background."""
    prefetch = asyncio.ensure_future(_fill_all(ctx, targets, bucket, msg, buffers, page_size))
    ctx.background.add(prefetch)
    prefetch.add_done_callback(ctx.background.discard)
    prefetch.add_done_callback(_retrieve)  # an abandoned listing's failed prefetch stays quiet
    return prefetch


def _retrieve(prefetch: "asyncio.Future[None]") -> None:
    """Mark the prefetch's exception as seen (the next page asks the targets again anyway)."""
    if not prefetch.cancelled():
        prefetch.exception()


async def _kept_buffers(ctx: NodeContext, key: Hashable) -> dict[str, TargetBuffer]:
    """The buffers kept for this page, once their prefetch is done ({} if none were kept).

    A prefetch that failed leaves each buffer as it was before that target's fill (a buffer
    changes only when a target's reply is in): the missing part is simply asked again.
    """
    kept = ctx.listing_buffers.take(key)
    if kept is None:
        return {}
    if kept.prefetch is not None:
        await asyncio.gather(kept.prefetch, return_exceptions=True)
    return kept.buffers


async def _fill_all(
    ctx: NodeContext,
    targets: list[Snode],
    bucket: BucketId,
    msg: LsoMsg,
    buffers: dict[str, TargetBuffer],
    page_size: int,
) -> None:
    """Top every target's buffer up to `page_size` entries, all targets at once."""
    await asyncio.gather(*(_fill(ctx, t, bucket, msg, buffers[t.daemon_id], page_size) for t in targets))


async def _fill(
    ctx: NodeContext, node: Snode, bucket: BucketId, msg: LsoMsg, buffer: TargetBuffer, page_size: int
) -> None:
    """Top the target's buffer up to `page_size` entries (unless the target has no more)."""
    wanted = page_size - len(buffer.entries)
    if buffer.exhausted or wanted <= 0:
        return
    body = msg.to_json() | {"pagesize": wanted, "continuation_token": buffer.after}
    page = await _target_page(ctx, node, bucket, body)
    buffer.entries.extend(page)
    buffer.exhausted = len(page) < wanted
    if page:
        buffer.after = page[-1]["n"]


def _buffers_key(bucket: BucketId, msg: LsoMsg, uuid: str, token: str) -> Hashable:
    """What identifies a listing's next page: the bucket, the request less its paging, the token."""
    return bucket, dataclasses.replace(msg, uuid=uuid, continuation_token="", page_size=0), token


def merge_pages(pages: list[list[dict[str, Any]]], page_size: int) -> tuple[list[dict[str, Any]], str]:
    """Merge per-target pages (each sorted, entries as msgpack maps) into one page and its token.

    The token is the last name of a full page (AIS's rule), or "" when the page is not full.
    """
    merged = list(islice(_unique(heapq.merge(*pages, key=_NAME)), page_size))
    return merged, merged[-1]["n"] if len(merged) == page_size else ""
