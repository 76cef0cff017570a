"""What job bodies need from the target they run on, as a protocol (the target package implements it).

Job bodies stay free of HTTP and of the store's layout: they ask the node to list what it holds,
copy an object to wherever its destination lives, read an object from wherever it lives, delete,
and create a new local object. A missing object raises storage's ObjectNotFound, wherever it was.
"""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import IO, Protocol

from pyaistore.wire.bucket_id import BucketId

__all__ = ["CopyResult", "NodeObjects", "ObjectSink", "ObjectSource", "Transform"]

# Turns one object's bytes into new bytes: (source bucket, object name, data) -> data.
Transform = Callable[[BucketId, str, AsyncIterator[bytes]], AsyncIterator[bytes]]


@dataclass(frozen=True, slots=True)
class CopyResult:
    """What one copy did: bytes written (or, in a dry run, read) and whether a peer received them."""

    size: int
    sent: bool


@dataclass(slots=True)
class ObjectSource:
    """An object being read: its size, modification time and content (consume it or close it)."""

    size: int
    mtime_ns: int
    chunks: AsyncIterator[bytes]

    async def close(self) -> None:
        """Release the reader when the content is not consumed to the end."""
        closer = getattr(self.chunks, "aclose", None)
        if closer is not None:
            await closer()


class ObjectSink(Protocol):
    """A new local object being written; nothing is visible before commit()."""

    async def write(self, data: bytes) -> None:
        """Append bytes."""
        ...

    async def commit(self) -> int:
        """Publish the object atomically; returns its size."""
        ...

    async def abort(self) -> None:
        """Drop everything written."""
        ...


class NodeObjects(Protocol):
    """The object operations a job body may use on its node."""

    def owns(self, bucket: BucketId, name: str) -> bool:
        """True when this node is the object's HRW owner."""
        ...

    async def local_names(
        self, bucket: BucketId, prefix: str, after: str, limit: int, recursive: bool
    ) -> list[str]:
        """Up to `limit` names of objects this node holds, > `after`, in name order."""
        ...

    async def local_sizes(
        self, bucket: BucketId, prefix: str, after: str, limit: int
    ) -> list[tuple[str, int, int]]:
        """Up to `limit` (name, size, bytes on disk) of objects this node holds, > `after`."""
        ...

    async def capacity(self) -> int:
        """Total size in bytes of this node's disks."""
        ...

    def cluster_names(self, bucket: BucketId, prefix: str, recursive: bool) -> AsyncIterator[str]:
        """Every object name with the prefix, cluster-wide, in name order."""
        ...

    async def copy(
        self,
        bucket: BucketId,
        name: str,
        dst_bucket: BucketId,
        dst_name: str,
        transform: Transform | None,
        dry_run: bool,
    ) -> CopyResult:
        """Copy a local object (transformed if asked) to the destination's owner."""
        ...

    async def delete(self, bucket: BucketId, name: str) -> None:
        """Delete a local object."""
        ...

    async def delete_at_owner(self, bucket: BucketId, name: str) -> None:
        """Delete the object wherever it is (its owner; its backend, for a remote bucket); no
        error when it does not exist."""
        ...

    async def exists(self, bucket: BucketId, name: str) -> bool:
        """Whether the object exists anywhere in the cluster (asks its owner)."""
        ...

    async def read(self, bucket: BucketId, name: str) -> ObjectSource:
        """Open an object for reading, here or at its owner."""
        ...

    async def create(self, bucket: BucketId, name: str) -> ObjectSink:
        """Start writing a new local object."""
        ...

    async def put_file(self, path: str, bucket: BucketId, name: str) -> CopyResult:
        """Store a regular file of this node's file system as the object, here or at its owner
        (OSError when it cannot be read; a symbolic link is not followed)."""
        ...

    async def open_local(self, bucket: BucketId, name: str) -> IO[bytes]:
        """A seekable binary file of a local object (blocking reads: use it in a thread)."""
        ...

    # ---- remote buckets (their objects live behind a backend; the node keeps copies) ----

    def is_remote(self, bucket: BucketId) -> bool:
        """True when the bucket's objects live behind a backend (cloud, origin, other cluster)."""
        ...

    def remote_names(self, bucket: BucketId, prefix: str, recursive: bool) -> AsyncIterator[str]:
        """The names under the prefix at the bucket's backend that this node owns, page by page."""
        ...

    async def fetch(self, bucket: BucketId, name: str, latest: bool, synchronize: bool = False) -> int | None:
        """Bring a remote object here unless it is stored already (and, with `latest`, current);
        the bytes fetched, or None when nothing was needed. RemoteObjectNotFound if the backend
        has no such object (with `synchronize`, a stored copy is dropped then)."""
        ...

    async def stored_is_current(self, bucket: BucketId, name: str, synchronize: bool) -> bool:
        """Whether the stored copy (fetched first if missing) is the backend's current object;
        RemoteObjectNotFound when the backend lost it (with `synchronize`, the copy is dropped)."""
        ...

    async def copy_from_backend(
        self,
        bucket: BucketId,
        name: str,
        dst_bucket: BucketId,
        dst_name: str,
        transform: Transform | None,
        dry_run: bool,
    ) -> CopyResult:
        """Copy the backend's current object to the destination; the stored copy stays as it is."""
        ...

    async def evict(self, bucket: BucketId, name: str) -> int:
        """Drop the local copy of a remote object; its size (ObjectNotFound when not stored here)."""
        ...

    async def evict_all(self, bucket: BucketId) -> None:
        """Drop every local copy of the bucket's objects (the bucket stays)."""
        ...
