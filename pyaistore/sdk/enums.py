"""Enumerations of the official SDK's `aistore.sdk.enums` that this SDK uses."""

from enum import StrEnum

from pyaistore.wire import monitoring

__all__ = ["LogSeverity", "NodeFilter"]


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
