"""The gateway's checks of a bucket's `ec` properties that need the cluster map (reference §5.1).

storage/bucket_meta.py checks the section on its own (D and P in [1, 32], 0 meaning 2, the
object-size limit); here: enough active targets to place every piece on its own target, and no
change of D or P (nor, unless forced, of the object-size limit) once EC is enabled. Messages are
AIS's (ais/prxtxn.go, cmn/config.go).
"""

from collections.abc import Mapping
from typing import Any

from pyaistore.cluster.cluster_meta import active_target_ids
from pyaistore.cluster.errors import BadRequest, NotEnoughTargets
from pyaistore.node_context import NodeContext
from pyaistore.storage.bucket_meta import EC_REPLICATE_ALL
from pyaistore.wire.bucket_id import BucketId

__all__ = ["check_change", "check_targets", "required_targets"]


def required_targets(ec: Mapping[str, Any]) -> int:
    """Active targets an EC section needs: the main one plus one per piece."""
    if ec["objsize_limit"] == EC_REPLICATE_ALL:
        return int(ec["parity_slices"]) + 1
    return int(ec["data_slices"]) + int(ec["parity_slices"]) + 1


def check_targets(ctx: NodeContext, ec: Mapping[str, Any]) -> None:
    """NotEnoughTargets when an enabled section needs more active targets than the cluster has."""
    if not ec["enabled"]:
        return
    have, needed = len(active_target_ids(ctx.smap)), required_targets(ec)
    if have < needed:
        raise NotEnoughTargets(
            f"EC configuration (D = {ec['data_slices']}, P = {ec['parity_slices']})"
            f" requires at least {needed} targets (have {have})"
        )


def check_change(
    ctx: NodeContext, bucket: BucketId, old: Mapping[str, Any], new: Mapping[str, Any], force: bool
) -> None:
    """Refuse what AIS refuses on a props change; `force` allows a new size limit and too few targets."""
    old_ec, new_ec = old["ec"], new["ec"]
    if old_ec["enabled"] and new_ec["enabled"]:
        if (old_ec["data_slices"], old_ec["parity_slices"]) != (
            new_ec["data_slices"],
            new_ec["parity_slices"],
        ):
            raise BadRequest(
                f"{bucket.cname}: once enabled, EC data/parity slices cannot change"
                f" (old D={old_ec['data_slices']}, P={old_ec['parity_slices']};"
                f" new D={new_ec['data_slices']}, P={new_ec['parity_slices']})"
            )
        if old_ec["objsize_limit"] != new_ec["objsize_limit"] and not force:
            raise BadRequest(
                f"cannot change {bucket.cname}: EC object-size limit"
                f" ({old_ec['objsize_limit']} => {new_ec['objsize_limit']}) while EC is enabled"
                " (tip: consider using '--force')"
            )
    if not force:
        check_targets(ctx, new_ec)
