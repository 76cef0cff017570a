"""The target's fast GET: a small object it holds, answered from the request head in one write.

Only a plain request (web/plain_request.py) for an object of at most SMALL_OBJECT bytes that
`plain_get.open_plain` opens is answered here. Everything else returns None, and the request
goes through aiohttp's full handler, unchanged. The reply carries the same headers as the full
handler's (built by object_headers) and is counted the same way.
"""

import os
import time
from typing import Final

from pyaistore.monitoring import request_counters as ops
from pyaistore.node_context import NodeContext
from pyaistore.target import plain_get
from pyaistore.web import object_headers, plain_request
from pyaistore.web.fast_http import RequestHead, http_date
from pyaistore.web.streaming import SMALL_OBJECT
from pyaistore.wire import headers

__all__ = ["FastGet"]

_STATUS: Final = {200: b"HTTP/1.1 200 OK\r\n", 206: b"HTTP/1.1 206 Partial Content\r\n"}


class FastGet:
    """The fast handler of a target's front (web/fast_http.py)."""

    def __init__(self, ctx: NodeContext) -> None:
        self._ctx = ctx
        self._counters = ctx.monitor.counters

    def __call__(self, head: RequestHead) -> bytes | None:
        """The whole reply to a plain small-object GET; None for anything else."""
        if head.method != b"GET":
            return None
        started = time.perf_counter_ns()
        plain = plain_request.parse(head)
        if plain is None:
            return None
        bucket, name, redirected = plain
        raw_range = head.headers.get(b"range")
        range_header = raw_range.decode("latin-1") if raw_range is not None else None
        ctx = self._ctx
        stream = plain_get.open_plain(ctx, bucket, name, redirected, range_header)
        if stream is None:
            return None
        try:
            if stream.length > SMALL_OBJECT:
                return None
            body = os.pread(stream.file.fileno(), stream.length, stream.start)
            if len(body) != stream.length:
                return None  # changed under us: the full path reads it afresh
            reply_headers = object_headers.for_get(stream.meta, ctx.node.daemon_id)
            status = 200
            if stream.partial:
                status = 206
                end = stream.start + stream.length - 1
                reply_headers[headers.CONTENT_RANGE] = f"bytes {stream.start}-{end}/{stream.meta.size}"
        finally:
            stream.close()
        lines = [_STATUS[status]]
        try:
            for key, value in reply_headers.items():
                lines.append(f"{key}: {value}\r\n".encode())
        except UnicodeEncodeError:
            return None
        lines.append(b"Content-Length: %d\r\nDate: %s\r\n" % (len(body), http_date()))
        if not head.keep_alive:
            lines.append(b"Connection: close\r\n")
        lines.append(b"\r\n")
        lines.append(body)
        self._counters.succeeded(ops.GET, len(body), time.perf_counter_ns() - started)
        return b"".join(lines)
