"""The target's fast PUT: a small plain object body, written and answered without the full handler.

The body handler of the lean front (web/fast_http.py). It takes a PUT of a plain request
(web/plain_request.py: no query beyond provider, namespace and the proxy's marks) with a known
length of at most MAX_BODY bytes and no header it does not understand (custom metadata, an
encoding, any other ais-* header but the checksum pair). The collected body then goes to one
task: name checks, the bucket's props (`target/plain_put.CommonPuts`), the atomic write with
checksum and metadata and its group-committed flushes, on the event loop for a small body (no
thread per write), in one executor call for a larger one or one whose object lock is busy; the
reply (the full handler's headers, byte for byte) is written only after it, so nothing is
acknowledged before it is durable.

Whatever that task does not take on (a redirect, a bucket unknown or remote or
erasure-coded, a bad name, any error: nothing was written then) goes to aiohttp's full handler
whole, which answers it exactly as it would have; errors are rendered there, by the one table.
Should the cluster map have moved the object elsewhere while it was being written, it is handed
to its owner (target/misplaced_writes.py) before the reply, as the full path does; if that fails
the connection is closed unanswered (the full path would answer 500): the client retries, and
nothing it was told is untrue.
"""

import asyncio
import functools
import logging
import time
from dataclasses import dataclass
from typing import Final

from pyaistore.monitoring import request_counters as ops
from pyaistore.node_context import NodeContext
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import misplaced_writes, plain_put
from pyaistore.target.put_object import PutArgs
from pyaistore.web import object_headers, plain_request
from pyaistore.web.fast_http import RequestHead, TakeBody, http_date
from pyaistore.wire import headers

__all__ = ["FastPut"]

log = logging.getLogger(__name__)

_CHECKSUM_TYPE: Final = headers.CHECKSUM_TYPE.lower().encode()
_CHECKSUM_VALUE: Final = headers.CHECKSUM_VALUE.lower().encode()
_AIS_PREFIX: Final = _CHECKSUM_TYPE[: _CHECKSUM_TYPE.index(b"-") + 1]
# aiohttp decodes a request body sent with an encoding: the full path's.
_ENCODED: Final = b"content-encoding"
# aiohttp's reply to a PUT: its status line, the handler's headers, then these.
_OK: Final = b"HTTP/1.1 200 OK\r\n"
_EMPTY_BODY: Final = b"Content-Length: 0\r\nDate: "
# object_headers.for_put's headers of an object with checksum, atime, version and no custom metadata.
_PLAIN_HEADERS: Final = (
    f"{headers.CHECKSUM_TYPE}: %s\r\n{headers.CHECKSUM_VALUE}: %s\r\n"  # checksum
    f"{headers.ATIME}: %d\r\n{headers.VERSION}: %s\r\n"  # atime, version
)


@dataclass(frozen=True, slots=True)
class _Put:
    """What a taken PUT's head said, for its body's executor call."""

    path: bytes
    params: dict[str, str]
    checksum_type: str
    checksum_value: str
    keep_alive: bool
    started: int


class FastPut:
    """The body handler of a target's front (web/fast_http.py)."""

    def __init__(self, ctx: NodeContext, server_header: bytes) -> None:
        """`server_header` is aiohttp's Server header line, which its replies carry."""
        self._ctx = ctx
        self._counters = ctx.monitor.counters
        self._server_header = server_header
        self._common = plain_put.CommonPuts(ctx)

    def __call__(self, head: RequestHead) -> TakeBody | None:
        """What takes the body of a plain small PUT; None for anything else."""
        if head.method != b"PUT":
            return None
        request_headers = head.headers
        for name in request_headers:
            if name.startswith(_AIS_PREFIX) and name not in (_CHECKSUM_TYPE, _CHECKSUM_VALUE):
                return None
        if _ENCODED in request_headers:
            return None
        parts = plain_request.split(head)
        if parts is None:
            return None
        try:
            checksum_type = request_headers.get(_CHECKSUM_TYPE, b"").decode("ascii")
            checksum_value = request_headers.get(_CHECKSUM_VALUE, b"").decode("ascii")
        except UnicodeDecodeError:
            return None
        if bool(checksum_type) != bool(checksum_value) and checksum_type != "none":
            return None  # the full path's 400
        path, params = parts
        put = _Put(path, params, checksum_type, checksum_value, head.keep_alive, time.perf_counter_ns())
        return functools.partial(self._take, put)

    def _take(self, put: "_Put", body: bytes) -> "asyncio.Future[bytes | None]":
        """The future of the reply: the write's task."""
        return asyncio.ensure_future(self._put(put, body))

    async def _put(self, put: "_Put", body: bytes) -> bytes | None:
        """Check, write, flush, render; None to leave the request to the full path (nothing written)."""
        ctx = self._ctx
        smap = ctx.meta.smap
        # The store validates the object name (InvalidName before anything is written: the full path's).
        resolved = plain_request.resolve(put.path, put.params, check_name=False)
        if smap is None or resolved is None:
            return None
        bucket, name = resolved
        args = PutArgs(
            bucket=bucket,
            name=name,
            size=len(body),
            checksum_type="" if put.checksum_type == "none" else put.checksum_type,
            checksum_value=put.checksum_value,
        )
        try:
            props = self._common.props(args)
            if props is None:
                return None
            meta = await plain_put.write_on_loop(ctx, args, props, body)
            if meta is None:
                loop = asyncio.get_running_loop()
                meta = await loop.run_in_executor(None, plain_put.write_blocking, ctx, args, props, body)
        except Exception as exc:  # nothing was written: the full path does it again and reports it
            log.debug("fast PUT of %s left to the full path: %r", bucket.object_cname(name), exc)
            return None
        if ctx.meta.smap is not smap and plain_put.owner_moved(ctx, bucket, name):
            try:
                await misplaced_writes.hand_over(ctx, bucket, name)
            except BaseException:
                self._counters.failed(ops.PUT)
                raise
        self._counters.succeeded(ops.PUT, len(body), time.perf_counter_ns() - put.started)
        return self._render(meta, put.keep_alive)

    def _render(self, meta: ObjectMeta, keep_alive: bool) -> bytes:
        """aiohttp's reply to the full handler's PUT, byte for byte."""
        if meta.checksum_type not in ("", "none") and meta.atime_ns and meta.version and not meta.custom:
            lines = (  # what object_headers.for_put gives such an object, filled in directly
                _PLAIN_HEADERS % (meta.checksum_type, meta.checksum_value, meta.atime_ns, meta.version)
            ).encode()
        else:
            lines = b"".join(
                f"{key}: {value}\r\n".encode()
                for key, value in object_headers.for_put(meta, self._ctx.node.daemon_id).items()
            )
        close = b"" if keep_alive else b"Connection: close\r\n"
        return b"%s%s%s%s\r\n%s%s\r\n" % (_OK, lines, _EMPTY_BODY, http_date(), self._server_header, close)
