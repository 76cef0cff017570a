"""Typed node-to-node calls: every intra-cluster request goes through here.

One method per call a node makes of another, each building its URL and carrying object metadata
the same way, over the node's pooled PeerClient:

- objects between targets (`/v1/internal/objects/...` on the peer's control URL): send one (a
  copy written anew, or a migration keeping version and times), fetch, head or delete the
  peer's own copy; the metadata travels whole as JSON in one header, never reshaped;
- erasure-coded pieces between targets (`/v1/internal/ec/...`): send, fetch, head or delete the
  replica or slice a peer keeps, ask which pieces of a page of objects it keeps, and tell an
  owner that pieces of objects it may lack exist;
- listing pages, job start/query/stop, metadata pushes, ETL control and the reverse proxy;
- remote buckets, which only targets reach: the backend's answer about a bucket, the provider's
  buckets, a page of a bucket's objects at its backend, which of a page of names a target stores
  (a refusal or a backend's failure is relayed with the target's status, 4xx or 5xx);
- a node's calls to the primary: join and keepalive;
- the gateway's S3 data path: an object request carried out on its owner's public object API
  (`/v1/objects/...`, marked as redirected so the owner serves it), bodies streamed both ways, and
  the multipart uploads a target holds (`/v1/internal/uploads/...`).

Failures are typed: PeerFailed when a peer did not answer or failed (5xx), PeerRejected with the
peer's own 4xx status and code when it refused; "not there" (404) is a value (None/False).
"""

import asyncio
import http.client
import json
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, urlsplit

import msgpack
from multidict import CIMultiDictProxy

from pyaistore.auth import redirect_signature
from pyaistore.cluster import object_frames, redirect_url, spliced_get
from pyaistore.cluster.batch_frames import PartItem, encode_items
from pyaistore.cluster.errors import PeerFailed, PeerRejected
from pyaistore.cluster.peer_client import PeerClient, PeerReply, PeerStream, PeerUnreachable
from pyaistore.cluster.peer_replies import raise_for_reply
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire import fields, headers, monitoring, paths, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta
from pyaistore.wire.error_body import ErrorBody
from pyaistore.wire.job_snapshot import JobSnapshot
from pyaistore.wire.jobs import JobQuery, JobStartMsg
from pyaistore.wire.messages import ListEntry, Snode
from pyaistore.wire.mountpaths import MountpathList
from pyaistore.wire.multipart import PartInfo, UploadInfo
from pyaistore.wire.remote import RemoteBucketInfo, RemotePage

__all__ = [
    "PeerApi",
    "PeerObject",
    "PeerPiece",
    "bucket_query",
    "decode_meta",
    "encode_meta",
    "encode_slice_meta",
]

# Seconds a peer may take to store a small object (it fsyncs; a loaded disk can be slow).
SMALL_PUT_TIMEOUT: Final = 60.0
# Seconds a streamed object read may stall before the peer is given up on.
READ_STALL_TIMEOUT: Final = 120.0
# Seconds a peer may take to sync its disks (a batch of deferred writes).
SYNC_TIMEOUT: Final = 300.0
# Redirects followed by a gateway reading an object for a client (S3).
MAX_REDIRECTS: Final = 3
STORED: Final = "stored"
KEPT: Final = "kept"


def bucket_query(bucket: BucketId) -> str:
    """provider (and namespace) as a query string."""
    text = f"{query.PROVIDER}={bucket.provider}"
    if not bucket.namespace.is_global:
        text += f"&{query.NAMESPACE}={quote(bucket.namespace.uname)}"
    return text


def encode_meta(meta: ObjectMeta) -> str:
    """An object's metadata as the one-line JSON of the OBJECT_META header."""
    return json.dumps(meta.to_json(), separators=(",", ":"), ensure_ascii=True)


def encode_slice_meta(meta: SliceMeta) -> str:
    """A piece's EC metadata as the one-line ASCII JSON of the SLICE_META header."""
    return json.dumps(meta.to_json(), separators=(",", ":"), ensure_ascii=True)


def decode_meta(text: str) -> ObjectMeta:
    """Parse the OBJECT_META header; ValueError when it is not valid metadata."""
    try:
        data = fields.loads(text)
    except ValueError as exc:
        raise ValueError(f"invalid object metadata header: {exc}") from exc
    return ObjectMeta.from_json(data)


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


@dataclass(slots=True)
class PeerPiece:
    """A replica or slice streaming from a peer: its EC metadata, and read_exact()/close() its bytes."""

    meta: SliceMeta
    stream: PeerStream

    async def read_exact(self, size: int) -> bytes:
        """The next `size` bytes (fewer only at the end); PeerFailed if the stream breaks off."""
        try:
            return await self.stream.read_exact(size)
        except PeerUnreachable as exc:
            raise PeerFailed(f"piece stream from {self.stream.url} broke off: {exc}") from exc

    def close(self) -> None:
        """Release the connection."""
        self.stream.close()


class PeerApi:
    """The calls this node makes of other nodes."""

    def __init__(self, client: PeerClient, self_id: str) -> None:
        self.client = client
        self._self_id = self_id
        # This node's cluster secret ("" until it has one): sent with every call (cluster_secret.py).
        self.cluster_secret = ""

    # ---- URLs ----

    def object_url(self, node: Snode, bucket: BucketId, name: str, extra: str = "") -> str:
        """The peer's internal URL of `bucket/name` (its own copy; never redirected)."""
        url = (
            node.control_url
            + paths.url_path(paths.INTERNAL, paths.INTERNAL_OBJECTS, bucket.name, quote(name))
            + "?"
            + bucket_query(bucket)
        )
        return url + "&" + extra if extra else url

    def _caller(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        found = {headers.CALLER_ID: self._self_id}
        if self.cluster_secret:
            found[headers.CLUSTER_SECRET] = self.cluster_secret
        if extra:
            found.update(extra)
        return found

    # ---- objects, target to target ----

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

    # ---- erasure-coded pieces, target to target ----

    def ec_url(self, node: Snode, section: str, bucket: BucketId, name: str = "") -> str:
        """The peer's internal EC URL: a piece (`section` INTERNAL_EC, with a name) or a bucket call."""
        segments = (
            (paths.INTERNAL, section, bucket.name, quote(name))
            if name
            else (paths.INTERNAL, section, bucket.name)
        )
        return node.control_url + paths.url_path(*segments) + "?" + bucket_query(bucket)

    async def send_piece(
        self,
        node: Snode,
        bucket: BucketId,
        name: str,
        meta: SliceMeta,
        data: bytes | AsyncIterable[bytes] | AsyncIterable[memoryview],
        size: int,
    ) -> SliceMeta:
        """Store a replica or slice on `node` (size and slice checksum checked there); what it kept."""
        url = self.ec_url(node, paths.INTERNAL_EC, bucket, name)
        hdrs = self._caller({headers.SLICE_META: encode_slice_meta(meta), headers.CONTENT_LENGTH: str(size)})
        what = f"piece {meta.slice_id} of {bucket.object_cname(name)}"
        try:
            if isinstance(data, bytes):
                reply = await self.client.call("PUT", url, data=data, headers=hdrs, timeout=SMALL_PUT_TIMEOUT)
            else:
                reply = await self.client.call_stream("PUT", url, data, hdrs)
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot send {what} to {node.display_name}: {exc}") from exc
        raise_for_reply(reply, node, f"write of {what}")
        return _slice_meta_of(reply.body.decode(errors="replace"), node)

    async def head_piece(self, node: Snode, bucket: BucketId, name: str) -> SliceMeta | None:
        """The EC metadata of the piece `node` keeps of the object, or None."""
        try:
            reply = await self.client.call(
                "HEAD", self.ec_url(node, paths.INTERNAL_EC, bucket, name), headers=self._caller()
            )
        except PeerUnreachable as exc:
            raise PeerFailed(
                f"cannot check pieces of {bucket.object_cname(name)} on {node.display_name}"
            ) from exc
        if reply.status == 404:
            return None
        raise_for_reply(reply, node, f"HEAD piece of {bucket.object_cname(name)}")
        return _slice_meta_of(reply.headers.get(headers.SLICE_META, ""), node)

    async def fetch_piece(self, node: Snode, bucket: BucketId, name: str) -> PeerPiece | None:
        """Stream the piece `node` keeps of the object (metadata first), or None when it has none."""
        url = self.ec_url(node, paths.INTERNAL_EC, bucket, name)
        try:
            stream = await self.client.open_stream(
                "GET", url, headers=self._caller(), read_timeout=READ_STALL_TIMEOUT
            )
        except PeerUnreachable as exc:
            raise PeerFailed(
                f"cannot read a piece of {bucket.object_cname(name)} from {node.display_name}"
            ) from exc
        if stream.status != 200:
            detail = "" if stream.status == 404 else (await stream.read(300)).decode(errors="replace")
            stream.close()
            if stream.status == 404:
                return None
            raise PeerFailed(
                f"read of a piece of {bucket.object_cname(name)} failed on {node.display_name}: {detail}"
            )
        try:
            meta = _slice_meta_of(stream.headers.get(headers.SLICE_META, ""), node)
        except PeerFailed:
            stream.close()
            raise
        return PeerPiece(meta, stream)

    async def delete_piece(self, node: Snode, bucket: BucketId, name: str) -> bool:
        """Remove the piece (and EC record) `node` keeps of the object; True when there was one."""
        try:
            reply = await self.client.call(
                "DELETE", self.ec_url(node, paths.INTERNAL_EC, bucket, name), headers=self._caller()
            )
        except PeerUnreachable as exc:
            raise PeerFailed(
                f"cannot delete pieces of {bucket.object_cname(name)} on {node.display_name}"
            ) from exc
        if reply.status == 404:
            return False
        raise_for_reply(reply, node, f"DELETE piece of {bucket.object_cname(name)}")
        return True

    async def list_pieces(self, node: Snode, bucket: BucketId, names: list[str]) -> dict[str, SliceMeta]:
        """Which of `names` `node` keeps a piece of: name -> that piece's EC metadata."""
        url = self.ec_url(node, paths.INTERNAL_EC_PIECES, bucket)
        try:
            reply = await self.client.call("POST", url, json_body={"names": names}, headers=self._caller())
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot list pieces of {bucket.cname} on {node.display_name}: {exc}") from exc
        raise_for_reply(reply, node, f"piece listing of {bucket.cname}")
        try:
            return {name: SliceMeta.from_json(item) for name, item in json.loads(reply.body).items()}
        except (ValueError, AttributeError) as exc:
            raise PeerFailed(f"{node.display_name} sent an invalid piece listing: {exc}") from exc

    async def notify_owner(self, node: Snode, bucket: BucketId, names: list[str]) -> int:
        """Tell `node`, the owner of `names`, that pieces of them exist; how many it restored."""
        url = self.ec_url(node, paths.INTERNAL_EC_OWNED, bucket)
        try:
            reply = await self.client.call(
                "POST", url, json_body={"names": names}, headers=self._caller(), timeout=READ_STALL_TIMEOUT
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot reach {node.display_name} about {bucket.cname}: {exc}") from exc
        raise_for_reply(reply, node, f"restore check of {bucket.cname}")
        return int(reply.body or b"0")

    # ---- listing ----

    async def list_page(self, node: Snode, bucket: BucketId, lso: dict[str, Any]) -> list[ListEntry]:
        """`node`'s share of a listing page (an LsoMsg as JSON)."""
        return [ListEntry.from_wire(e) for e in await self.list_page_maps(node, bucket, lso)]

    async def list_page_maps(
        self, node: Snode, bucket: BucketId, lso: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """`node`'s share of a listing page, each entry the msgpack map it sent (ListEntry.to_msgpack)."""
        url = (
            node.control_url
            + paths.url_path(paths.INTERNAL, paths.INTERNAL_LIST, bucket.name)
            + "?"
            + bucket_query(bucket)
        )
        hdrs = self._caller({headers.ACCEPT: headers.MSGPACK_TYPE})
        try:
            reply = await self.client.call("GET", url, json_body=lso, headers=hdrs)
        except PeerUnreachable as exc:
            raise PeerFailed(f"listing {bucket.cname}: {node.display_name} did not answer") from exc
        raise_for_reply(reply, node, f"listing {bucket.cname}")
        entries: list[dict[str, Any]] = msgpack.unpackb(reply.body)
        return entries

    # ---- remote buckets ----

    def _remote_url(self, node: Snode, section: str, bucket: BucketId | None = None) -> str:
        url = node.control_url + paths.url_path(paths.INTERNAL, section)
        return url + "/" + quote(bucket.name, safe="") + "?" + bucket_query(bucket) if bucket else url

    async def _remote_call(
        self, node: Snode, method: str, url: str, what: str, body: Any = None, accept: str = headers.JSON_TYPE
    ) -> PeerReply:
        try:
            reply = await self.client.call(
                method,
                url,
                json_body=body,
                headers=self._caller({headers.ACCEPT: accept}),
                timeout=READ_STALL_TIMEOUT,
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"{what}: {node.display_name} did not answer") from exc
        if reply.status >= 400 and reply.body.startswith(b"{"):
            refusal = ErrorBody.parse(reply.body.decode(errors="replace"), reply.status)
            raise PeerRejected(reply.status, refusal.message, refusal.tcode)
        raise_for_reply(reply, node, what)
        return reply

    async def head_remote_bucket(
        self, node: Snode, bucket: BucketId, props: dict[str, Any] | None = None
    ) -> RemoteBucketInfo:
        """What `bucket`'s backend says about it, asked through `node` (with these props, if given)."""
        url = self._remote_url(node, paths.INTERNAL_REMOTE_BUCKET, bucket)
        reply = await self._remote_call(node, "POST", url, f"HEAD {bucket.cname}", {"props": props})
        try:
            return RemoteBucketInfo.from_json(json.loads(reply.body))
        except ValueError as exc:
            raise PeerFailed(f"{node.display_name} sent an invalid bucket description: {exc}") from exc

    async def list_remote_buckets(self, node: Snode, provider: str, namespace: str = "") -> list[str]:
        """The names of the buckets `provider`'s backend sees (a remote cluster's, by namespace)."""
        url = self._remote_url(node, paths.INTERNAL_REMOTE_BUCKETS) + f"?{query.PROVIDER}={provider}"
        if namespace:
            url += f"&{query.NAMESPACE}={quote(namespace)}"
        reply = await self._remote_call(node, "GET", url, f"list {provider} buckets")
        found = json.loads(reply.body or b"[]")
        return [str(name) for name in found] if isinstance(found, list) else []

    async def list_remote_page(self, node: Snode, bucket: BucketId, lso: dict[str, Any]) -> RemotePage:
        """One page of `bucket`'s objects at its backend, listed by `node`."""
        url = self._remote_url(node, paths.INTERNAL_REMOTE_LIST, bucket)
        reply = await self._remote_call(
            node, "GET", url, f"listing {bucket.cname}", lso, headers.MSGPACK_TYPE
        )
        try:
            return RemotePage.from_msgpack(msgpack.unpackb(reply.body))
        except (ValueError, msgpack.UnpackException) as exc:
            raise PeerFailed(f"{node.display_name} sent an invalid listing page: {exc}") from exc

    async def cached_entries(
        self, node: Snode, bucket: BucketId, names: list[str], lso: dict[str, Any]
    ) -> list[ListEntry]:
        """The entries of those of `names` that `node` stores (their local properties)."""
        url = self._remote_url(node, paths.INTERNAL_CACHED, bucket)
        body = {"names": names, "lso": lso}
        reply = await self._remote_call(
            node, "POST", url, f"listing {bucket.cname}", body, headers.MSGPACK_TYPE
        )
        return [ListEntry.from_wire(e) for e in msgpack.unpackb(reply.body)]

    # ---- jobs ----

    def _jobs_url(self, node: Snode) -> str:
        return node.control_url + paths.url_path(paths.INTERNAL, paths.INTERNAL_JOBS)

    async def start_job(self, node: Snode, msg: JobStartMsg) -> None:
        """Start `node`'s part of a job (its 4xx refusal is relayed)."""
        try:
            reply = await self.client.call(
                "POST", self._jobs_url(node), json_body=msg.to_json(), headers=self._caller()
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot start {msg.kind} on {node.display_name}: {exc}") from exc
        raise_for_reply(reply, node, f"start of {msg.kind}")

    async def query_jobs(self, node: Snode, job_query: JobQuery) -> list[JobSnapshot]:
        """`node`'s snapshots of matching jobs (PeerRejected when it refuses the query)."""
        try:
            reply = await self.client.call(
                "GET", self._jobs_url(node), json_body=job_query.to_json(), headers=self._caller()
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"job query: {node.display_name} did not answer") from exc
        raise_for_reply(reply, node, "job query")
        return [JobSnapshot.from_json(item) for item in json.loads(reply.body or b"[]") or []]

    async def stop_jobs(self, node: Snode, job_query: JobQuery) -> None:
        """Abort `node`'s matching running jobs."""
        try:
            reply = await self.client.call(
                "PUT", self._jobs_url(node), json_body=job_query.to_json(), headers=self._caller()
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot stop jobs on {node.display_name}: {exc}") from exc
        raise_for_reply(reply, node, "job stop")

    # ---- metadata, control, reverse proxy ----

    async def push_meta(self, node: Snode, body: dict[str, Any], timeout: float = 10.0) -> bool:
        """Send versioned cluster metadata (metasync) to `node`; False when it did not take it."""
        url = node.control_url + paths.url_path(paths.METASYNC)
        try:
            reply = await self.client.call(
                "PUT", url, json_body=body, timeout=timeout, headers=self._caller()
            )
        except PeerUnreachable:
            return False
        return reply.ok

    async def call_node(
        self,
        node: Snode,
        method: str,
        path_qs: str,
        body: Any = None,
        timeout: float | None = None,
        *,
        data: bytes | None = None,
        content_type: str = "",
        as_member: bool = True,
    ) -> PeerReply:
        """Any other control request to `node` (ETL control, reverse proxy); network failure -> PeerFailed.

        `body` is sent as JSON; `data` as it is (a relayed request's body, of `content_type`).
        A client's request relayed (`as_member=False`) carries no cluster secret: it reaches
        only what the client could reach itself.
        """
        extra = {headers.CONTENT_TYPE: content_type} if content_type else {}
        hdrs = self._caller(extra) if as_member else {headers.CALLER_ID: self._self_id, **extra}
        try:
            return await self.client.call(
                method, node.control_url + path_qs, json_body=body, data=data, timeout=timeout, headers=hdrs
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"{node.display_name} did not answer: {exc}") from exc

    async def mountpaths(self, node: Snode) -> MountpathList:
        """The target's mountpaths by state (`GET /v1/daemon?what=mountpaths`)."""
        path_qs = paths.url_path(paths.DAEMON) + f"?{query.WHAT}={query.WHAT_MOUNTPATHS}"
        reply = await self.call_node(node, "GET", path_qs)
        raise_for_reply(reply, node, "mountpath query")
        try:
            return MountpathList.from_json(json.loads(reply.body))
        except ValueError as exc:
            raise PeerFailed(f"{node.display_name} sent an invalid mountpath list: {exc}") from exc

    async def metrics_text(self, node: Snode, timeout: float | None = None) -> str:
        """The node's Prometheus exposition (`GET /metrics` on its control port)."""
        reply = await self.call_node(node, "GET", monitoring.METRICS_PATH, timeout=timeout)
        raise_for_reply(reply, node, "metrics scrape")
        return reply.body.decode("utf-8", errors="replace")

    # ---- the gateway's S3 data path: a target's public object API ----

    def public_object_url(
        self, node: Snode, bucket: BucketId, name: str, extra: str = "", method: str = "GET"
    ) -> str:
        """`node`'s public URL of `bucket/name`, marked as sent by this node (so it is served there)
        and signed for `method` (a target with client auth on serves only signed requests; an HTTP
        worker there holds no cluster secret to recognise a member by)."""
        path_qs = paths.url_path(paths.OBJECTS, bucket.name, quote(name)) + "?" + bucket_query(bucket)
        path_qs += "&" + extra if extra else ""
        key = redirect_signature.derive_key(self.cluster_secret)
        return redirect_url.signed_location(node, path_qs, self._self_id, method, key)

    async def open_object_spliced(
        self, node: Snode, bucket: BucketId, name: str, hdrs: dict[str, str], read_below: int = 0
    ) -> spliced_get.SplicedReply:
        """GET the object from `node` on a connection of its own, its body left for the caller to
        read or splice into a client's socket (spliced_get), or read at once when it is at most
        `read_below` bytes. A redirect (the object is read from another target, e.g. while its
        bucket is renamed) is followed. 4xx: PeerRejected; else PeerFailed."""
        url = self.public_object_url(node, bucket, name)
        what = f"GET {bucket.object_cname(name)}"
        for _ in range(MAX_REDIRECTS + 1):
            try:
                reply = await asyncio.to_thread(
                    spliced_get.open_get,
                    url,
                    {**self._caller(), **hdrs},
                    READ_STALL_TIMEOUT,
                    max(read_below, 64 << 10),
                    ssl_context=self.client.ssl_context,
                )
            except spliced_get.SpliceFailed as exc:
                raise PeerFailed(f"{what}: {node.display_name} did not answer: {exc}") from exc
            location = reply.headers.get(headers.LOCATION, "")
            if reply.status not in (301, 302, 307, 308) or not location:
                break
            reply.close()
            url = location
        if reply.status >= 300:
            try:
                body = reply.body if reply.body is not None else await asyncio.to_thread(reply.read_all)
            except (spliced_get.SpliceFailed, OSError):
                body = b""
            raise_for_reply(PeerReply(reply.status, body, CIMultiDictProxy(reply.headers)), node, what)
        return reply

    async def put_object(
        self,
        node: Snode,
        bucket: BucketId,
        name: str,
        body: AsyncIterable[bytes] | bytes,
        hdrs: dict[str, str],
        extra: str = "",
    ) -> PeerReply:
        """PUT a body (streamed; Content-Length in `hdrs` when known) to `node`'s public API."""
        url = self.public_object_url(node, bucket, name, extra, "PUT")
        try:
            if isinstance(body, bytes):
                reply = await self.client.call("PUT", url, data=body, headers=hdrs, timeout=SMALL_PUT_TIMEOUT)
            else:
                reply = await self.client.call_stream("PUT", url, body, hdrs)
        except PeerUnreachable as exc:
            raise PeerFailed(
                f"cannot write {bucket.object_cname(name)} to {node.display_name}: {exc}"
            ) from exc
        _raise_public(reply, node, f"PUT {bucket.object_cname(name)}")
        return reply

    async def object_call(
        self,
        node: Snode,
        method: str,
        bucket: BucketId,
        name: str,
        extra: str = "",
        hdrs: dict[str, str] | None = None,
        json_body: Any = None,
        timeout: float | None = None,
    ) -> PeerReply:
        """Any other object request (HEAD, DELETE, a POST action, a copy) on `node`'s public API."""
        url = self.public_object_url(node, bucket, name, extra, method)
        try:
            reply = await self.client.call(method, url, json_body=json_body, headers=hdrs, timeout=timeout)
        except PeerUnreachable as exc:
            raise PeerFailed(
                f"{method} {bucket.object_cname(name)}: {node.display_name} did not answer"
            ) from exc
        _raise_public(reply, node, f"{method} {bucket.object_cname(name)}")
        return reply

    async def list_uploads(self, node: Snode, bucket: BucketId) -> list[UploadInfo]:
        """The bucket's multipart uploads in progress on `node`."""
        path_qs = (
            paths.url_path(paths.INTERNAL, paths.INTERNAL_UPLOADS, bucket.name) + "?" + bucket_query(bucket)
        )
        reply = await self.call_node(node, "GET", path_qs)
        raise_for_reply(reply, node, f"uploads of {bucket.cname}")
        try:
            return [UploadInfo.from_json(item) for item in json.loads(reply.body)]
        except (ValueError, KeyError, TypeError) as exc:
            raise PeerFailed(f"{node.display_name} sent an invalid upload list: {exc}") from exc

    async def list_parts(
        self, node: Snode, bucket: BucketId, name: str, upload_id: str
    ) -> tuple[UploadInfo, list[PartInfo]]:
        """One upload `node` holds, and its parts."""
        path_qs = (
            paths.url_path(paths.INTERNAL, paths.INTERNAL_UPLOADS, bucket.name, quote(name))
            + "?"
            + bucket_query(bucket)
            + f"&{query.UPLOAD_ID}={quote(upload_id)}"
        )
        reply = await self.call_node(node, "GET", path_qs)
        raise_for_reply(reply, node, f"parts of upload {upload_id}")
        try:
            data = json.loads(reply.body)
            return UploadInfo.from_json(data["upload"]), [PartInfo.from_json(p) for p in data["parts"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise PeerFailed(f"{node.display_name} sent an invalid part list: {exc}") from exc

    async def identify(self, node: Snode, timeout: float = 5.0) -> str:
        """The ID of the node answering at `node`'s control URL ("" when none answers); asked
        without the cluster secret (the primary checks a fresh node this way before it joins)."""
        url = node.control_url + paths.url_path(paths.DAEMON) + f"?{query.WHAT}={query.WHAT_SNODE}"
        try:
            reply = await self.client.call("GET", url, timeout=timeout)
            found = json.loads(reply.body) if reply.ok else {}
        except (PeerUnreachable, ValueError):
            return ""
        return str(found.get("daemon_id", "")) if isinstance(found, dict) else ""

    # ---- ML data path, target to target ----

    async def open_batch_part(self, node: Snode, items: list[PartItem]) -> PeerStream:
        """Ask `node` for its entries of a get-batch; the reply streams one frame per item
        (cluster/batch_frames.py). PeerFailed when it does not answer or refuses."""
        url = node.control_url + paths.url_path(paths.INTERNAL, paths.INTERNAL_MOSS)
        return await self._post_for_stream(node, url, encode_items(items), "its get-batch entries")

    async def dsort_call(
        self, node: Snode, method: str, job_id: str, step: str, body: Any = None, timeout: float = 60.0
    ) -> Any:
        """One dsort control call on a target (`/v1/internal/dsort/<job>/<step>`): its JSON reply."""
        url = node.control_url + paths.url_path(paths.INTERNAL, paths.INTERNAL_DSORT, job_id, step)
        try:
            reply = await self.client.call(
                method, url, json_body=body, headers=self._caller(), timeout=timeout
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"dsort {step} on {node.display_name} failed: {exc}") from exc
        raise_for_reply(reply, node, f"dsort {step}")
        try:
            return json.loads(reply.body) if reply.body.strip() else None
        except ValueError as exc:
            raise PeerFailed(f"{node.display_name} answered dsort {step} with invalid JSON: {exc}") from exc

    async def open_dsort_records(self, node: Snode, job_id: str, record_ids: list[int]) -> PeerStream:
        """Stream the extracted records `record_ids` of dsort `job_id` from `node` (length-prefixed)."""
        url = node.control_url + paths.url_path(paths.INTERNAL, paths.INTERNAL_DSORT, job_id, "records")
        return await self._post_for_stream(node, url, {"ids": record_ids}, "dsort records")

    async def _post_for_stream(self, node: Snode, url: str, body: Any, what: str) -> PeerStream:
        """POST a JSON body to `node` and return the streamed 200 reply; PeerFailed otherwise."""
        hdrs = self._caller({headers.CONTENT_TYPE: headers.JSON_TYPE})
        try:
            stream = await self.client.open_stream(
                "POST", url, data=json.dumps(body).encode(), headers=hdrs, read_timeout=READ_STALL_TIMEOUT
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot ask {node.display_name} for {what}: {exc}") from exc
        if stream.status != 200:
            detail = (await stream.read(300)).decode(errors="replace")
            stream.close()
            raise PeerFailed(f"{node.display_name} refused {what}: {detail}")
        return stream

    # ---- a node's calls to the primary ----

    async def join(self, primary_url: str, body: dict[str, Any]) -> PeerReply:
        """Register with the primary (PeerUnreachable when it does not answer)."""
        url = primary_url + paths.url_path(paths.CLUSTER, paths.JOIN)
        return await self.client.call("POST", url, json_body=body, headers=self._caller())

    def keepalive_blocking(self, primary_url: str, body: dict[str, Any], timeout: float) -> tuple[int, bytes]:
        """Blocking keepalive for the keepalive thread (cluster/heartbeat.py): (status, body).

        Plain http.client on a connection of its own, so no event loop, executor or pool of this
        node can hold it up; PeerUnreachable when the primary does not answer within `timeout`.
        """
        url = primary_url + paths.url_path(paths.CLUSTER, paths.KEEPALIVE)
        parts = urlsplit(url)
        hdrs = self._caller({headers.CONTENT_TYPE: headers.JSON_TYPE})
        connection = (
            http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=timeout, context=self.client.ssl_context
            )
            if parts.scheme == "https"
            else http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
        )
        try:
            connection.request("POST", parts.path, body=json.dumps(body).encode(), headers=hdrs)
            reply = connection.getresponse()
            return reply.status, reply.read(64 << 20)
        except (OSError, http.client.HTTPException) as exc:
            raise PeerUnreachable(url, exc) from exc
        finally:
            connection.close()

    async def keepalive(self, primary_url: str, body: dict[str, Any], timeout: float) -> PeerReply:
        """Tell the primary this node is alive (PeerUnreachable when it does not answer)."""
        url = primary_url + paths.url_path(paths.CLUSTER, paths.KEEPALIVE)
        return await self.client.call("POST", url, json_body=body, timeout=timeout, headers=self._caller())


def _raise_public(reply: PeerReply, node: Snode, what: str) -> None:
    """raise_for_reply, reading a HEAD's error from its Hdr-Error header (a HEAD reply has no body)."""
    if reply.status >= 400 and not reply.body and headers.ERROR_ON_HEAD in reply.headers:
        reply = PeerReply(reply.status, reply.headers[headers.ERROR_ON_HEAD].encode(), reply.headers)
    raise_for_reply(reply, node, what)


def _slice_meta_of(text: str, node: Snode) -> SliceMeta:
    try:
        return SliceMeta.decode(text.encode())
    except ValueError as exc:
        raise PeerFailed(f"{node.display_name} sent invalid EC metadata: {exc}") from exc


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
