"""The target's fast HEAD: a plain HEAD of an object it holds, answered from the request head.

The same plain requests as the fast GET (web/plain_request.py) in an ais bucket: the full HEAD
(no `props`), its headers built by object_headers exactly as the full handler builds them.
Anything else (a remote bucket, a miss to recover, a redirect to send, any error) returns None,
and aiohttp's handler answers it.

Hot objects, as for GET: on a target with one available mountpath (where an object's only copy
is where it lies), the rendered headers are kept per request path while the tables and the file
(device, inode, size and encoded metadata) are those they were rendered from. With more
mountpaths the copies are looked up on every HEAD, since mirroring adds copies without touching
the object's own file.
"""

import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from pyaistore.monitoring import request_counters as ops
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import MountpathUnavailable, ObjectNotFound
from pyaistore.target import plain_get
from pyaistore.web import kept_files, object_headers, plain_request
from pyaistore.web.fast_http import RequestHead, http_date
from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId

__all__ = ["FastHead"]

HOT_HEADS: Final = 16384
_OK: Final = b"HTTP/1.1 200 OK\r\n"

Tables = tuple[int, int, int]


@dataclass(slots=True, frozen=True)
class _Hot:
    """One object's HEAD, rendered: which file it was rendered from, and the header lines."""

    path: str
    identity: kept_files.Identity
    meta_token: bytes
    lines: bytes
    tables: Tables
    owned: bool


class FastHead:
    """Answers plain HEADs for the target's fast handler (web/fast_get.py)."""

    def __init__(self, ctx: NodeContext, tables: Callable[[], Tables]) -> None:
        self._ctx = ctx
        self._tables = tables
        self._counters = ctx.monitor.counters
        self._hot: OrderedDict[plain_request.HotKey, _Hot] = OrderedDict()

    def __call__(self, head: RequestHead) -> bytes | None:
        """The whole reply to a plain HEAD; None for anything else."""
        started = time.perf_counter_ns()
        keyed = plain_request.split_keyed(head)
        if keyed is None:
            return None
        path, params, key = keyed
        redirected = query.PROXY_ID in params
        tables = self._tables()
        hot = self._hot.get(key)
        lines: bytes | None = None
        if hot is not None and hot.tables == tables and (redirected or hot.owned):
            fd = kept_files.open_unchanged(self._ctx.object_store, hot.path, hot.identity, hot.meta_token)
            if fd is not None:
                os.close(fd)
                lines = hot.lines
            if lines is None:
                del self._hot[key]
        if lines is None:
            lines = self._render_cold(key, path, params, redirected, tables)
            if lines is None:
                return None
        out = [_OK, lines, b"Date: %s\r\n" % http_date()]
        if not head.keep_alive:
            out.append(b"Connection: close\r\n")
        out.append(b"\r\n")
        self._counters.succeeded(ops.HEAD, 0, time.perf_counter_ns() - started)
        return b"".join(out)

    def _render_cold(
        self, key: plain_request.HotKey, path: bytes, params: dict[str, str], redirected: bool, tables: Tables
    ) -> bytes | None:
        """The header lines of a HEAD decided afresh (kept when they can be); None for the full path."""
        resolved = plain_request.resolve(path, params)
        if resolved is None:
            return None
        bucket, name = resolved
        if bucket.is_remote:
            return None
        ctx = self._ctx
        stream = plain_get.open_plain(ctx, bucket, name, redirected, None)
        if stream is None:
            return None
        try:
            handle, meta = stream.file, stream.meta
            store = ctx.object_store
            single = len(store.mountpaths.available) == 1
            copies = (meta.mountpath,) if single else self._copies(bucket, name, meta.mountpath)
            reply = object_headers.for_head(meta, bucket, None, ctx.node.daemon_id, copies, True)
            if meta.size:
                reply["Content-Length"] = str(meta.size)
            try:
                lines = b"".join(f"{k}: {v}\r\n".encode() for k, v in reply.items())
            except UnicodeEncodeError:
                return None
            if single and handle.meta_in_inode:
                fd = handle.fileno()
                identity = kept_files.identity(os.fstat(fd))
                owned = not redirected or plain_get.owns(ctx, bucket, name)
                token = store.meta_token(fd)
                self._remember(key, _Hot(handle.path_str, identity, token, lines, tables, owned))
        finally:
            stream.close()
        return lines

    def _copies(self, bucket: BucketId, name: str, mountpath: str) -> tuple[str, ...]:
        """The mountpaths holding a copy (as the full handler reports them)."""
        try:
            return self._ctx.object_store.copy_roots(bucket, name)
        except (ObjectNotFound, MountpathUnavailable):
            return (mountpath,)

    def _remember(self, key: plain_request.HotKey, hot: _Hot) -> None:
        self._hot[key] = hot
        if len(self._hot) > HOT_HEADS:
            self._hot.popitem(last=False)
