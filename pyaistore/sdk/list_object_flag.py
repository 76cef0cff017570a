"""Flags that change what a listing returns (reference §3.8); values are bit positions."""

from collections.abc import Iterable
from enum import IntEnum

from pyaistore.sdk import const
from pyaistore.wire import messages

__all__ = ["ListObjectFlag"]


def _bit(value: int) -> int:
    """The position of a single-bit flag value."""
    return value.bit_length() - 1


class ListObjectFlag(IntEnum):
    """A listing flag; the wire value of a set of flags is the OR of `1 << flag`."""

    CACHED = _bit(messages.LSO_CACHED)
    MISSING = const.LSO_BIT_MISSING
    DELETED = const.LSO_BIT_DELETED
    ARCH_DIR = _bit(messages.LSO_ARCH_DIR)
    NAME_ONLY = _bit(messages.LSO_NAME_ONLY)
    NAME_SIZE = _bit(messages.LSO_NAME_SIZE)
    BCK_PRESENT = const.LSO_BIT_BCK_PRESENT
    DONT_HEAD_REMOTE = const.LSO_BIT_DONT_HEAD_REMOTE
    DONT_ADD_REMOTE = const.LSO_BIT_DONT_ADD_REMOTE
    NOT_CACHED = _bit(messages.LSO_NOT_CACHED)
    ONLY_REMOTE_PROPS = const.LSO_BIT_ONLY_REMOTE_PROPS
    NO_RECURSION = _bit(messages.LSO_NO_RECURSION)
    DIFF = const.LSO_BIT_DIFF
    NO_DIRS = _bit(messages.LSO_NO_DIRS)

    @staticmethod
    def join_flags(flags: Iterable["ListObjectFlag"]) -> int:
        """The wire value of a set of flags, e.g. [NAME_ONLY, NOT_CACHED] -> 528."""
        result = 0
        for flag in flags:
            result |= 1 << flag.value
        return result
