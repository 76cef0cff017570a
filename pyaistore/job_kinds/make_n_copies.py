"""make-n-copies (display name mirror): N copies of every object of a bucket on each target (reference §4).

Gateway: `POST /v1/buckets/<b>` action make-n-copies with N (a JSON number or a decimal string)
checks N against every target's mountpaths (400 naming the first that cannot: N in [1, 16], at
most its available mountpaths), sets `mirror.copies=N` and `mirror.enabled=N>1` in the bucket
table (undone if a target refuses), then starts the job everywhere; the reply is its ID. A
set-bprops that turns mirroring on, or changes its copies while on, starts the same job (AIS's
rule: turning it off starts nothing; extra copies go with the next write or resilver) and its
reply is the job ID. Targets: each walks its objects of the bucket, making and removing copies
(target/resilvers.py); a newer make-n-copies of the bucket preempts an older one.
"""

import re
from typing import Any, Final

from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import buckets, cluster_jobs, cluster_mountpaths
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.storage import bucket_meta
from pyaistore.target import resilvers
from pyaistore.target.jobs import require_bucket
from pyaistore.wire import actions
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import JobStartMsg
from pyaistore.wire.limits import MAX_INT_DIGITS

__all__ = ["MAKE_N_COPIES", "needs_remirror", "parse_copies", "set_bucket_props"]

_DECIMAL: Final = re.compile(r"[+-]?[0-9]+")


def parse_copies(value: Any) -> int:
    """The number of copies of an action value: a JSON number or a decimal string (400 otherwise)."""
    if isinstance(value, float | int) and not isinstance(value, bool) and abs(value) < 2**53:
        return int(value)  # Go reads a JSON number as float64 and truncates it
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()) and len(value.strip()) <= MAX_INT_DIGITS:
        return int(value.strip())
    raise InvalidJobRequest(f"failed to parse 'copies' ({value!r}, {type(value).__name__}) - unexpected type")


def needs_remirror(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """AIS's rule: mirroring turned on, or its copies changed while it stays on."""
    before, after = old["mirror"], new["mirror"]
    if not after["enabled"]:
        return False
    return not before["enabled"] or before["copies"] != after["copies"]


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """Check N everywhere, set the bucket's mirror props, start the job on every target."""
    bucket = request.bucket
    if bucket is None:
        raise InvalidJobRequest(f"{kinds.MAKE_N_COPIES}: a bucket is required")
    ctx.bucket_props(bucket)
    copies = parse_copies(request.value)
    await cluster_mountpaths.check_copies(ctx, copies)
    previous: dict[str, Any] = {}

    async def prepare() -> None:
        previous.update(await buckets.set_mirror(ctx, bucket, copies, copies > 1))

    async def rollback() -> None:
        await buckets.set_mirror(ctx, bucket, previous["copies"], previous["enabled"])

    job = ClusterJob(
        kinds.MAKE_N_COPIES, bucket, value=copies, force=request.force, prepare=prepare, rollback=rollback
    )
    return await cluster_jobs.start(ctx, job)


async def set_bucket_props(ctx: NodeContext, bucket: BucketId, patch: Any) -> str:
    """set-bprops: apply the patch, re-mirroring when it asks for it; the job's ID, or "" when none.

    As AIS's targets do, props that leave mirroring on are refused when a target has fewer
    available mountpaths than the copies.
    """
    preview = bucket_meta.apply_patch(dict(ctx.bucket_props(bucket)), buckets.check_patch(bucket, patch))
    if preview["mirror"]["enabled"]:
        await cluster_mountpaths.check_mirror(ctx, bucket, preview["mirror"]["copies"])
    old, new = await buckets.set_props(ctx, bucket, patch)
    if not needs_remirror(old, new):
        return ""
    copies = new["mirror"]["copies"]
    return await cluster_jobs.start(ctx, ClusterJob(kinds.MAKE_N_COPIES, bucket, value=copies))


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's part: refused at once when N is out of range or above its mountpaths."""
    bucket = require_bucket(ctx, msg.bucket, "")
    return resilvers.plan_make_n_copies(ctx, msg.job_id, bucket, parse_copies(msg.value))


MAKE_N_COPIES = JobKind(kinds.MAKE_N_COPIES, start, plan, bucket_actions=(("POST", actions.MAKE_N_COPIES),))
