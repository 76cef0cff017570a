"""Attached AIS clusters (`ais://@alias/bucket`): attach, detach, describe (reference "Remote AIS
clusters").

An attachment is an alias, a URL and the cluster's UUID, learned when it is attached. They travel
with the bucket table (every target needs them to reach those buckets), so attaching and
detaching are bucket-table changes made by the primary; buckets of a detached cluster stay in the
table but cannot be reached until it is attached again.
"""

import asyncio
from urllib.parse import urlparse

from pyaistore.backends import remote_ais
from pyaistore.cluster.errors import BadRequest, NodeNotFound, NotSupported
from pyaistore.node_context import NodeContext
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.wire.remote import RemoteCluster, RemoteClusterList

__all__ = ["attach", "describe", "detach"]


async def attach(ctx: NodeContext, alias: str, url: str) -> None:
    """Attach the cluster at `url` as `alias` (its UUID asked from it); re-attaching refreshes it."""
    if ctx.owner is None:
        raise NotSupported("remote clusters are attached through the primary proxy")
    if not alias or not url:
        raise BadRequest("attach remote cluster: both the alias and the URL are required")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise BadRequest(
            f'attach remote cluster "{alias}": invalid URL "{url}" (expecting http(s)://host:port)'
        )
    url = url.rstrip("/")
    uuid = await asyncio.to_thread(remote_ais.cluster_uuid, url)

    def change(table: BucketTable) -> BucketTable:
        clusters = dict(table.remote_clusters)
        for other, item in clusters.items():
            if other == alias and item.get("url") != url:
                raise BadRequest(f'remote cluster alias "{alias}" is attached to {item.get("url")} already')
            if item.get("uuid") == alias:
                raise BadRequest(f'alias "{alias}" is the UUID of an attached cluster')
        if clusters.get(alias) == {"url": url, "uuid": uuid}:
            return table
        clusters[alias] = {"url": url, "uuid": uuid}
        return table.with_remote_clusters(clusters)

    await ctx.owner.update_buckets(change)


async def detach(ctx: NodeContext, alias: str) -> None:
    """Detach the cluster attached as `alias` (404 if none is)."""
    if ctx.owner is None:
        raise NotSupported("remote clusters are detached through the primary proxy")
    if not alias:
        raise BadRequest("detach remote cluster: missing alias")

    def change(table: BucketTable) -> BucketTable:
        if alias not in table.remote_clusters:
            raise NodeNotFound(f'remote cluster "{alias}" is not attached')
        clusters = {key: item for key, item in table.remote_clusters.items() if key != alias}
        return table.with_remote_clusters(clusters)

    await ctx.owner.update_buckets(change)


async def describe(ctx: NodeContext) -> RemoteClusterList:
    """The attached clusters with their maps (null for a cluster that does not answer now)."""
    table = ctx.meta.buckets
    items = sorted(table.remote_clusters.items())
    maps = await asyncio.gather(
        *(asyncio.to_thread(remote_ais.cluster_smap, item["url"]) for _, item in items)
    )
    clusters = tuple(
        RemoteCluster(alias, item.get("url", ""), item.get("uuid", ""), smap)
        for (alias, item), smap in zip(items, maps, strict=True)
    )
    return RemoteClusterList(clusters, table.version)
