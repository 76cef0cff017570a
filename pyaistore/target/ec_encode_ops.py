"""EncodeOps on this target: the ec-encode job's pages go through the EC repair pass."""

from pyaistore.target import ec_repair
from pyaistore.target.job_ops import TargetObjects
from pyaistore.wire.bucket_id import BucketId

__all__ = ["TargetEncode"]


class TargetEncode(TargetObjects):
    """ec-encode's view of this target (its listing comes from TargetObjects)."""

    async def encode_page(self, bucket: BucketId, names: list[str]) -> int:
        """Send the pieces the current holders lack of the objects owned here (new records included)."""
        return await ec_repair.repair_page(self._ctx, bucket, names)
