"""Enumerations of the SDK, as `aistore.sdk.enums` spells them."""

from enum import IntEnum

from pyaistore.wire import get_batch

__all__ = ["Colocation"]


class Colocation(IntEnum):
    """Colocation hint of a get-batch request: which target assembles it.

    NONE: any target (data spread evenly); TARGET_AWARE: the target owning most entries;
    TARGET_AND_SHARD_AWARE: not implemented by AIStore (refused).
    """

    NONE = get_batch.COLOC_NONE
    TARGET_AWARE = get_batch.COLOC_TARGET
    TARGET_AND_SHARD_AWARE = get_batch.COLOC_SHARD
