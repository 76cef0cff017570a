"""The target's fast PUT: a small plain object body, written in one executor call and answered.

The body handler of the lean front (web/fast_http.py). It takes a PUT of a plain request
(web/plain_request.py: no query beyond provider, namespace and the proxy's marks) with a known
length of at most MAX_BODY bytes and no header it does not understand (custom metadata, an
encoding, any other ais-* header but the checksum pair). The collected body then goes to ONE
executor call, `target/plain_put.write_plain`: name checks, the bucket's props, the atomic write
with checksum and metadata, and the group-committed flush; the reply (the full handler's headers,
byte for byte) is written only after it returns, so nothing is acknowledged before it is durable.

Whatever the executor call does not take on (a redirect, a bucket unknown or remote or
erasure-coded, a bad name, any error: nothing was written then) goes to aiohttp's full handler
whole, which answers it exactly as it would have; errors are rendered there, by the one table.
Should the cluster map have moved the object elsewhere while it was being written, it is handed
to its owner (target/misplaced_writes.py) before the reply, as the full path does.
"""

import asyncio
import logging
import time
from typing import Final

from pyaistore.monitoring import request_counters as ops
from pyaistore.node_context import NodeContext
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import misplaced_writes, plain_put
from pyaistore.target.put_object import PutArgs
from pyaistore.web import object_headers, plain_request
from pyaistore.web.fast_http import RequestHead, TakeBody, http_date
from pyaistore.wire import headers
from pyaistore.wire.bucket_id import BucketId

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


class FastPut:
    """The body handler of a target's front (web/fast_http.py)."""

    def __init__(self, ctx: NodeContext, server_header: bytes) -> None:
        """`server_header` is aiohttp's Server header line, which its replies carry."""
        self._ctx = ctx
        self._counters = ctx.monitor.counters
        self._server_header = server_header

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
        started = time.perf_counter_ns()
        keep_alive = head.keep_alive

        def take(body: bytes) -> "asyncio.Future[bytes | None]":
            return asyncio.ensure_future(
                self._put(path, params, checksum_type, checksum_value, body, keep_alive, started)
            )

        return take

    async def _put(
        self,
        path: bytes,
        params: dict[str, str],
        checksum_type: str,
        checksum_value: str,
        body: bytes,
        keep_alive: bool,
        started: int,
    ) -> bytes | None:
        """The reply once the object is durable, or None (nothing written) for the full path."""
        loop = asyncio.get_running_loop()
        written = await loop.run_in_executor(
            None, self._write, path, params, checksum_type, checksum_value, body
        )
        if written is None:
            return None
        bucket, name, meta = written
        if plain_put.owner_moved(self._ctx, bucket, name):
            await misplaced_writes.hand_over(self._ctx, bucket, name)
        reply = self._render(meta, keep_alive)
        self._counters.succeeded(ops.PUT, len(body), time.perf_counter_ns() - started)
        return reply

    def _write(
        self, path: bytes, params: dict[str, str], checksum_type: str, checksum_value: str, body: bytes
    ) -> tuple[BucketId, str, ObjectMeta] | None:
        """Blocking, the one executor call: check, write, flush; None when the full path must answer."""
        resolved = plain_request.resolve(path, params)
        if resolved is None:
            return None
        bucket, name = resolved
        args = PutArgs(
            bucket=bucket,
            name=name,
            size=len(body),
            checksum_type="" if checksum_type == "none" else checksum_type,
            checksum_value=checksum_value,
        )
        try:
            meta = plain_put.write_plain(self._ctx, args, body)
        except Exception as exc:  # nothing was written: the full path does it again and reports it
            log.debug("fast PUT of %s left to the full path: %r", bucket.object_cname(name), exc)
            return None
        return None if meta is None else (bucket, name, meta)

    def _render(self, meta: ObjectMeta, keep_alive: bool) -> bytes:
        """aiohttp's reply to the full handler's PUT, byte for byte."""
        lines = b"".join(
            f"{key}: {value}\r\n".encode()
            for key, value in object_headers.for_put(meta, self._ctx.node.daemon_id).items()
        )
        close = b"" if keep_alive else b"Connection: close\r\n"
        return b"%s%s%s%s\r\n%s%s\r\n" % (_OK, lines, _EMPTY_BODY, http_date(), self._server_header, close)
