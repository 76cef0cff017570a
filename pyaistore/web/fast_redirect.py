"""The proxy's fast redirect: a plain object GET or HEAD sent on to its owner from the request head.

The same decision as the full handler (proxy_handlers.object_redirect) for a bucket the cluster
already knows: the owner by HRW, 301 for GET and 307 for HEAD, AIS's redirect marker appended.
A bucket not yet in the table (a remote bucket's first use), any query or header beyond the
plain ones, or any failure returns None, and aiohttp's handler answers.
"""

import time
from typing import Final

from pyaistore.cluster import redirect_url
from pyaistore.monitoring import request_counters as ops
from pyaistore.node_context import NodeContext
from pyaistore.proxy import redirect
from pyaistore.web import plain_request
from pyaistore.web.fast_http import RequestHead, http_date

__all__ = ["FastRedirect"]

# method: (status line, body, the operation counted), as aiohttp's HTTPException replies read.
_REPLIES: Final = {
    b"GET": (b"HTTP/1.1 301 Moved Permanently\r\n", b"301: Moved Permanently", ops.GET),
    b"HEAD": (b"HTTP/1.1 307 Temporary Redirect\r\n", b"307: Temporary Redirect", ops.HEAD),
}


class FastRedirect:
    """The fast handler of a proxy's front (web/fast_http.py)."""

    def __init__(self, ctx: NodeContext) -> None:
        self._ctx = ctx
        self._counters = ctx.monitor.counters

    def __call__(self, head: RequestHead) -> bytes | None:
        """The redirect of a plain object GET or HEAD; None for anything else."""
        reply = _REPLIES.get(head.method)
        if reply is None:
            return None
        started = time.perf_counter_ns()
        plain = plain_request.parse(head)
        if plain is None:
            return None
        bucket, name, _ = plain
        ctx = self._ctx
        if ctx.meta.buckets.view(bucket) is None:
            return None
        try:
            node = redirect.target_for(ctx, bucket, name)
            location = redirect_url.location(node, head.url.decode("ascii"), ctx.node.daemon_id)
        except Exception:  # no map or no target yet, ...: the full handler's to answer
            return None
        status_line, body, op = reply
        lines = [
            status_line,
            b"Content-Type: text/plain; charset=utf-8\r\nLocation: %s\r\n" % location.encode("ascii"),
            b"Content-Length: %d\r\nDate: %s\r\n" % (len(body), http_date()),
            b"" if head.keep_alive else b"Connection: close\r\n",
            b"\r\n",
            body if head.method == b"GET" else b"",
        ]
        self._counters.succeeded(op, 0, time.perf_counter_ns() - started)
        return b"".join(lines)
