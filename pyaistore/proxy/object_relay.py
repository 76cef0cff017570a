"""Object requests the gateway carries out itself on the owning target: the S3 endpoint's data path.

S3 clients cannot be redirected (boto3 does not follow a 307 for a PUT), so for them the gateway
calls the owner's native object API and streams the bytes through: a GET's reply is spliced
into the client's socket (cluster/spliced_get.py), a PUT's body is sent on as it arrives, both
with bounded memory (docs/performance.md has what this costs against a redirect). Everything here
is the native operation; the S3 dialect (headers, XML, error codes) stays in s3/.
"""

import asyncio
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import quote

from multidict import CIMultiDictProxy

from pyaistore.cluster import placement
from pyaistore.cluster.errors import PeerFailed
from pyaistore.cluster.spliced_get import SplicedReply, SpliceFailed
from pyaistore.node_context import NodeContext
from pyaistore.wire import actions, headers, query
from pyaistore.wire.bucket_id import BucketId

__all__ = [
    "ObjectAttrs",
    "RelayedRead",
    "TrackedBody",
    "copy",
    "delete",
    "head",
    "open_read",
    "set_custom",
    "write",
]

# A copy or a multipart completion rewrites the whole object on the target: allow it time.
LONG_CALL_TIMEOUT: Final = 3600.0
# Bytes read from the owner per piece passed on to the client.
RELAY_CHUNK: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class ObjectAttrs:
    """An object as its owner described it in the native ais-* reply headers."""

    size: int = 0
    checksum_type: str = ""
    checksum_value: str = ""
    version: str = ""
    atime_ns: int = 0
    custom: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_headers(cls, hdrs: CIMultiDictProxy[str]) -> "ObjectAttrs":
        """Parse a native GET/HEAD/PUT reply's headers (one Ais-Custom-Md line per key)."""
        custom = {}
        for line in hdrs.getall(headers.CUSTOM_MD, []):
            key, sep, value = line.partition("=")
            if sep:
                custom[key.strip()] = value
        atime = hdrs.get(headers.ATIME, "")
        return cls(
            size=int(hdrs.get(headers.CONTENT_LENGTH) or 0),
            checksum_type=hdrs.get(headers.CHECKSUM_TYPE, ""),
            checksum_value=hdrs.get(headers.CHECKSUM_VALUE, ""),
            version=hdrs.get(headers.VERSION, ""),
            atime_ns=int(atime) if atime.isdigit() else 0,
            custom=custom,
        )


@dataclass(slots=True)
class RelayedRead:
    """An object (or a range of it) from its owner, its body not read yet: `read_small()` it,
    `pump()` it into the client's socket, or `chunks()` it; close() to drop it."""

    partial: bool
    attrs: ObjectAttrs
    length: int
    content_range: str
    reply: SplicedReply

    async def read_small(self) -> bytes:
        """The whole body (for small objects: one read in a worker thread, or none)."""
        if self.reply.body is not None:
            return self.reply.body
        try:
            return await asyncio.to_thread(self.reply.read_all)
        except (SpliceFailed, OSError) as exc:
            raise PeerFailed(f"reading the object from its owner broke off: {exc}") from exc

    async def pump(self, out_fd: int) -> None:
        """Splice the body into the client's (non-blocking) socket; SpliceFailed if it breaks off."""
        await asyncio.to_thread(self.reply.pump, out_fd)

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body in pieces (where the client's socket cannot be spliced into, e.g. TLS)."""
        try:
            if self.reply.early:
                yield self.reply.early[: self.length]
            left = self.length - len(self.reply.early)
            while left > 0:
                chunk = await asyncio.to_thread(self.reply.sock.recv, min(left, RELAY_CHUNK))
                if not chunk:
                    raise PeerFailed("the owner closed the connection early")
                left -= len(chunk)
                yield chunk
        finally:
            self.reply.close()

    def close(self) -> None:
        """Drop the connection without reading the rest."""
        self.reply.close()


class TrackedBody:
    """A body relayed to a target that remembers why it broke off: a check of the client's bytes
    that fails mid-stream (a digest, a signature) surfaces as a failed peer call, and the caller
    re-raises the real reason instead (`reraise`)."""

    def __init__(self, body: AsyncIterable[bytes] | bytes) -> None:
        self._body = body
        self.error: Exception | None = None

    @property
    def payload(self) -> AsyncIterable[bytes] | bytes:
        """What to send: the bytes as they are, or the stream, watched."""
        return self._body if isinstance(self._body, bytes) else self._watched(self._body)

    async def _watched(self, body: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
        try:
            async for chunk in body:
                yield chunk
        except Exception as exc:
            self.error = exc
            raise

    def reraise(self) -> None:
        """Raise the body's own error, if it broke off."""
        if self.error is not None:
            raise self.error


async def open_read(
    ctx: NodeContext, bucket: BucketId, name: str, byte_range: str | None, read_below: int = 0
) -> RelayedRead:
    """Start reading the object from its owner (a Range header passed on as given); a body of at
    most `read_below` bytes is read at once (`read_small` then costs nothing more)."""
    ctx.bucket_props(bucket)
    owner = placement.owner(ctx.smap, bucket, name)
    hdrs = {headers.RANGE: byte_range} if byte_range else {}
    reply = await ctx.peer_api.open_object_spliced(owner, bucket, name, hdrs, read_below)
    attrs = ObjectAttrs.from_headers(CIMultiDictProxy(reply.headers))
    return RelayedRead(
        partial=reply.status == 206,
        attrs=attrs,
        length=reply.length,
        content_range=reply.headers.get(headers.CONTENT_RANGE, ""),
        reply=reply,
    )


def _custom_headers(custom: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """Custom metadata as Ais-Custom-Md lines, and what cannot travel in them (a "," in a key or
    value: the native header is a comma-separated list)."""
    lines, rest = [], {}
    for key, value in custom.items():
        if "," in key or "," in value:
            rest[key] = value
        else:
            lines.append(f"{key}={value}")
    return lines, rest


async def write(
    ctx: NodeContext,
    bucket: BucketId,
    name: str,
    body: AsyncIterable[bytes] | bytes,
    size: int | None,
    custom: dict[str, str],
) -> ObjectAttrs:
    """PUT the object on its owner, the body streamed through; what the owner stored.

    Metadata that cannot travel in the PUT's headers is merged right after (a PATCH).
    """
    ctx.bucket_props(bucket)
    owner = placement.owner(ctx.smap, bucket, name)
    lines, rest = _custom_headers(custom)
    hdrs = {headers.CONTENT_LENGTH: str(size)} if size is not None else {}
    if lines:
        hdrs[headers.CUSTOM_MD] = ",".join(lines)
    tracked = TrackedBody(body)
    try:
        reply = await ctx.peer_api.put_object(owner, bucket, name, tracked.payload, hdrs)
    except Exception:
        tracked.reraise()
        raise
    attrs = ObjectAttrs.from_headers(reply.headers)
    if rest:
        await set_custom(ctx, bucket, name, rest, replace=False)
        attrs = ObjectAttrs(
            attrs.size,
            attrs.checksum_type,
            attrs.checksum_value,
            attrs.version,
            attrs.atime_ns,
            {**attrs.custom, **rest},
        )
    return ObjectAttrs(
        size if size is not None else attrs.size,
        attrs.checksum_type,
        attrs.checksum_value,
        attrs.version,
        attrs.atime_ns,
        attrs.custom,
    )


async def head(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectAttrs:
    """The object's attributes (a full native HEAD on its owner)."""
    ctx.bucket_props(bucket)
    owner = placement.owner(ctx.smap, bucket, name)
    reply = await ctx.peer_api.object_call(owner, "HEAD", bucket, name)
    return ObjectAttrs.from_headers(reply.headers)


async def delete(ctx: NodeContext, bucket: BucketId, name: str) -> None:
    """Delete the object on its owner (ObjectNotFound there is a 404 PeerRejected)."""
    ctx.bucket_props(bucket)
    owner = placement.owner(ctx.smap, bucket, name)
    await ctx.peer_api.object_call(owner, "DELETE", bucket, name)


async def copy(ctx: NodeContext, bucket: BucketId, name: str, dst_bucket: BucketId, dst_name: str) -> None:
    """Copy data and custom metadata to another name (the source's owner writes the copy)."""
    ctx.bucket_props(bucket)
    ctx.bucket_props(dst_bucket)
    owner = placement.owner(ctx.smap, bucket, name)
    extra = f"{query.OBJECT_TO}={quote(dst_bucket.object_uname(dst_name), safe='')}"
    await ctx.peer_api.object_call(owner, "PUT", bucket, name, extra, timeout=LONG_CALL_TIMEOUT)


async def set_custom(
    ctx: NodeContext, bucket: BucketId, name: str, custom: dict[str, str], replace: bool
) -> None:
    """Merge (or, with `replace`, set) the object's custom metadata; data and version stay."""
    owner = placement.owner(ctx.smap, bucket, name)
    extra = f"{query.SET_NEW_CUSTOM}=true" if replace else ""
    body = {"action": actions.SET_CUSTOM, "name": "", "value": custom}
    await ctx.peer_api.object_call(owner, "PATCH", bucket, name, extra, json_body=body)
