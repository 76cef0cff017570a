"""What `pyaistore cluster show` reads from the nodes' metrics, like `ais show cluster`: per node its
CPU, memory, requests/s and throughput (the difference of two scrapes over the time between them),
and per target mountpath its capacity, used and free space."""

from typing import Any, Final

from pyaistore.cli.render import Column, human_size
from pyaistore.sdk.node_metrics import ClusterMetrics, NodeMetrics
from pyaistore.wire import metric_names as names

__all__ = ["MOUNTPATH_COLUMNS", "NODE_METRIC_COLUMNS", "mountpath_records", "node_figures"]


def _percent(value: float) -> str:
    return f"{value:.1f}%"


def _rate(value: float) -> str:
    return f"{value:,.1f}"


def _per_second(value: float) -> str:
    return human_size(int(value)) + "/s"


def _duration(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


NODE_METRIC_COLUMNS: Final = (
    Column("cpu_percent", "CPU", _percent, "right"),
    Column("memory", "MEM", lambda v: human_size(int(v)), "right"),
    Column("host_memory_free", "HOST MEM FREE", lambda v: human_size(int(v)), "right"),
    Column("requests_per_s", "REQ/S", _rate, "right"),
    Column("get_per_s", "GET", _per_second, "right"),
    Column("put_per_s", "PUT", _per_second, "right"),
    Column("capacity_used_percent", "CAP USED", _percent, "right"),
    Column("capacity_free", "CAP FREE", lambda v: human_size(int(v)), "right"),
    Column("uptime", "UPTIME", _duration, "right"),
)
MOUNTPATH_COLUMNS: Final = (
    Column("node", "NODE"),
    Column("mountpath", "MOUNTPATH"),
    Column("capacity", "CAPACITY", lambda v: human_size(int(v)), "right"),
    Column("used", "USED", lambda v: human_size(int(v)), "right"),
    Column("free", "FREE", lambda v: human_size(int(v)), "right"),
    Column("used_percent", "USED %", _percent, "right"),
)
_REQUESTS: Final = (names.GET_COUNT, names.PUT_COUNT, names.DEL_COUNT, names.LIST_COUNT, names.HEAD_COUNT)


def _value(node: NodeMetrics, role: str, metric: names.MetricDef) -> float | None:
    return node.value(metric.full_name(role))


def node_figures(
    role: str, now: NodeMetrics | None, before: NodeMetrics | None, seconds: float
) -> dict[str, Any]:
    """One node's figures (missing ones left out): rates need `before`, taken `seconds` earlier."""
    if now is None:
        return {}
    figures: dict[str, Any] = {}
    for key, metric in (
        ("memory", names.RSS_BYTES),
        ("host_memory_free", names.HOST_MEM_AVAIL),
        ("uptime", names.UPTIME),
    ):
        value = _value(now, role, metric)
        if value is not None:
            figures[key] = value
    capacity = sum(now.by_label(names.MOUNTPATH_TOTAL.full_name(role), names.MOUNTPATH_LABEL).values())
    if capacity:
        used = sum(now.by_label(names.MOUNTPATH_USED.full_name(role), names.MOUNTPATH_LABEL).values())
        free = sum(now.by_label(names.MOUNTPATH_AVAIL.full_name(role), names.MOUNTPATH_LABEL).values())
        figures["capacity_used_percent"] = 100 * used / capacity
        figures["capacity_free"] = free
    if before is None or seconds <= 0:
        return figures

    def delta(metric: names.MetricDef) -> float:
        return max(0.0, (_value(now, role, metric) or 0.0) - (_value(before, role, metric) or 0.0))

    figures["cpu_percent"] = delta(names.CPU_NS) / seconds / 1e7
    figures["requests_per_s"] = sum(delta(metric) for metric in _REQUESTS if role in metric.roles) / seconds
    if role == names.TARGET_ROLE:
        figures["get_per_s"] = delta(names.GET_BYTES) / seconds
        figures["put_per_s"] = delta(names.PUT_BYTES) / seconds
    return figures


def mountpath_records(metrics: ClusterMetrics) -> list[dict[str, Any]]:
    """One record per target mountpath: capacity, used, free (bytes) and used %."""
    records = []
    role = names.TARGET_ROLE
    for node_id in sorted(metrics.nodes):
        node = metrics.nodes[node_id]
        capacity = node.by_label(names.MOUNTPATH_TOTAL.full_name(role), names.MOUNTPATH_LABEL)
        used = node.by_label(names.MOUNTPATH_USED.full_name(role), names.MOUNTPATH_LABEL)
        free = node.by_label(names.MOUNTPATH_AVAIL.full_name(role), names.MOUNTPATH_LABEL)
        for path in sorted(capacity):
            total = capacity[path]
            records.append(
                {
                    "node": node_id,
                    "mountpath": path,
                    "capacity": total,
                    "used": used.get(path, 0.0),
                    "free": free.get(path, 0.0),
                    "used_percent": 100 * used.get(path, 0.0) / total if total else 0.0,
                }
            )
    return records
