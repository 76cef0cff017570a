"""Enumerations of the official SDK's `aistore.sdk.enums` that this SDK uses."""

from enum import IntEnum, StrEnum

from pyaistore.wire import get_batch, monitoring

__all__ = ["Colocation", "LogSeverity", "NodeFilter"]


class Colocation(IntEnum):
    """Colocation hint of a get-batch request: which target assembles it.

    NONE: any target (data spread evenly); TARGET_AWARE: the target owning most entries;
    TARGET_AND_SHARD_AWARE: not implemented by AIStore (refused).
    """

    NONE = get_batch.COLOC_NONE
    TARGET_AWARE = get_batch.COLOC_TARGET
    TARGET_AND_SHARD_AWARE = get_batch.COLOC_SHARD


class LogSeverity(StrEnum):
    """Severity of a node log: info holds every record; warning and error read the same file."""

    INFO = monitoring.SEVERITY_INFO
    WARNING = monitoring.SEVERITY_WARNING
    ERROR = monitoring.SEVERITY_ERROR


class NodeFilter(StrEnum):
    """Which nodes of the cluster: targets, proxies, or all."""

    TARGET = "target"
    PROXY = "proxy"
    ALL = "all"
