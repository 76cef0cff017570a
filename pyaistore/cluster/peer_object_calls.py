"""Objects between targets (`/v1/internal/objects/...` on the peer's control URL): send one (a
copy written anew, or a migration keeping version and times), a batch of small ones, fetch,
head or delete the peer's own copy, and make a peer's deferred writes durable. The metadata
travels whole as JSON in one header (peer_encoding.py).
"""

import json
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from pyaistore.cluster import object_frames
from pyaistore.cluster.errors import PeerFailed
from pyaistore.cluster.peer_caller import READ_STALL_TIMEOUT, SMALL_PUT_TIMEOUT, PeerCaller
from pyaistore.cluster.peer_client import PeerStream, PeerUnreachable
from pyaistore.cluster.peer_encoding import KEPT, STORED, bucket_query, decode_meta, encode_meta
from pyaistore.cluster.peer_replies import raise_for_reply
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire import headers, paths, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Snode

__all__ = ["ObjectCalls", "PeerObject"]

# Seconds a peer may take to sync its disks (a batch of deferred writes).
SYNC_TIMEOUT: Final = 300.0


@dataclass(slots=True)
class PeerObject:
    """An object streaming from a peer: its metadata and its bytes (consume them or close())."""

    meta: ObjectMeta
    chunks: AsyncIterator[bytes]

    async def close(self) -> None:
        """Release the connection when the bytes are not read to the end."""
        closer = getattr(self.chunks, "aclose", None)
        if closer is not None:
            await closer()


class ObjectCalls(PeerCaller):
    """Objects a target sends to, reads from or removes on another target."""

    def object_url(self, node: Snode, bucket: BucketId, name: str, extra: str = "") -> str:
        """The peer's internal URL of `bucket/name` (its own copy; never redirected)."""
        url = (
            node.control_url
            + paths.url_path(paths.INTERNAL, paths.INTERNAL_OBJECTS, bucket.name, quote(name))
            + "?"
            + bucket_query(bucket)
        )
        return url + "&" + extra if extra else url

    async def send_object(
        self,
        node: Snode,
        bucket: BucketId,
        name: str,
        meta: ObjectMeta,
        data: bytes | AsyncIterable[bytes],
        transfer: str = query.TRANSFER_COPY,
        deferred_sync: bool = False,
    ) -> bool:
        """Store an object on `node` (checksum verified there); False when it kept a newer copy.

        `meta` travels whole; `transfer` says whether the peer writes a new object (copy) or
        takes this one as it is (migrate: version and times kept, an equal or newer copy wins).
        With `deferred_sync` the peer skips the object's fsync: call `sync(node)` before relying
        on it being durable.
        """
        extra = f"{query.TRANSFER}={transfer}"
        if deferred_sync:
            extra += f"&{query.DEFERRED_SYNC}=true"
        url = self.object_url(node, bucket, name, extra)
        hdrs = self._caller({headers.OBJECT_META: encode_meta(meta), headers.CONTENT_LENGTH: str(meta.size)})
        try:
            if isinstance(data, bytes):
                reply = await self.client.call("PUT", url, data=data, headers=hdrs, timeout=SMALL_PUT_TIMEOUT)
            else:
                reply = await self.client.call_stream("PUT", url, data, hdrs)
        except PeerUnreachable as exc:
            raise PeerFailed(
                f"cannot send {bucket.object_cname(name)} to {node.display_name}: {exc}"
            ) from exc
        raise_for_reply(reply, node, f"write of {bucket.object_cname(name)}")
        return reply.body.strip() == STORED.encode()

    async def send_stream(
        self, node: Snode, bucket: BucketId, name: str, data: AsyncIterable[bytes], custom: dict[str, str]
    ) -> None:
        """Write new content of unknown length (e.g. a transform's output) as a new object on `node`."""
        meta = ObjectMeta(name, 0, "", "", "", 0, dict(custom))
        url = self.object_url(node, bucket, name, f"{query.TRANSFER}={query.TRANSFER_COPY}")
        hdrs = self._caller({headers.OBJECT_META: encode_meta(meta)})
        try:
            reply = await self.client.call_stream("PUT", url, data, hdrs)
        except PeerUnreachable as exc:
            raise PeerFailed(
                f"cannot send {bucket.object_cname(name)} to {node.display_name}: {exc}"
            ) from exc
        raise_for_reply(reply, node, f"write of {bucket.object_cname(name)}")

    async def head_object(self, node: Snode, bucket: BucketId, name: str) -> ObjectMeta | None:
        """The metadata of `node`'s own copy, or None when it has none."""
        try:
            reply = await self.client.call(
                "HEAD", self.object_url(node, bucket, name), headers=self._caller()
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot check {bucket.object_cname(name)} on {node.display_name}") from exc
        if reply.status == 404:
            return None
        raise_for_reply(reply, node, f"HEAD {bucket.object_cname(name)}")
        return _meta_of(reply.headers.get(headers.OBJECT_META, ""), node)

    async def fetch_object(self, node: Snode, bucket: BucketId, name: str) -> PeerObject | None:
        """Stream `node`'s own copy (metadata first), or None when it has none."""
        url = self.object_url(node, bucket, name)
        try:
            stream = await self.client.open_stream(
                "GET", url, headers=self._caller(), read_timeout=READ_STALL_TIMEOUT
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot read {bucket.object_cname(name)} from {node.display_name}") from exc
        if stream.status == 404:
            stream.close()
            return None
        if stream.status != 200:
            detail = (await stream.read(300)).decode(errors="replace")
            stream.close()
            raise PeerFailed(f"read of {bucket.object_cname(name)} failed on {node.display_name}: {detail}")
        try:
            meta = _meta_of(stream.headers.get(headers.OBJECT_META, ""), node)
        except PeerFailed:
            stream.close()
            raise
        return PeerObject(meta, _stream_chunks(stream))

    async def delete_object(
        self, node: Snode, bucket: BucketId, name: str, expected: ObjectMeta | None = None
    ) -> bool:
        """Delete `node`'s own copy (only if it is exactly `expected`, when given); True if deleted."""
        hdrs = self._caller({headers.OBJECT_META: encode_meta(expected)} if expected else None)
        try:
            reply = await self.client.call("DELETE", self.object_url(node, bucket, name), headers=hdrs)
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot delete {bucket.object_cname(name)} on {node.display_name}") from exc
        if reply.status == 404:
            return False
        raise_for_reply(reply, node, f"DELETE {bucket.object_cname(name)}")
        return reply.body.strip() != KEPT.encode()

    async def send_batch(
        self, node: Snode, bucket: BucketId, objects: list[tuple[ObjectMeta, bytes]], deferred_sync: bool
    ) -> list[bool]:
        """Migrate many small objects to `node` in one request; for each, whether it stored it
        (False: it kept an equal or newer copy). PeerRejected/PeerFailed for the whole batch."""
        url = (
            node.control_url
            + paths.url_path(paths.INTERNAL, paths.INTERNAL_OBJECTS_BATCH, bucket.name)
            + "?"
            + bucket_query(bucket)
        )
        if deferred_sync:
            url += f"&{query.DEFERRED_SYNC}=true"
        body = object_frames.encode(objects)
        try:
            reply = await self.client.call(
                "POST", url, data=body, headers=self._caller(), timeout=SMALL_PUT_TIMEOUT
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot send {len(objects)} objects to {node.display_name}: {exc}") from exc
        raise_for_reply(reply, node, f"batch of {len(objects)} objects of {bucket.cname}")
        try:
            stored = json.loads(reply.body)
        except ValueError as exc:
            raise PeerFailed(f"{node.display_name} answered a batch with invalid JSON: {exc}") from exc
        if not isinstance(stored, list) or len(stored) != len(objects):
            raise PeerFailed(f"{node.display_name} answered a batch of {len(objects)} with {stored!r}")
        return [bool(flag) for flag in stored]

    async def sync(self, node: Snode) -> None:
        """Make every write `node` published without fsync durable (one sync of its disks)."""
        url = node.control_url + paths.url_path(paths.INTERNAL, paths.INTERNAL_SYNC)
        try:
            reply = await self.client.call("POST", url, headers=self._caller(), timeout=SYNC_TIMEOUT)
        except PeerUnreachable as exc:
            raise PeerFailed(f"sync of {node.display_name} failed: {exc}") from exc
        raise_for_reply(reply, node, "sync")


def _meta_of(text: str, node: Snode) -> ObjectMeta:
    try:
        return decode_meta(text)
    except ValueError as exc:
        raise PeerFailed(f"{node.display_name} sent invalid object metadata: {exc}") from exc


async def _stream_chunks(stream: PeerStream, size: int = 1 << 20) -> AsyncIterator[bytes]:
    try:
        async for chunk in stream.chunks(size):
            yield chunk
    except PeerUnreachable as exc:
        raise PeerFailed(f"object stream from {stream.url} broke off: {exc}") from exc
    finally:
        stream.close()
