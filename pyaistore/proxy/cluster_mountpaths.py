"""Every target's mountpaths, as the gateway sees them: the cluster-wide listing
(`GET /v1/cluster?what=mountpaths`) and the checks of mirroring against them.

AIS checks the number of copies on each target in the first phase of its transaction; here the
gateway asks every target for its mountpaths first and refuses, naming the first target (by ID)
that could not keep the copies, before any metadata changes. A target re-checks when it starts
its part, so a disk lost in between still refuses the job.
"""

import asyncio

from pyaistore.cluster.errors import BadRequest
from pyaistore.node_context import NodeContext
from pyaistore.storage.resilver import MAX_COPIES
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.mountpaths import MountpathList

__all__ = ["all_targets", "check_copies", "check_mirror"]


async def all_targets(ctx: NodeContext) -> dict[str, MountpathList]:
    """Target ID -> its mountpaths, for every target in the map (sorted by ID)."""
    targets = [ctx.smap.targets[node_id] for node_id in sorted(ctx.smap.targets)]
    found = await asyncio.gather(*(ctx.peer_api.mountpaths(node) for node in targets))
    return {node.daemon_id: mountpaths for node, mountpaths in zip(targets, found, strict=True)}


async def check_copies(ctx: NodeContext, copies: int) -> None:
    """make-n-copies: 400 unless `copies` is in [1, 16] and no target has fewer available mountpaths."""
    for node_id, mountpaths in (await all_targets(ctx)).items():
        name = ctx.smap.targets[node_id].display_name
        if not 1 <= copies <= MAX_COPIES:
            raise BadRequest(f"{name}: invalid num copies {copies}, must be in [1, {MAX_COPIES}] range")
        if copies > len(mountpaths.available):
            raise BadRequest(
                f"{name}: number of copies ({copies}) exceeds the number of mountpaths "
                f"({len(mountpaths.available)})"
            )


async def check_mirror(ctx: NodeContext, bucket: BucketId, copies: int) -> None:
    """set-bprops turning mirroring on (or up): 400 when a target has fewer available mountpaths."""
    for node_id, mountpaths in (await all_targets(ctx)).items():
        available = len(mountpaths.available)
        if copies > available:
            name = ctx.smap.targets[node_id].display_name
            raise BadRequest(
                f"{name}: not enough mountpaths ({available}) to configure {bucket.cname} "
                f"as {copies}-way mirror"
            )
