"""The target's fast GET: an object it holds, answered from the request head (and, through
web/fast_head.py, its fast HEAD).

Only a plain request (web/plain_request.py) for an object that `plain_get.open_plain` opens is
answered here: up to SMALL_OBJECT bytes in one write, a larger range as a FileReply the front
sends with sendfile. Everything else returns None, and the request goes through aiohttp's full
handler, unchanged. The reply carries the same headers as the full handler's (built by
object_headers) and is counted the same way.

Hot objects. What a GET decides before reading (the name's validation, the owner, the mountpath,
the decoded metadata and the headers it renders) is kept per request path, bounded, while the
cluster map, the bucket table and the mountpaths are those it was decided under and the file is
the very one it was decided on: same device, inode and size (a write renames a new inode over
the name) and the same encoded metadata in its xattr (a change of metadata rewrites it in place).
A hit costs an open, an fstat, a getxattr, a pread and a close; anything else decides afresh.
"""

import os
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

from pyaistore.monitoring import request_counters as ops
from pyaistore.node_context import NodeContext
from pyaistore.target import byte_range, plain_get
from pyaistore.web import fast_head, kept_files, object_headers, plain_request
from pyaistore.web.fast_http import FileReply, RequestHead, http_date
from pyaistore.web.streaming import SMALL_OBJECT
from pyaistore.wire import query

__all__ = ["HOT_OBJECTS", "FastGet"]

# How many objects' decisions a process keeps (a few hundred bytes each).
HOT_OBJECTS: Final = 16384
_OK: Final = b"HTTP/1.1 200 OK\r\n"
_PARTIAL: Final = b"HTTP/1.1 206 Partial Content\r\n"

HotKey = plain_request.HotKey
# What a reply is made of: header lines, the body (bytes, or an open descriptor the reply's
# `length` bytes are sent from), the range's start, its length, the object's size for a range
# (-1 for a whole object).
Reply = tuple[bytes, bytes | int, int, int, int]


@dataclass(slots=True, frozen=True)
class _Hot:
    """One object's GET, decided: where its file is, which file it was, the headers it gets."""

    path: str
    identity: kept_files.Identity
    meta_token: bytes
    headers: bytes
    tables: tuple[int, int, int]
    owned: bool


class FastGet:
    """The fast handler of a target's front (web/fast_http.py)."""

    def __init__(self, ctx: NodeContext) -> None:
        self._ctx = ctx
        self._counters = ctx.monitor.counters
        self._hot: OrderedDict[HotKey, _Hot] = OrderedDict()
        self._head = fast_head.FastHead(ctx, self._tables)

    def __call__(self, head: RequestHead) -> bytes | FileReply | None:
        """The reply to a plain GET of an object held here or a plain HEAD; None for anything else."""
        if head.method != b"GET":
            return self._head(head) if head.method == b"HEAD" else None
        started = time.perf_counter_ns()
        keyed = plain_request.split_keyed(head)
        if keyed is None:
            return None
        path, params, key = keyed
        redirected = query.PROXY_ID in params
        raw_range = head.headers.get(b"range")
        range_header = raw_range.decode("latin-1") if raw_range is not None else None
        tables = self._tables()
        hot = self._hot.get(key)
        reply: Reply | None = None
        if hot is not None and hot.tables == tables and (redirected or hot.owned):
            reply = self._read_hot(hot, range_header)
            if reply is None:
                del self._hot[key]
        if reply is None:
            reply = self._read_cold(key, path, params, redirected, range_header, tables)
            if reply is None:
                return None
        return self._render(head, reply, started)

    def _tables(self) -> tuple[int, int, int]:
        meta = self._ctx.meta
        smap = meta.smap
        return (
            -1 if smap is None else smap.version,
            meta.buckets.version,
            self._ctx.object_store.mountpaths.version,
        )

    def _read_hot(self, hot: _Hot, range_header: str | None) -> Reply | None:
        """The reply from a kept decision, or None when the file changed."""
        fd = kept_files.open_unchanged(self._ctx.object_store, hot.path, hot.identity, hot.meta_token)
        if fd is None:
            return None  # changed or gone: the full path decides
        size = hot.identity[2]
        total = size if range_header is not None else -1
        try:
            start, length = 0, size
            if range_header is not None:
                try:
                    start, length = byte_range.resolve(byte_range.parse(range_header), size)
                except Exception:
                    return None  # the full path answers 416 or 400
            if length > SMALL_OBJECT:
                kept, fd = fd, -1  # the reply owns it now
                return hot.headers, kept, start, length, total
            body = os.pread(fd, length, start)
        except OSError:
            return None
        finally:
            if fd >= 0:
                os.close(fd)
        if len(body) != length:
            return None
        return hot.headers, body, start, length, total

    def _read_cold(
        self,
        key: HotKey,
        path: bytes,
        params: dict[str, str],
        redirected: bool,
        range_header: str | None,
        tables: tuple[int, int, int],
    ) -> Reply | None:
        """Decide the GET afresh (and keep the decision); None to leave it to the full path."""
        resolved = plain_request.resolve(path, params)
        if resolved is None:
            return None
        bucket, name = resolved
        ctx = self._ctx
        stream = plain_get.open_plain(ctx, bucket, name, redirected, range_header)
        if stream is None:
            return None
        try:
            handle = stream.file
            large = stream.length > SMALL_OBJECT  # sent from the file once the headers are rendered
            body: bytes | int = b""
            if not large:
                body = os.pread(handle.fileno(), stream.length, stream.start)
                if len(body) != stream.length:
                    return None  # changed under us: the full path reads it afresh
            try:
                lines = b"".join(
                    f"{k}: {v}\r\n".encode()
                    for k, v in object_headers.for_get(stream.meta, ctx.node.daemon_id).items()
                )
            except UnicodeEncodeError:
                return None
            if handle.meta_in_inode:
                owned = not redirected or plain_get.owns(ctx, bucket, name)
                fd = handle.fileno()
                identity, token = kept_files.identity(os.fstat(fd)), ctx.object_store.meta_token(fd)
                self._remember(key, _Hot(handle.path_str, identity, token, lines, tables, owned))
            if large:
                body = os.dup(handle.fileno())
        finally:
            stream.close()
        return lines, body, stream.start, stream.length, stream.meta.size if stream.partial else -1

    def _remember(self, key: HotKey, hot: _Hot) -> None:
        self._hot[key] = hot
        if len(self._hot) > HOT_OBJECTS:
            self._hot.popitem(last=False)

    def _render(self, head: RequestHead, reply: Reply, started: int) -> bytes | FileReply:
        lines, body, start, length, total = reply
        if total >= 0:
            out = [_PARTIAL, lines, b"Content-Range: bytes %d-%d/%d\r\n" % (start, start + length - 1, total)]
        else:
            out = [_OK, lines]
        out.append(b"Content-Length: %d\r\nDate: %s\r\n" % (length, http_date()))
        if not head.keep_alive:
            out.append(b"Connection: close\r\n")
        out.append(b"\r\n")
        self._counters.succeeded(ops.GET, length, time.perf_counter_ns() - started)
        if isinstance(body, int):
            return FileReply(b"".join(out), body, start, length)
        out.append(body)
        return b"".join(out)
