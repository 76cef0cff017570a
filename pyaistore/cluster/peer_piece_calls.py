"""Erasure-coded pieces between targets (`/v1/internal/ec/...`): send, fetch, head or delete the
replica or slice a peer keeps, ask which pieces of a page of objects it keeps, and tell an
owner that pieces of objects it may lack exist.
"""

import json
from collections.abc import AsyncIterable
from dataclasses import dataclass
from urllib.parse import quote

from pyaistore.cluster.errors import PeerFailed
from pyaistore.cluster.peer_caller import READ_STALL_TIMEOUT, SMALL_PUT_TIMEOUT, PeerCaller
from pyaistore.cluster.peer_client import PeerStream, PeerUnreachable
from pyaistore.cluster.peer_encoding import bucket_query, encode_slice_meta
from pyaistore.cluster.peer_replies import raise_for_reply
from pyaistore.wire import headers, paths
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta
from pyaistore.wire.messages import Snode

__all__ = ["PeerPiece", "PieceCalls"]


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


class PieceCalls(PeerCaller):
    """The replicas and slices a target keeps on others, by object."""

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


def _slice_meta_of(text: str, node: Snode) -> SliceMeta:
    try:
        return SliceMeta.decode(text.encode())
    except ValueError as exc:
        raise PeerFailed(f"{node.display_name} sent invalid EC metadata: {exc}") from exc
