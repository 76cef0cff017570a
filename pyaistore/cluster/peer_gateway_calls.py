"""The gateway's S3 data path: an object request carried out on its owner's public object API
(`/v1/objects/...`, marked as sent by this node and signed, so the owner serves it), bodies
streamed both ways, and the multipart uploads a target holds (`/v1/internal/uploads/...`).
"""

import asyncio
import json
from collections.abc import AsyncIterable
from typing import Any, Final
from urllib.parse import quote

from multidict import CIMultiDictProxy

from pyaistore.auth import redirect_signature
from pyaistore.cluster import redirect_url, spliced_get
from pyaistore.cluster.errors import PeerFailed
from pyaistore.cluster.peer_caller import READ_STALL_TIMEOUT, SMALL_PUT_TIMEOUT, PeerCaller
from pyaistore.cluster.peer_client import PeerReply, PeerUnreachable
from pyaistore.cluster.peer_encoding import (
    bucket_query,
)
from pyaistore.cluster.peer_replies import raise_for_reply
from pyaistore.wire import headers, paths, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Snode
from pyaistore.wire.multipart import PartInfo, UploadInfo

__all__ = ["GatewayCalls"]

# Redirects followed by a gateway reading an object for a client (S3).
MAX_REDIRECTS: Final = 3


class GatewayCalls(PeerCaller):
    """Object requests the gateway relays to the target that owns the object."""

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


def _raise_public(reply: PeerReply, node: Snode, what: str) -> None:
    """raise_for_reply, reading a HEAD's error from its Hdr-Error header (a HEAD reply has no body)."""
    if reply.status >= 400 and not reply.body and headers.ERROR_ON_HEAD in reply.headers:
        reply = PeerReply(reply.status, reply.headers[headers.ERROR_ON_HEAD].encode(), reply.headers)
    raise_for_reply(reply, node, what)
