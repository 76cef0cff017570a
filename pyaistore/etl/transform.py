"""Sending objects through an ETL: inline (GET) and offline (copy jobs), as the target side of §4.7.

A Transformer talks to one ETL's transform servers on this host by HTTP (through the node's
PeerClient), or by websocket for ws:// ETLs (etl/ws_sockets.py). Inline GETs pass the object's
local path (`etl_fqn`, AIS's default) for hpush, io and ws, and let hpull servers pull the
object from the target's callback route; offline transforms push the bytes they are given.
Replies stream back chunk by chunk. A server that answers 503 with `Ais-Etl-Retry-Reason:
direct-put-transient` gets the object again (a few times), as AIS's targets replay it. Failures
become typed errors naming the ETL, the object and the node, and are recorded for
`GET /v1/etl/<name>`: inline ones under the ETL, an offline job's under its job ID.
"""

import asyncio
import collections
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote, urlencode, urlsplit

from pyaistore.byte_streams import whole_if_small
from pyaistore.cluster.peer_client import PeerClient, PeerRefused, PeerStream, PeerTimeout, PeerUnreachable
from pyaistore.etl.errors import EtlTransformFailed, EtlTransformTimeout
from pyaistore.etl.spec import KIND_CODE
from pyaistore.etl.ws_sockets import SocketPool
from pyaistore.wire import etl as wire_etl
from pyaistore.wire import headers, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.etl import ObjError

__all__ = ["EtlRoute", "EtlStats", "Transformed", "Transformer", "primed"]

MAX_ERRORS: Final = 1000
# Offline jobs whose per-object errors are kept (the oldest job's go first).
MAX_JOBS: Final = 64
# Sends of one object when its server asks for it again (503 + direct-put-transient), and the pause.
REPLAYS: Final = 3
REPLAY_PAUSE: Final = 0.2
ERROR_BODY_LIMIT: Final = 4096
# Offline bodies for class servers (which refuse chunked uploads) are buffered up to this size.
MAX_BUFFERED: Final = 1 << 30
# Offline bodies up to this size go to code servers whole, with a Content-Length: one write, no
# chunked framing and no per-chunk task switches (most of the target's cost for small objects).
SMALL_BODY: Final = 256 * 1024


@dataclass(frozen=True, slots=True)
class EtlRoute:
    """What any process of a target needs to call an ETL: its type, timeout and ready endpoints."""

    name: str
    kind: str
    comm: str
    obj_timeout: float
    endpoints: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Serialise (for HTTP worker processes)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "comm": self.comm,
            "obj_timeout": self.obj_timeout,
            "endpoints": list(self.endpoints),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "EtlRoute":
        """Parse."""
        return cls(
            str(data["name"]),
            str(data["kind"]),
            str(data["comm"]),
            float(data["obj_timeout"]),
            tuple(data["endpoints"]),
        )


def _error_log() -> collections.deque[ObjError]:
    return collections.deque(maxlen=MAX_ERRORS)


@dataclass
class EtlStats:
    """Objects and bytes through an ETL on this node, and its most recent per-object errors:
    inline ones, and each offline job's by job ID."""

    obj_count: int = 0
    in_bytes: int = 0
    out_bytes: int = 0
    errors: collections.deque[ObjError] = field(default_factory=_error_log)
    job_errors: dict[str, collections.deque[ObjError]] = field(default_factory=dict)

    def record(self, error: ObjError, job_id: str = "") -> None:
        """Keep a failed transform: under its job when it was part of one, else as an inline error."""
        if not job_id:
            self.errors.append(error)
            return
        if job_id not in self.job_errors and len(self.job_errors) >= MAX_JOBS:
            del self.job_errors[next(iter(self.job_errors))]
        self.job_errors.setdefault(job_id, _error_log()).append(error)


@dataclass
class Transformed:
    """A transformed object on its way out: stream `chunks`, then (or on failure) call close()."""

    chunks: AsyncIterator[bytes]
    content_type: str
    length: int | None
    close: Callable[[], None]


async def primed(transformed: Transformed) -> Transformed:
    """The same stream with its first chunk already read, so that a failure anywhere before the
    first byte (in any stage of a pipeline) is raised now, before a reply's status is sent."""
    try:
        first = await anext(transformed.chunks, b"")
    except BaseException:
        transformed.close()
        raise

    async def chunks() -> AsyncIterator[bytes]:
        if first:
            yield first
        async for chunk in transformed.chunks:
            yield chunk

    return Transformed(chunks(), transformed.content_type, transformed.length, transformed.close)


class Transformer:
    """One ETL's transform servers seen from this process; an ObjectTransformer for copy jobs.

    Made for one offline job (`job_id`), it records its failures under that job.
    """

    def __init__(
        self,
        route: EtlRoute,
        peers: PeerClient,
        node_name: str,
        stats: EtlStats | None = None,
        recycle: Callable[[str], None] | None = None,
        sockets: SocketPool | None = None,
        job_id: str = "",
    ) -> None:
        self.route = route
        self._peers = peers
        self._node = node_name
        self._stats = stats if stats is not None else EtlStats()
        self._recycle = recycle or (lambda url: None)
        self._sockets = sockets if sockets is not None else SocketPool(peers)
        self._job_id = job_id

    async def open_inline(
        self, bucket: BucketId, name: str, local_path: str, size: int, args: str
    ) -> Transformed:
        """Transform a local object for a GET: the reply's headers are in, the body streams on."""
        params = {query.ETL_ARGS: args} if args else {}
        if self.route.comm == wire_etl.WS:
            control = {wire_etl.WS_FQN: quote(local_path, safe=""), wire_etl.WS_OBJECT_PATH: name}
            data = await self._exchange(control, None, args, bucket.object_cname(name))
            self._stats.in_bytes += size
            self._stats.out_bytes += len(data)
            self._stats.obj_count += 1
            return Transformed(_one(data), headers.OCTET_TYPE, len(data), lambda: None)
        if self.route.comm == wire_etl.HPULL:
            path = "/" + quote(bucket.object_uname(name), safe="")
            stream = await self._send("GET", path, params, None, bucket.object_cname(name))
        else:
            params[query.ETL_FQN] = local_path
            stream = await self._send(
                "PUT", _object_path(bucket, name), params, b"", bucket.object_cname(name)
            )
        self._stats.in_bytes += size
        length = stream.headers.get(headers.CONTENT_LENGTH)
        return Transformed(
            chunks=self._relay(stream, bucket.object_cname(name)),
            content_type=stream.headers.get(headers.CONTENT_TYPE, headers.OCTET_TYPE),
            length=int(length) if length is not None else None,
            close=stream.close,
        )

    async def transform(
        self, bucket: BucketId, name: str, data: AsyncIterator[bytes], args: str = "", staged: bool = False
    ) -> AsyncIterator[bytes]:
        """Yield the transformed bytes of `bucket/name` read from `data`.

        An hpull server pulls the stored object itself, unless `staged` (the bytes are a previous
        pipeline stage's output): then they are pushed to it, as AIS's stages hand them on.
        """
        cname = bucket.object_cname(name)
        params = {query.ETL_ARGS: args} if args else {}
        body: bytes | AsyncIterator[bytes]
        if self.route.comm == wire_etl.WS:
            whole = await _buffer(data, cname)
            self._stats.in_bytes += len(whole)
            transformed = await self._exchange({wire_etl.WS_OBJECT_PATH: name}, whole, args, cname)
            self._stats.out_bytes += len(transformed)
            self._stats.obj_count += 1
            yield transformed
            return
        if self.route.comm == wire_etl.HPULL and not staged:
            path = "/" + quote(bucket.object_uname(name), safe="")
            stream = await self._send("GET", path, params, None, cname)
            try:
                async for chunk in self._relay(stream, cname):
                    yield chunk
            finally:
                stream.close()
            return
        if self.route.kind == KIND_CODE:
            body = await whole_if_small(data, SMALL_BODY)
            if isinstance(body, bytes):
                self._stats.in_bytes += len(body)
            else:
                body = self._count_in(body)
        else:
            body = await _buffer(data, cname)
            self._stats.in_bytes += len(body)
        stream = await self._send("PUT", _object_path(bucket, name), params, body, cname)
        try:
            async for chunk in self._relay(stream, cname):
                yield chunk
        finally:
            stream.close()

    async def _count_in(self, data: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        async for chunk in data:
            self._stats.in_bytes += len(chunk)
            yield chunk

    async def _exchange(self, control: dict[str, str], body: bytes | None, args: str, cname: str) -> bytes:
        """One object over a websocket (ws://): the transformed bytes, or a typed error."""
        if args:
            control[wire_etl.WS_ARGS] = args
        endpoints = self.route.endpoints
        for attempt in range(len(endpoints)):
            url = endpoints[(hash(cname) + attempt) % len(endpoints)]
            try:
                answer = await self._sockets.exchange(url, control, body, self.route.obj_timeout)
            except PeerRefused:
                continue
            except PeerTimeout as exc:
                raise self._timed_out(cname, url) from exc
            except PeerUnreachable as exc:
                raise self._failed(cname, f"the transform server broke off: {exc}", 500) from exc
            if isinstance(answer, str):
                # The SDK's server answers its failures as text ("Transform error: ...").
                raise self._failed(cname, answer.strip() or "the transform server sent an error", 500)
            return answer
        raise self._failed(cname, "no transform server is ready", 503)

    async def _send(
        self, method: str, path: str, params: dict[str, str], body: Any, cname: str
    ) -> PeerStream:
        """Send to a ready transform server (the next one if one refuses); errors for >= 400 replies.

        A 503 asking for the object again (direct-put-transient) is answered by sending it again,
        up to REPLAYS times, when the body can be sent again (not a stream).
        """
        replayable = body is None or isinstance(body, bytes)
        for replay in range(REPLAYS if replayable else 1):
            stream = await self._open(method, path, params, body, cname)
            if stream.status < 400:
                return stream
            try:
                text = (await stream.read(ERROR_BODY_LIMIT)).decode(errors="replace").strip()
            finally:
                stream.close()
            again = stream.headers.get(headers.ETL_RETRY_REASON) == wire_etl.RETRY_DIRECT_PUT_TRANSIENT
            if not (again and stream.status == 503 and replay + 1 < REPLAYS and replayable):
                raise self._failed(cname, text or f"status {stream.status}", stream.status)
            await asyncio.sleep(REPLAY_PAUSE * (replay + 1))
        raise AssertionError("unreachable")

    async def _open(
        self, method: str, path: str, params: dict[str, str], body: Any, cname: str
    ) -> PeerStream:
        """The reply of the first ready transform server that takes the request."""
        endpoints = self.route.endpoints
        if not endpoints:
            raise self._failed(cname, "no transform server is ready", 503)
        suffix = path + ("?" + urlencode(params) if params else "")
        for attempt in range(len(endpoints)):
            url = endpoints[(hash(cname) + attempt) % len(endpoints)]
            try:
                return await self._peers.open_stream(
                    method, url + suffix, data=body, read_timeout=self.route.obj_timeout
                )
            except PeerRefused:
                continue
            except PeerTimeout as exc:
                raise self._timed_out(cname, url) from exc
            except PeerUnreachable as exc:
                raise self._failed(cname, f"the transform server broke off: {exc}", 500) from exc
        raise self._failed(cname, "no transform server answered (restarting)", 503)

    async def _relay(self, stream: PeerStream, cname: str) -> AsyncIterator[bytes]:
        """The reply body, counted; typed errors if it stalls or breaks off."""
        try:
            async for chunk in stream.chunks():
                self._stats.out_bytes += len(chunk)
                yield chunk
        except PeerTimeout as exc:
            raise self._timed_out(cname, stream.url) from exc
        except PeerUnreachable as exc:
            raise self._failed(
                cname, "the transform server broke off mid-object (it crashed or failed)"
            ) from exc
        self._stats.obj_count += 1

    def _failed(self, cname: str, reason: str, status: int = 500) -> EtlTransformFailed:
        message = f"ETL[{self.route.name}] failed to transform {cname} on {self._node}: {reason}"
        self._stats.record(ObjError(cname, message, status), self._job_id)
        return EtlTransformFailed(message, status)

    def _timed_out(self, cname: str, url: str) -> EtlTransformTimeout:
        parts = urlsplit(url)
        self._recycle(f"{parts.scheme}://{parts.netloc}")
        timeout = self.route.obj_timeout
        message = (
            f"ETL[{self.route.name}] did not transform {cname} on {self._node} within its object "
            f"timeout ({timeout:g}s); its transform server is being restarted"
        )
        self._stats.record(ObjError(cname, message, 504), self._job_id)
        return EtlTransformTimeout(message)


async def _one(data: bytes) -> AsyncIterator[bytes]:
    """A whole transformed object as a stream."""
    if data:
        yield data


def _object_path(bucket: BucketId, name: str) -> str:
    """`/<bucket>/<object>`, as AIS sends hpush requests."""
    return "/" + quote(f"{bucket.name}/{name}", safe="/")


async def _buffer(data: AsyncIterator[bytes], cname: str) -> bytes:
    """The whole input, for servers that need a Content-Length."""
    parts, size = [], 0
    async for chunk in data:
        parts.append(chunk)
        size += len(chunk)
        if size > MAX_BUFFERED:
            raise EtlTransformFailed(f"{cname} is too large to transform through a class ETL offline", 400)
    return b"".join(parts)
