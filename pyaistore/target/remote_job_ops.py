"""The remote-bucket part of TargetObjects (jobs.node_ops.NodeObjects): list a bucket at its
backend, fetch, validate, copy from the backend, evict. Mixed into target/job_ops.py's class."""

import asyncio
from collections.abc import AsyncIterator
from typing import Final

from pyaistore.jobs.node_ops import CopyResult, ObjectSource, Transform
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.target import cold_get, remote_objects, remote_refs
from pyaistore.wire.bucket_id import BucketId

__all__ = ["REMOTE_PAGE", "RemoteJobOps"]

# Names per backend listing page when a job walks a remote bucket.
REMOTE_PAGE: Final = 1000
CHUNK: Final = 1 << 20


class RemoteJobOps:
    """Remote-bucket operations of a target's job bodies; the class it is mixed into provides
    `_ctx`, `owns` and `_copy_source`."""

    _ctx: NodeContext

    def owns(self, bucket: BucketId, name: str) -> bool:
        """True when this target is the object's HRW owner."""
        raise NotImplementedError

    async def _copy_source(
        self,
        source: ObjectSource,
        bucket: BucketId,
        name: str,
        dst_bucket: BucketId,
        dst_name: str,
        transform: Transform | None,
        dry_run: bool,
    ) -> CopyResult:
        raise NotImplementedError

    def is_remote(self, bucket: BucketId) -> bool:
        """True when the bucket's objects live behind a backend."""
        return remote_refs.is_remote(self._ctx, bucket)

    async def remote_names(self, bucket: BucketId, prefix: str, recursive: bool) -> AsyncIterator[str]:
        """Names under the prefix at the backend (its own pages) that this target owns."""
        ctx = self._ctx
        ref = remote_refs.remote_ref(ctx, bucket)
        if ref is None:
            return
        assert ctx.backends is not None
        token = ""
        while True:
            page = await ctx.backends.run(
                ref.backend.list_page, ref.cloud, prefix, token, REMOTE_PAGE, recursive
            )
            for entry in page.entries:
                if not entry.is_dir and self.owns(bucket, entry.name):
                    yield entry.name
            if not page.token:
                return
            token = page.token

    async def fetch(self, bucket: BucketId, name: str, latest: bool, synchronize: bool = False) -> int | None:
        """Fetch the object unless it is stored (and current, with `latest`); the bytes fetched."""
        ctx = self._ctx
        if latest or synchronize:
            await remote_objects.validate(ctx, bucket, name, synchronize)
        try:
            await asyncio.to_thread(ctx.object_store.head, bucket, name)
            return None
        except ObjectNotFound:
            pass
        meta = await cold_get.fetch_object(ctx, bucket, name)
        return meta.size

    async def stored_is_current(self, bucket: BucketId, name: str, synchronize: bool) -> bool:
        """Whether the stored copy (fetched first if missing) is the backend's current object;
        RemoteObjectNotFound when the backend lost it (with `synchronize`, the copy is dropped)."""
        return await remote_objects.stored_is_current(self._ctx, bucket, name, synchronize)

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
        ctx = self._ctx
        ref = remote_refs.remote_ref(ctx, bucket)
        assert ref is not None and ctx.backends is not None
        run = ctx.backends.run
        reader = await run(ref.backend.open_object, ref.cloud, name)

        async def chunks() -> AsyncIterator[bytes]:
            try:
                while chunk := await run(reader.read, CHUNK):
                    yield chunk
            finally:
                await run(reader.close)

        source = ObjectSource(max(reader.attrs.size, 0), 0, chunks())
        return await self._copy_source(source, bucket, name, dst_bucket, dst_name, transform, dry_run)

    async def evict(self, bucket: BucketId, name: str) -> int:
        """Drop the local copy; its size (ObjectNotFound when there is none)."""
        store = self._ctx.object_store
        meta = await asyncio.to_thread(store.head, bucket, name)
        if not await remote_objects.evict(self._ctx, bucket, name, meta):
            raise ObjectNotFound(bucket, name)
        return meta.size

    async def evict_all(self, bucket: BucketId) -> None:
        """Drop every local copy of the bucket's objects; the bucket's directories stay."""
        store = self._ctx.object_store

        def drop() -> None:
            store.destroy_bucket(bucket)
            store.ensure_bucket(bucket)

        await asyncio.to_thread(drop)
