"""A target's ETL side: start/stop on the primary's request, counters, errors, logs, inline GETs
(through one ETL or a pipeline of them), single-object copies with a transform, and the callback
route through which transform servers read objects (hpull).

A pipeline runs stage by stage on this target: the first ETL reads the object (by its local
path), each next one gets the previous one's output. AIS has the transform servers send their
output on to the next stage themselves (direct put); the bytes are the same.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from pyaistore.cluster.errors import BadRequest, NotSupported
from pyaistore.etl.errors import EtlNotFound
from pyaistore.etl.registry import EtlDirectory, EtlRegistry
from pyaistore.etl.transform import Transformed, Transformer, primed
from pyaistore.jobs import copy_bucket
from pyaistore.node_context import NodeContext
from pyaistore.target import get_object
from pyaistore.target.job_ops import TargetObjects
from pyaistore.wire import etl as wire_etl
from pyaistore.wire import headers, paths
from pyaistore.wire.bucket_id import BucketId, parse_uname

__all__ = [
    "copy_transformed",
    "errors",
    "infos",
    "logs",
    "open_callback_object",
    "open_transformed",
    "start",
    "stop",
]


def _directory(ctx: NodeContext) -> EtlDirectory:
    if ctx.etls is None:
        raise NotSupported("this node runs no ETLs")
    return ctx.etls


def _registry(ctx: NodeContext) -> EtlRegistry:
    directory = _directory(ctx)
    if not isinstance(directory, EtlRegistry):
        raise NotSupported("ETL control requests go to the target's control port")
    return directory


async def start(ctx: NodeContext, body: Any) -> None:
    """Start an ETL here (the primary's init/start), waiting until its transform servers answer."""
    if not isinstance(body, Mapping) or not isinstance(body.get(wire_etl.START_INIT_MSG), Mapping):
        raise BadRequest("ETL start: expected {init_msg, xaction_id, secret}")
    await _registry(ctx).start(
        body[wire_etl.START_INIT_MSG],
        str(body.get(wire_etl.START_XACTION, "")),
        str(body.get(wire_etl.START_SECRET, "")),
    )


async def stop(ctx: NodeContext, name: str) -> None:
    """Stop an ETL here; 404 when it was not running."""
    if not await _registry(ctx).stop(name):
        raise EtlNotFound(f"{ctx.node.display_name}: etl job {name} does not exist")


def infos(ctx: NodeContext) -> list[dict[str, Any]]:
    """The ETLs running here with their counters."""
    return [info.to_json() for info in _registry(ctx).infos()]


def errors(ctx: NodeContext, name: str, job_id: str) -> list[dict[str, Any]]:
    """Per-object errors: of inline transforms, or of the offline job `job_id`."""
    return [e.to_json() for e in _registry(ctx).errors(name, job_id)]


def logs(ctx: NodeContext, name: str) -> bytes:
    """The ETL's transform-server output on this target."""
    return _registry(ctx).logs(name)


def _transformers(ctx: NodeContext, etl_name: str, pipeline: str) -> list[Transformer]:
    """The ETL and the ETLs of its pipeline, in order (AIS's 404 text for one not running here)."""
    found = []
    for name in (etl_name, *wire_etl.pipeline_names(pipeline)):
        transformer = _directory(ctx).find(name)
        if transformer is None:
            init_url = ctx.smap.primary.public_net.url + paths.url_path(paths.ETL, paths.ETL_INIT)
            message = f'{name} does not exist - try starting new ETL with "{init_url}" endpoint'
            raise EtlNotFound(f"{ctx.node.display_name}: {message}")
        found.append(transformer)
    return found


async def open_transformed(
    ctx: NodeContext, bucket: BucketId, name: str, etl_name: str, args: str, pipeline: str = ""
) -> Transformed:
    """GET with etl_name (and etl_pipeline): the object through the ETLs, as a stream.

    With a pipeline, the first chunk is read before returning, so that any stage's failure is
    still an error status, not a reply cut short.
    """
    first, *rest = _transformers(ctx, etl_name, pipeline)
    stream = get_object.open_object(ctx, bucket, name, None)
    try:
        local_path, size = str(stream.file.path), stream.length
    finally:
        stream.close()
    transformed = await first.open_inline(bucket, name, local_path, size, args)
    if not rest:
        return transformed
    chunks = transformed.chunks
    for stage in rest:
        chunks = stage.transform(bucket, name, chunks, args, staged=True)
    return await primed(Transformed(chunks, headers.OCTET_TYPE, None, transformed.close))


async def copy_transformed(
    ctx: NodeContext,
    bucket: BucketId,
    name: str,
    dst_bucket: BucketId,
    dst_name: str,
    etl_name: str,
    args: str,
    pipeline: str = "",
) -> None:
    """PUT with object_to and etl_name: store the object's transformed bytes under the destination."""
    ctx.bucket_props(bucket)
    ctx.bucket_props(dst_bucket)
    transform = copy_bucket.pipeline(_transformers(ctx, etl_name, pipeline), args)
    await TargetObjects(ctx).copy(bucket, name, dst_bucket, dst_name, transform, dry_run=False)


def open_callback_object(
    ctx: NodeContext, etl_name: str, secret: str, raw_uname: str
) -> get_object.ObjectStream:
    """Blocking: an object a transform server asks for (hpull), authorised by the ETL's secret."""
    if not _directory(ctx).secret_ok(etl_name, secret):
        raise BadRequest(f"ETL {etl_name}: invalid or expired secret")
    try:
        bucket, name = parse_uname(unquote(raw_uname))
    except ValueError as exc:
        raise BadRequest(f"ETL {etl_name}: invalid object uname {raw_uname!r}: {exc}") from exc
    if not name:
        raise BadRequest(f"ETL {etl_name}: object name is missing in {raw_uname!r}")
    return get_object.open_object(ctx, bucket, name, None)
