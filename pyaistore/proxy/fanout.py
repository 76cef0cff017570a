"""Cluster-wide requests: ask every target, then merge (list objects) or collect."""

import asyncio
import heapq
import secrets
from collections.abc import Iterator
from itertools import islice
from typing import Any
from urllib.parse import quote

import msgpack

from pyaistore.cluster.errors import PeerFailed, PeerRejected
from pyaistore.cluster.peer_client import PeerUnreachable
from pyaistore.node_context import NodeContext
from pyaistore.wire import headers, paths, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.error_body import ErrorBody
from pyaistore.wire.messages import DEFAULT_PAGE_SIZE, ListEntry, LsoMsg, LsoPage, Snode


def bucket_query(bucket: BucketId) -> str:
    """provider (and namespace) as a query string."""
    text = f"{query.PROVIDER}={bucket.provider}"
    if not bucket.namespace.is_global:
        text += f"&{query.NAMESPACE}={quote(bucket.namespace.uname)}"
    return text


async def _target_page(
    ctx: NodeContext, node: Snode, bucket: BucketId, body: dict[str, Any]
) -> list[ListEntry]:
    url = (
        node.control_url
        + paths.url_path(paths.INTERNAL, paths.INTERNAL_LIST, bucket.name)
        + "?"
        + bucket_query(bucket)
    )
    try:
        reply = await ctx.peers.call(
            "GET", url, json_body=body, headers={headers.ACCEPT: headers.MSGPACK_TYPE}
        )
    except PeerUnreachable as exc:
        raise PeerFailed(f"listing {bucket.cname}: {node.display_name} did not answer") from exc
    if 400 <= reply.status < 500:
        # A target refusing the request (e.g. not-cached on an ais bucket) is deterministic: relay it.
        refusal = ErrorBody.parse(reply.body.decode(errors="replace"), reply.status)
        raise PeerRejected(reply.status, refusal.message, refusal.tcode)
    if not reply.ok:
        raise PeerFailed(f"listing {bucket.cname}: {node.display_name} answered {reply.status}")
    return [ListEntry.from_wire(e) for e in msgpack.unpackb(reply.body)]


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
    pages = await asyncio.gather(*(_target_page(ctx, t, bucket, body) for t in ctx.smap.targets.values()))
    merged, token = merge_pages(pages, page_size)
    return LsoPage(msg.uuid or secrets.token_urlsafe(9), token, merged)


def merge_pages(pages: list[list[ListEntry]], page_size: int) -> tuple[list[ListEntry], str]:
    """Merge per-target pages (each sorted) into one page and its continuation token.

    The token is the last name of a full page (AIS's rule), or "" when the page is not full.
    """
    merged = list(islice(_unique(heapq.merge(*pages, key=lambda e: e.name)), page_size))
    return merged, merged[-1].name if len(merged) == page_size else ""
