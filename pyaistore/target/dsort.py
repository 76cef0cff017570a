"""A target's part of a dsort: extract, (on the coordinator) sort and plan, create shards.

1. Local extraction: every input shard this target owns is read (in a worker thread) and its
   records go to a RecordStore: in memory up to the job's memory limit, spilled to a file in
   this target's work directory beyond it.
2. Meta sorting, on the coordinator (the working target with the smallest ID): it collects every
   target's record list (`GET .../meta`, asked until the target has extracted; a target that
   does not know the job yet, its start still on the way, is asked again for up to
   START_GRACE_S), orders the
   records, cuts them into output shards (records whole, each shard up to the output shard
   size), and gives each shard to the HRW owner of its name in the output bucket (`POST .../create`).
3. Shard creation: each target builds its shards in order, reading its own records locally and
   the others' as one stream per owner and shard (`POST .../records`), and publishes each
   shard atomically. The coordinator then waits for every target to finish and tells all of
   them to drop their records (`POST .../finish`).

Anything that fails aborts the job everywhere (`POST .../abort`).
"""

import asyncio
import logging
import struct
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Final

from pyaistore.cluster import cluster_map, placement
from pyaistore.cluster.errors import PeerFailed, PeerRejected
from pyaistore.cluster.peer_client import PeerStream, PeerUnreachable
from pyaistore.jobs import dsort_records, templates
from pyaistore.jobs.archive_writer import ArchiveWriter
from pyaistore.jobs.dsort_records import OutputShard, RecordMeta, RecordStore
from pyaistore.jobs.errors import InvalidJobRequest, JobAborted
from pyaistore.jobs.job import Job
from pyaistore.node_context import NodeContext
from pyaistore.storage import layout
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.target.job_ops import TargetObjects
from pyaistore.wire import dsort as wire
from pyaistore.wire import multi_object
from pyaistore.wire.jobs import DSORT
from pyaistore.wire.messages import Snode

__all__ = ["LENGTH", "DsortJob", "info", "run"]

log = logging.getLogger(__name__)

LENGTH: Final = struct.Struct(">Q")
POLL_S: Final = 0.02
MAX_POLL_S: Final = 0.1
# How long the coordinator asks again a target that does not know the job yet: the gateway starts
# the job on every target at once, and one may get its start after another has extracted.
START_GRACE_S: Final = 30.0
EXTRACTION, SORTING, CREATION = "local_extraction", "meta_sorting", "shard_creation"
_COUNTERS: Final = {
    EXTRACTION: (
        "total_count",
        "extracted_count",
        "extracted_size",
        "extracted_record_count",
        "extracted_to_disk_count",
        "extracted_to_disk_size",
    ),
    CREATION: ("to_create", "created_count", "moved_shard_count"),
}


class DsortJob(Job):
    """This target's dsort: the spec, its records, the phases' metrics, the coordinator's plan."""

    def __init__(self, job_id: str, spec: wire.DsortSpec, mem_limit: int, work_dir: Path) -> None:
        super().__init__(job_id, DSORT, src_bucket=spec.input_bucket, dst_bucket=spec.output_bucket)
        self.spec = spec
        self.store = RecordStore(work_dir, mem_limit)
        self.records: list[RecordMeta] = []
        self.extracted = asyncio.Event()
        self.assignment: asyncio.Future[list[dict[str, Any]]] = asyncio.get_running_loop().create_future()
        self.released = asyncio.Event()
        self.phases = {name: wire.PhaseMetrics() for name in (EXTRACTION, SORTING, CREATION)}
        # Every counter AIS reports is there from the start (the official SDK requires them).
        for phase, names in _COUNTERS.items():
            self.phases[phase].counters.update(dict.fromkeys(names, 0))
        self.warnings: list[str] = []

    def count(self, phase: str, name: str, add: int = 1) -> None:
        """Add to one of a phase's counters."""
        counters = self.phases[phase].counters
        counters[name] = counters.get(name, 0) + add


async def run(ctx: NodeContext, job: DsortJob) -> None:
    """The whole part of this target (steps 1-3 above)."""
    ops = TargetObjects(ctx)
    try:
        await _extract(ctx, job)
        coordinator = _coordinator(ctx)
        if coordinator.daemon_id == ctx.node.daemon_id:
            await _coordinate(ctx, job)
        shards = await _wait(job, job.assignment)
        await _create(ctx, job, ops, shards)
        if coordinator.daemon_id == ctx.node.daemon_id:
            await _finish_everywhere(ctx, job)
        else:
            await _wait(job, job.released.wait())
    except JobAborted:
        await _abort_others(ctx, job, job.abort_err)
        raise
    except Exception as exc:
        job.add_error(getattr(exc, "message", None) or str(exc))
        await _abort_others(ctx, job, job.err)
        raise
    finally:
        for phase in job.phases.values():
            phase.running = False
        await asyncio.to_thread(job.store.close)


# ---- 1. local extraction ----


def input_names(spec: wire.DsortSpec) -> list[str]:
    """The input shards' names (template or list, plus the input extension)."""
    names = templates.parse(spec.input_template).names() if spec.input_template else iter(spec.input_names)
    ext = spec.input_extension
    return [name if not ext or name.endswith(ext) else name + ext for name in names]


async def _extract(ctx: NodeContext, job: DsortJob) -> None:
    phase = job.phases[EXTRACTION]
    phase.start(time.time_ns())
    spec = job.spec
    mine = [n for n in input_names(spec) if placement.owner(ctx.smap, spec.input_bucket, n) == ctx.node]
    phase.counters.update(
        total_count=len(mine), extracted_count=0, extracted_size=0, extracted_record_count=0
    )
    for position, name in enumerate(mine):
        job.check()
        try:
            await asyncio.to_thread(_extract_shard, ctx, job, name, position)
        except ObjectNotFound:
            job.warnings.append(f"input shard {spec.input_bucket.object_cname(name)} does not exist")
            continue
        job.count(EXTRACTION, "extracted_count")
    phase.counters["extracted_to_disk_count"] = job.store.disk_count
    phase.counters["extracted_to_disk_size"] = job.store.disk_bytes
    phase.finish(time.time_ns())
    job.extracted.set()


def _extract_shard(ctx: NodeContext, job: DsortJob, name: str, position: int) -> None:
    """Blocking: read one local shard into the record store."""
    spec = job.spec
    cname = spec.input_bucket.object_cname(name)
    fmt = multi_object.format_by_extension(name) or multi_object.normalize_mime(
        spec.input_extension or ".tar"
    )
    with (
        ctx.object_store.open(spec.input_bucket, name) as file,
        open(file.fileno(), "rb", closefd=False) as raw,
    ):
        job.count(EXTRACTION, "extracted_size", file.size)
        for members in dsort_records.records_of(raw, fmt, cname):
            job.check()
            sort_key = None
            if spec.algorithm.kind == wire.CONTENT:
                sort_key = dsort_records.content_key(members, spec.algorithm, cname)
            record_id = len(job.records)
            size = dsort_records.tar_size((n, len(d)) for n, d in members)
            job.store.add(record_id, dsort_records.encode_blob(members))
            key = dsort_records.record_key(members[0][0])
            job.records.append(RecordMeta(ctx.node.daemon_id, record_id, key, size, sort_key, position))
            job.count(EXTRACTION, "extracted_record_count")


# ---- 2. meta sorting (coordinator) ----


def _coordinator(ctx: NodeContext) -> Snode:
    targets = cluster_map.working_targets(ctx.smap)
    return min(targets, key=lambda node: node.daemon_id)


async def _coordinate(ctx: NodeContext, job: DsortJob) -> None:
    phase = job.phases[SORTING]
    phase.start(time.time_ns())
    targets = cluster_map.working_targets(ctx.smap)
    lists = await asyncio.gather(*(_records_of(ctx, job, node) for node in targets))
    records = [record for found in lists for record in found]
    ordered = dsort_records.order(records, job.spec.algorithm)
    shards = await _plan(ctx, job, ordered)
    by_builder: dict[str, list[dict[str, Any]]] = {node.daemon_id: [] for node in targets}
    for shard in shards:
        builder = placement.owner(ctx.smap, job.spec.output_bucket, shard.name).daemon_id
        by_builder.setdefault(builder, []).append(_shard_json(shard))
    phase.counters.update(records=len(records), shards=len(shards))
    phase.finish(time.time_ns())
    for node in targets:
        assigned = by_builder.get(node.daemon_id, [])
        if node.daemon_id == ctx.node.daemon_id:
            give(job, assigned)
        else:
            await ctx.peer_api.dsort_call(node, "POST", job.job_id, "create", {"shards": assigned})


async def _records_of(ctx: NodeContext, job: DsortJob, node: Snode) -> list[RecordMeta]:
    if node.daemon_id == ctx.node.daemon_id:
        await _wait(job, job.extracted.wait())
        return list(job.records)
    delay = POLL_S
    unknown_until = time.monotonic() + START_GRACE_S
    while True:
        job.check()
        try:
            reply = await ctx.peer_api.dsort_call(node, "GET", job.job_id, "meta")
        except PeerRejected as exc:
            if exc.status != 404 or time.monotonic() > unknown_until:
                raise
            reply = None  # its start has not arrived yet
        if reply and reply.get("ready"):
            return [RecordMeta.from_json(node.daemon_id, item) for item in reply["records"]]
        if reply and reply.get("aborted"):
            raise JobAborted(f"dsort aborted on {node.display_name}")
        await asyncio.sleep(delay)
        delay = min(delay * 2, MAX_POLL_S)


async def _plan(ctx: NodeContext, job: DsortJob, ordered: list[RecordMeta]) -> list[OutputShard]:
    spec = job.spec
    if not spec.ekm_file:
        return dsort_records.plan_shards(
            ordered, spec.output_shard_size, spec.output_template, spec.output_extension
        )
    bucket, name = _ekm_location(spec)
    source = await TargetObjects(ctx).read(bucket, name)
    data = b"".join([chunk async for chunk in source.chunks])
    key_map = dsort_records.parse_key_map(data)
    return dsort_records.plan_shards_ekm(ordered, spec.output_shard_size, key_map, spec.output_extension)


def _ekm_location(spec: wire.DsortSpec) -> tuple[Any, str]:
    """The EKM object named by its URL (`.../v1/objects/<bucket>/<name>?...`) or `bucket/name`."""
    from urllib.parse import unquote, urlsplit

    from pyaistore.wire.bucket_id import BucketId

    path = unquote(urlsplit(spec.ekm_file).path)
    marker = "/v1/objects/"
    if marker in path:
        path = path.split(marker, 1)[1]
    bucket, _, name = path.lstrip("/").partition("/")
    if not bucket or not name:
        raise InvalidJobRequest(f'dsort: invalid ekm_file "{spec.ekm_file}"')
    return BucketId(bucket, spec.input_bucket.provider), name


def _shard_json(shard: OutputShard) -> dict[str, Any]:
    return {"name": shard.name, "records": [[r.owner, r.record_id] for r in shard.records]}


def give(job: DsortJob, shards: list[dict[str, Any]]) -> None:
    """The coordinator's plan for this target arrived."""
    if not job.assignment.done():
        job.assignment.set_result(shards)


# ---- 3. shard creation ----


async def _create(ctx: NodeContext, job: DsortJob, ops: TargetObjects, shards: list[dict[str, Any]]) -> None:
    phase = job.phases[CREATION]
    phase.start(time.time_ns())
    phase.counters.update(to_create=len(shards), created_count=0, moved_shard_count=0)
    spec = job.spec
    for shard in shards:
        job.check()
        name = str(shard["name"])
        fmt = multi_object.format_by_extension(name) or multi_object.TAR
        sink = await ops.create(spec.output_bucket, name)
        try:
            writer = ArchiveWriter(fmt, sink.write)
            async for member_name, data in _shard_members(ctx, job, shard["records"]):
                await writer.add(member_name, len(data), time.time_ns(), _one(data))
            await writer.close()
            size = await sink.commit()
        except BaseException:
            await sink.abort()
            raise
        job.counters.add_local(size)
        job.count(CREATION, "created_count")
    phase.finish(time.time_ns())


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _shard_members(
    ctx: NodeContext, job: DsortJob, records: list[list[Any]]
) -> AsyncIterator[tuple[str, bytes]]:
    """The members of a shard's records in order: local ones from the store, others streamed."""
    me = ctx.node.daemon_id
    wanted: dict[str, list[int]] = {}
    for owner, record_id in records:
        if owner != me:
            wanted.setdefault(owner, []).append(int(record_id))
    streams = {owner: await _open_records(ctx, job, owner, ids) for owner, ids in wanted.items()}
    try:
        for owner, record_id in records:
            if owner == me:
                blob = await asyncio.to_thread(job.store.read, int(record_id))
            else:
                blob = await _next_blob(streams[owner])
                job.counters.add_received(len(blob))
            for member in dsort_records.decode_blob(blob):
                yield member
    finally:
        for stream in streams.values():
            stream.close()


async def _open_records(ctx: NodeContext, job: DsortJob, owner: str, ids: list[int]) -> PeerStream:
    node = ctx.smap.targets.get(owner)
    if node is None:
        raise PeerFailed(f"dsort {job.job_id}: target {owner} holding records left the cluster")
    return await ctx.peer_api.open_dsort_records(node, job.job_id, ids)


async def _next_blob(stream: PeerStream) -> bytes:
    try:
        head = await stream.read_exact(LENGTH.size)
        (length,) = LENGTH.unpack(head)
        blob = await stream.read_exact(length)
    except (PeerUnreachable, struct.error) as exc:
        raise PeerFailed(f"dsort records from {stream.url} broke off: {exc}") from exc
    if len(blob) != length:
        raise PeerFailed(f"dsort records from {stream.url} ended early")
    return blob


async def _finish_everywhere(ctx: NodeContext, job: DsortJob) -> None:
    """Wait until every target created its shards, then let them all drop their records."""
    others = [n for n in cluster_map.working_targets(ctx.smap) if n.daemon_id != ctx.node.daemon_id]
    delay = POLL_S
    pending = list(others)
    while pending:
        job.check()
        infos = await asyncio.gather(
            *(ctx.peer_api.dsort_call(n, "GET", job.job_id, "info") for n in pending)
        )
        for node, found in zip(list(pending), infos, strict=True):
            metrics = (found or {}).get("Metrics", {})
            if metrics.get("aborted"):
                raise JobAborted(f"dsort aborted on {node.display_name}")
            if metrics.get(CREATION, {}).get("finished"):
                pending.remove(node)
        if pending:
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_POLL_S)
    await asyncio.gather(*(ctx.peer_api.dsort_call(n, "POST", job.job_id, "finish") for n in others))


async def _abort_others(ctx: NodeContext, job: DsortJob, reason: str) -> None:
    others = [n for n in cluster_map.working_targets(ctx.smap) if n.daemon_id != ctx.node.daemon_id]
    results = await asyncio.gather(
        *(ctx.peer_api.dsort_call(n, "POST", job.job_id, "abort", {"reason": reason}) for n in others),
        return_exceptions=True,
    )
    for node, result in zip(others, results, strict=True):
        if isinstance(result, BaseException):
            log.info("dsort %s: could not abort on %s: %s", job.job_id, node.display_name, result)


async def _wait(job: Job, awaitable: Any) -> Any:
    """Await something, giving up when the job is aborted."""
    task = asyncio.ensure_future(awaitable)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=MAX_POLL_S)
            if done:
                return task.result()
            job.check()
    finally:
        if not task.done():
            task.cancel()


# ---- queries ----


def work_dir(ctx: NodeContext, job_id: str) -> Path:
    """Where this target spills the job's records."""
    return layout.work_dir(ctx.object_store.mountpaths.available[0]) / f"dsort-{job_id}"


def info(job: DsortJob) -> dict[str, Any]:
    """This target's JobInfo (AIS's shape; the SDK's `Dsort.wait()` reads `Metrics`)."""
    spec = job.spec
    aborted = job.aborted or (job.finished and bool(job.err))
    metrics = {name: phase.to_json() for name, phase in job.phases.items()}
    return {
        "id": job.job_id,
        "src-bck": spec.input_bucket.to_json(),
        "dst-bck": spec.output_bucket.to_json(),
        "started_time": wire.time_text(job.start_ns),
        "finish_time": wire.time_text(job.end_ns) if job.finished else "",
        "loc-objs": str(job.counters.loc_objs),
        "loc-bytes": str(job.counters.loc_bytes),
        "Metrics": {
            **metrics,
            "aborted": aborted,
            "archived": job.finished,
            "description": spec.description,
            "warnings": list(job.warnings),
            "errors": list(job.errors),
        },
        "aborted": aborted,
        "archived": job.finished,
    }


def record_blobs(job: DsortJob, ids: list[int]) -> "Any":
    """Blocking generator: each record's length and blob, in the order asked."""
    for record_id in ids:
        blob = job.store.read(record_id)
        yield LENGTH.pack(len(blob)) + blob
