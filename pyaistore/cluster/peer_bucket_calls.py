"""Calls about a bucket's contents: a target's share of a listing page, and remote buckets, which
only targets reach: the backend's answer about a bucket, the provider's buckets, a page of a
bucket's objects at its backend, which of a page of names a target stores (a refusal or a
backend's failure is relayed with the target's status, 4xx or 5xx).
"""

import json
from typing import Any
from urllib.parse import quote

import msgpack

from pyaistore.cluster.errors import PeerFailed, PeerRejected
from pyaistore.cluster.peer_caller import READ_STALL_TIMEOUT, PeerCaller
from pyaistore.cluster.peer_client import PeerReply, PeerUnreachable
from pyaistore.cluster.peer_encoding import bucket_query
from pyaistore.cluster.peer_replies import raise_for_reply
from pyaistore.wire import headers, paths, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.error_body import ErrorBody
from pyaistore.wire.messages import ListEntry, Snode
from pyaistore.wire.remote import RemoteBucketInfo, RemotePage

__all__ = ["BucketCalls"]


class BucketCalls(PeerCaller):
    """Listing pages and remote-bucket questions, asked of a target."""

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
