"""ec-encode: enable erasure coding on a bucket and encode the objects it has (reference §5.2).

Gateway: `POST /v1/buckets/<b>` with `{"action": "ec-encode", "value": {"data_slices": D,
"parity_slices": P, "objsize_limit": N}}`. D and P are required; checked as AIS does (ranges, D
and P fixed once enabled, enough active targets); the bucket table gets the EC section, then
every target encodes the objects it owns (jobs/ec_encode.py). The reply is the job ID.
"""

from typing import Any

from pyaistore.cluster.errors import BadRequest, BucketNotFound, NotSupported
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs import ec_encode
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs, erasure_props
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.storage import bucket_meta
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.target.ec_encode_ops import TargetEncode
from pyaistore.target.jobs import require_bucket
from pyaistore.wire import actions
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import JobStartMsg

__all__ = ["EC_ENCODE"]


def _section(value: Any) -> dict[str, Any]:
    """The EC section to set from the action value (AIS's ECConfToSet)."""
    if not isinstance(value, dict):
        raise BadRequest(f"{actions.EC_ENCODE}: value must be a JSON object")
    if value.get("data_slices") is None:
        raise BadRequest("missing number of data slices")
    if value.get("parity_slices") is None:
        raise BadRequest("missing number of parity slices")
    section: dict[str, Any] = {"enabled": True}
    for key in ("data_slices", "parity_slices", "objsize_limit"):
        if value.get(key) is not None:
            if type(value[key]) is not int:
                raise BadRequest(f"{actions.EC_ENCODE}: {key} must be an integer")
            section[key] = value[key]
    return section


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Check the request, set the bucket's EC section, start encoding on every target."""
    bucket = request.bucket
    if bucket is None:
        raise BadRequest(f"{actions.EC_ENCODE}: missing bucket")
    if ctx.owner is None:
        raise NotSupported("bucket changes go to the primary proxy")
    section = _section(request.value)
    owner = ctx.owner

    def change(table: BucketTable) -> BucketTable:
        props = table.get(bucket)
        if props is None:
            raise BucketNotFound(bucket)
        new = bucket_meta.apply_patch(props, {"ec": section})
        old_ec, new_ec = props["ec"], new["ec"]
        if old_ec["enabled"] and (old_ec["data_slices"], old_ec["parity_slices"]) != (
            new_ec["data_slices"],
            new_ec["parity_slices"],
        ):
            raise BadRequest(f"{ctx.node.display_name}: EC is already enabled on the bucket {bucket.cname}")
        erasure_props.check_targets(ctx, new_ec)
        return table.with_bucket(bucket, new)

    # Checked now, so a refusal answers before any job exists; applied again (atomically) below.
    change(ctx.meta.buckets)

    async def prepare() -> None:
        await owner.update_buckets(change)

    return await cluster_jobs.start(
        ctx, ClusterJob(kinds.EC_ENCODE, bucket, value=request.value, prepare=prepare)
    )


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part: encode what it owns of the bucket."""
    bucket: BucketId = require_bucket(ctx, msg.bucket, "")
    ops = TargetEncode(ctx)
    return Job(msg.job_id, msg.kind, bucket=bucket), lambda job: ec_encode.run(job, ops, bucket)


EC_ENCODE = JobKind(kinds.EC_ENCODE, start, plan, (("POST", actions.EC_ENCODE),))
