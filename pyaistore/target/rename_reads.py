"""Reads of a bucket while a rename fills it: a miss is served from the bucket being renamed into it.

During move-bck the new bucket exists at once but receives its objects over time, while the old
bucket keeps every object until the rename ends (jobs/rename_bucket.py). So a GET or HEAD of the
new bucket that misses is redirected to the old name's owner, or answered here when this target
owns the old name too; and a listing of the new bucket includes the objects not yet moved.
"""

from typing import Any, TypeVar
from urllib.parse import quote

from pyaistore.cluster import placement
from pyaistore.jobs import rename_bucket
from pyaistore.node_context import NodeContext
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire import paths, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Snode

__all__ = ["fallback", "fallback_path", "list_entries", "list_sizes"]

_REPLACED = frozenset({query.PROVIDER, query.NAMESPACE, query.PROXY_ID, query.UNIX_TIME})


def fallback(ctx: NodeContext, bucket: BucketId, name: str) -> tuple[BucketId, Snode] | None:
    """(old bucket, its owner of `name`) when `bucket` is being filled by a rename; else None."""
    source = rename_bucket.rename_source(ctx.meta.buckets, bucket)
    if source is None:
        return None
    return source, placement.owner(ctx.smap, source, name)


def fallback_path(source: BucketId, name: str, original_query: dict[str, str]) -> str:
    """Path and query of the same request made to the old bucket."""
    params = [(k, v) for k, v in original_query.items() if k not in _REPLACED]
    params.append((query.PROVIDER, source.provider))
    if not source.namespace.is_global:
        params.append((query.NAMESPACE, source.namespace.uname))
    text = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params)
    return paths.url_path(paths.OBJECTS, source.name, quote(name)) + "?" + text


def list_entries(
    ctx: NodeContext, bucket: BucketId, prefix: str, after: str, limit: int, recursive: bool, with_meta: bool
) -> list[tuple[str, bool, ObjectMeta | None]]:
    """Blocking: the store's listing of `bucket`, merged with the old bucket's while a rename fills it."""
    store = ctx.object_store
    rows = store.list_entries(bucket, prefix, after, limit, recursive, with_meta)
    source = rename_bucket.rename_source(ctx.meta.buckets, bucket)
    if source is None:
        return rows
    return _merged(rows, store.list_entries(source, prefix, after, limit, recursive, with_meta), limit)


def list_sizes(
    ctx: NodeContext, bucket: BucketId, prefix: str, after: str, limit: int, recursive: bool
) -> list[tuple[str, bool, int]]:
    """Blocking: the store's (name, is_dir, size) listing, merged with the old bucket's during a rename."""
    store = ctx.object_store
    rows = store.list_sizes(bucket, prefix, after, limit, recursive)
    source = rename_bucket.rename_source(ctx.meta.buckets, bucket)
    if source is None:
        return rows
    return _merged(rows, store.list_sizes(source, prefix, after, limit, recursive), limit)


_Row = TypeVar("_Row", bound=tuple[Any, ...])


def _merged(rows: list[_Row], moving: list[_Row], limit: int) -> list[_Row]:
    """The two listings as one, by name; an object already moved is listed once, as moved."""
    merged: dict[str, _Row] = {row[0]: row for row in moving}
    merged.update((row[0], row) for row in rows)
    return [merged[name] for name in sorted(merged)][:limit]
