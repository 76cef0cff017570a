"""Copy (or transform) a bucket into another: each target copies the objects it holds (jobs reference §2.5).

Every object goes to the destination name's HRW owner (this node or a peer), with at most
`num-workers` copies in flight; the job checks for abort between objects. `prefix` selects source
objects, `prepend` and `ext` shape destination names, a dry run reads and counts but writes
nothing, and `synchronize` then deletes destination objects whose source is gone.
"""

from collections.abc import AsyncIterable, AsyncIterator, Sequence

from pyaistore.backends.base import RemoteObjectNotFound
from pyaistore.jobs import object_walk
from pyaistore.jobs.errors import JobAborted
from pyaistore.jobs.job import Job
from pyaistore.jobs.node_ops import NodeObjects, Transform
from pyaistore.jobs.registry import error_text
from pyaistore.jobs.transform_protocol import ObjectTransformer
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.multi_object import CopyOptions

__all__ = ["copy_names", "pipeline", "run"]


def pipeline(transformers: Sequence[ObjectTransformer], args: str = "") -> Transform:
    """One Transform applying each ETL's transformer in turn (an ETL and its pipeline)."""

    def apply(bucket: BucketId, name: str, data: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        for stage, transformer in enumerate(transformers):
            data = transformer.transform(bucket, name, data, args, staged=stage > 0)
        return data

    return apply


async def run(
    job: Job,
    ops: NodeObjects,
    src: BucketId,
    dst: BucketId,
    options: CopyOptions,
    transform: Transform | None = None,
) -> None:
    """Copy every object this node holds under `options.prefix` from `src` to `dst` (a remote
    source: every object under the prefix at its backend that this node owns)."""
    recursive = not options.non_recursive
    if ops.is_remote(src):
        names = ops.remote_names(src, options.prefix, recursive)
    else:
        names = object_walk.local_names(ops, src, options.prefix, recursive)
    await copy_names(job, ops, src, dst, options, transform, names, listed=False)
    if options.sync and not options.dry_run:
        await _prune(job, ops, src, dst, options)


async def copy_names(
    job: Job,
    ops: NodeObjects,
    src: BucketId,
    dst: BucketId,
    options: CopyOptions,
    transform: Transform | None,
    names: AsyncIterable[str],
    listed: bool,
) -> None:
    """Copy the given names; a missing one is an error only when it was `listed` by name.

    A remote source's objects are fetched first when not stored. With `latest` (or `synchronize`)
    an object whose backend version changed is copied from the backend, the stored copy left as
    it is (as AIS does); with `synchronize` a source gone from the backend takes its destination
    object with it. Any other failure stops the job, unless `continue_on_error` records it and
    goes on.
    """
    remote = ops.is_remote(src)
    validate = options.latest or options.sync

    async def copy_one(name: str) -> None:
        job.check()
        dst_name = options.destination_name(name)
        try:
            if remote and validate and not await ops.stored_is_current(src, name, options.sync):
                result = await ops.copy_from_backend(src, name, dst, dst_name, transform, options.dry_run)
            else:
                if remote:
                    await ops.fetch(src, name, latest=False)
                result = await ops.copy(src, name, dst, dst_name, transform, options.dry_run)
        except (ObjectNotFound, RemoteObjectNotFound) as exc:
            if options.sync and not options.dry_run:
                await ops.delete_at_owner(dst, dst_name)
            if listed:
                job.add_error(error_text(exc))
            return
        except JobAborted:
            raise
        except Exception as exc:
            if not options.continue_on_error:
                raise
            job.add_error(error_text(exc))
            return
        if result.sent:
            job.counters.add_sent(result.size)
        else:
            job.counters.add_local(result.size)

    await object_walk.for_each(job, names, object_walk.worker_count(options.num_workers), copy_one)


async def _prune(job: Job, ops: NodeObjects, src: BucketId, dst: BucketId, options: CopyOptions) -> None:
    """Delete destination objects held here (under the prefix) whose source object is gone."""

    async def prune_one(name: str) -> None:
        job.check()
        if not await ops.exists(src, name):
            try:
                await ops.delete(dst, name)
            except ObjectNotFound:
                pass

    names = object_walk.local_names(ops, dst, options.prefix, not options.non_recursive)
    await object_walk.for_each(job, names, object_walk.worker_count(options.num_workers), prune_one)
