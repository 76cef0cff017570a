"""A node's metric families when scraped: request counters summed over its processes, plus what is read then.

Nothing here runs per request: the request path only adds to its counter row
(web/request_metrics.py). A scrape sums the rows, reads the job registry, and reads the
operating system in a worker thread (a disk that hangs must not stall the event loop).
"""

import asyncio
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass

from pyaistore.cluster import cluster_map
from pyaistore.jobs.registry import KindTotals
from pyaistore.monitoring import host_sample
from pyaistore.monitoring.exposition import Family
from pyaistore.node_context import NodeContext
from pyaistore.wire import jobs as job_kinds
from pyaistore.wire import metric_names as names
from pyaistore.wire.messages import Snode

__all__ = ["collect", "state_flags"]


@dataclass(frozen=True, slots=True)
class _SystemSample:
    cpu_ns: int
    rss: int
    memory: host_sample.HostMemory | None
    load: float | None
    disks: dict[str, host_sample.DiskUsage]


def _read_system(pids: list[int], roots: list[str]) -> _SystemSample:
    cpu_ns, rss = host_sample.process_usage(pids)
    try:
        load: float | None = os.getloadavg()[0]
    except OSError:
        load = None
    disks = {root: usage for root in roots if (usage := host_sample.disk_usage(root)) is not None}
    return _SystemSample(cpu_ns, rss, host_sample.host_memory(), load, disks)


def state_flags(ctx: NodeContext, running_kinds: set[str]) -> int:
    """AIS's node-state bits this node can tell: started, joined, rebalancing, resilvering, maintenance."""
    flags = names.NODE_STARTED
    if ctx.meta.smap is not None and (ctx.agent is None or ctx.agent.joined.is_set()):
        flags |= names.CLUSTER_STARTED
        mine = cluster_map.find_node(ctx.meta.smap, ctx.node.daemon_id)
        if mine is not None and cluster_map.is_leaving(mine):
            flags |= names.MAINTENANCE_MODE
    if job_kinds.REBALANCE in running_kinds:
        flags |= names.REBALANCING
    if job_kinds.RESILVER in running_kinds:
        flags |= names.RESILVERING
    return flags


async def collect(ctx: NodeContext) -> list[Family]:
    """Every family this node exports, its samples labelled with its ID."""
    role = ctx.node.daemon_type
    node: Mapping[str, str] = {names.NODE_LABEL: _label(ctx.node)}
    families = _request_families(ctx, role, node)
    totals = ctx.jobs.totals_by_kind()
    running = {kind for kind, total in totals.items() if total.running}
    roots = [mp.root_str for mp in ctx.store.mountpaths.available] if ctx.store is not None else []
    system = await asyncio.to_thread(_read_system, ctx.monitor.process_ids(), roots)
    uptime = (time.time_ns() - ctx.started_ns) // 1_000_000_000
    families.append(Family.of(names.UPTIME, role).add(node, uptime))
    families.append(Family.of(names.STATE_FLAGS, role).add(node, state_flags(ctx, running)))
    families.append(Family.of(names.CPU_NS, role).add(node, system.cpu_ns))
    families.append(Family.of(names.RSS_BYTES, role).add(node, system.rss))
    families.append(Family.of(names.HOST_CPUS, role).add(node, os.cpu_count() or 1))
    if system.load is not None:
        families.append(Family.of(names.HOST_LOAD, role).add(node, system.load))
    if system.memory is not None:
        families.append(Family.of(names.HOST_MEM_TOTAL, role).add(node, system.memory.total))
        families.append(Family.of(names.HOST_MEM_AVAIL, role).add(node, system.memory.available))
    if ctx.store is not None:
        families.extend(_disk_families(role, node, system.disks))
    families.extend(_job_families(role, node, totals))
    return families


def _label(node: Snode) -> str:
    """AIS's node_id label: the ID with dots as underscores."""
    return node.daemon_id.replace(".", "_")


def _request_families(ctx: NodeContext, role: str, node: Mapping[str, str]) -> list[Family]:
    values = ctx.monitor.counters.totals()
    families: list[Family] = []
    for metric, value in zip(names.REQUEST_COUNTERS, values, strict=True):
        if role not in metric.roles:
            continue
        labels = {**node, **{label: "" for label in metric.labels}}
        families.append(Family.of(metric, role).add(labels, value))
    return families


def _disk_families(
    role: str, node: Mapping[str, str], disks: Mapping[str, host_sample.DiskUsage]
) -> list[Family]:
    capacity = Family.of(names.MOUNTPATH_TOTAL, role)
    used = Family.of(names.MOUNTPATH_USED, role)
    available = Family.of(names.MOUNTPATH_AVAIL, role)
    for root, usage in sorted(disks.items()):
        labels = {**node, names.MOUNTPATH_LABEL: root}
        capacity.add(labels, usage.capacity)
        used.add(labels, usage.used)
        available.add(labels, usage.available)
    return [capacity, used, available]


def _job_families(role: str, node: Mapping[str, str], totals: Mapping[str, KindTotals]) -> list[Family]:
    started = Family.of(names.JOBS_STARTED, role)
    running = Family.of(names.JOBS_RUNNING, role)
    objects = Family.of(names.JOBS_OBJECTS, role)
    size = Family.of(names.JOBS_BYTES, role)
    for kind, total in sorted(totals.items()):
        labels = {**node, names.XKIND_LABEL: kind}
        started.add(labels, total.started)
        running.add(labels, total.running)
        objects.add(labels, total.objects)
        size.add(labels, total.size)
    return [started, running, objects, size]
