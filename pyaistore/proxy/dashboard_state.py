"""What the dashboard shows, gathered by the gateway in one answer (`GET /dashboard/api/state`).

The page polls this every few seconds: the cluster map with each node's state, each node's
numbers read from its /metrics (counters, CPU, memory, capacity per mountpath), the jobs the
targets report (running ones first, then the latest finished), and the ETLs. Throughput is the
page's to compute: the difference of two polls' byte counters over the time between them.
"""

import time
from collections.abc import Iterable
from typing import Any, Final

from pyaistore.cluster.errors import PeerFailed, PeerRejected
from pyaistore.monitoring import exposition
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_metrics, job_queries
from pyaistore.wire import metric_names as names
from pyaistore.wire.job_snapshot import JobSnapshot
from pyaistore.wire.jobs import JobQuery
from pyaistore.wire.membership import FLAG_DECOMMISSION, FLAG_MAINTENANCE, FLAG_MAINTENANCE_DONE
from pyaistore.wire.messages import Snode

__all__ = ["MAX_FINISHED_JOBS", "collect", "node_state"]

MAX_FINISHED_JOBS: Final = 10
# Counters the page shows or turns into rates, by short name (summed over their labels).
_COUNTERS: Final = (
    names.GET_COUNT,
    names.GET_BYTES,
    names.PUT_COUNT,
    names.PUT_BYTES,
    names.DEL_COUNT,
    names.LIST_COUNT,
    names.ERR_GET,
    names.ERR_PUT,
    names.ERR_DEL,
    names.CPU_NS,
)
_GAUGES: Final = (names.RSS_BYTES, names.HOST_MEM_TOTAL, names.HOST_MEM_AVAIL, names.HOST_LOAD, names.UPTIME)


def node_state(node: Snode) -> str:
    """online, maintenance, decommissioning (from the map's flags)."""
    if node.flags & FLAG_DECOMMISSION:
        return "decommissioning"
    if node.flags & FLAG_MAINTENANCE:
        return "maintenance" if node.flags & FLAG_MAINTENANCE_DONE else "maintenance (draining)"
    return "online"


def _node(ctx: NodeContext, node: Snode, text: str | None, failure: str) -> dict[str, Any]:
    role = node.daemon_type
    record: dict[str, Any] = {
        "id": node.daemon_id,
        "role": role,
        "url": node.public_net.url,
        "primary": node.daemon_id == ctx.smap.primary.daemon_id,
        "state": node_state(node),
        "reachable": text is not None,
        "error": failure,
    }
    samples = exposition.parse(text) if text is not None else []
    values: dict[str, float] = {}
    for sample in samples:
        values[sample.name] = values.get(sample.name, 0.0) + sample.value
    record["counters"] = {m.name: values.get(m.full_name(role), 0) for m in _COUNTERS if role in m.roles}
    record["gauges"] = {m.name: values[m.full_name(role)] for m in _GAUGES if m.full_name(role) in values}
    record["mountpaths"] = _mountpaths(role, samples)
    return record


def _mountpaths(role: str, samples: Iterable[exposition.Sample]) -> list[dict[str, Any]]:
    wanted = {
        names.MOUNTPATH_TOTAL.full_name(role): "capacity",
        names.MOUNTPATH_USED.full_name(role): "used",
        names.MOUNTPATH_AVAIL.full_name(role): "available",
    }
    found: dict[str, dict[str, Any]] = {}
    for sample in samples:
        key = wanted.get(sample.name)
        if key is not None:
            path = sample.labels.get(names.MOUNTPATH_LABEL, "")
            found.setdefault(path, {"path": path})[key] = sample.value
    return [found[path] for path in sorted(found)]


def _jobs(snapshots: dict[str, list[JobSnapshot]]) -> list[dict[str, Any]]:
    """One record per job: its targets' counters summed; running first, then the latest finished."""
    merged: dict[str, dict[str, Any]] = {}
    for node_id, snaps in snapshots.items():
        for snap in snaps:
            job = merged.setdefault(
                snap.job_id,
                {
                    "id": snap.job_id,
                    "kind": snap.kind,
                    "buckets": _buckets(snap),
                    "start_ns": snap.start_ns,
                    "end_ns": 0,
                    "running": False,
                    "aborted": False,
                    "objects": 0,
                    "bytes": 0,
                    "targets": [],
                    "error": "",
                },
            )
            job["running"] = job["running"] or not snap.finished
            job["aborted"] = job["aborted"] or snap.aborted
            job["end_ns"] = max(job["end_ns"], snap.end_ns)
            job["objects"] += snap.stats.loc_objs
            job["bytes"] += snap.stats.loc_bytes
            job["targets"].append(node_id)
            job["error"] = job["error"] or snap.err or snap.abort_err
    for job in merged.values():
        if job["running"]:
            job["end_ns"] = 0
    running = sorted((j for j in merged.values() if j["running"]), key=lambda j: -j["start_ns"])
    done = sorted((j for j in merged.values() if not j["running"]), key=lambda j: -j["end_ns"])
    return running + done[:MAX_FINISHED_JOBS]


def _buckets(snap: JobSnapshot) -> str:
    if snap.src_bucket is not None and snap.dst_bucket is not None:
        return f"{snap.src_bucket.cname} -> {snap.dst_bucket.cname}"
    bucket = snap.bucket or snap.src_bucket or snap.dst_bucket
    return bucket.cname if bucket is not None else ""


async def _job_snapshots(ctx: NodeContext) -> tuple[dict[str, list[JobSnapshot]], str]:
    try:
        return await job_queries.node_snapshots(ctx, JobQuery()), ""
    except (PeerFailed, PeerRejected) as exc:
        return {}, f"jobs: {exc}"


async def collect(ctx: NodeContext) -> dict[str, Any]:
    """The dashboard's state: map, nodes with their numbers, jobs, ETLs, and when it was read."""
    smap = ctx.smap
    texts, failures = await cluster_metrics.scrape_all(ctx)
    snapshots, jobs_error = await _job_snapshots(ctx)
    nodes = [*sorted(smap.proxies.values(), key=_id), *sorted(smap.targets.values(), key=_id)]
    return {
        "time_ms": time.time_ns() // 1_000_000,
        "smap_version": smap.version,
        "uuid": smap.uuid,
        "nodes": [
            _node(ctx, node, texts.get(node.daemon_id), failures.get(node.daemon_id, "")) for node in nodes
        ],
        "jobs": _jobs(snapshots),
        "jobs_error": jobs_error,
        "etls": [
            {"name": name, "stage": entry.stage, "runtime": str(entry.init_msg.get("runtime", ""))}
            for name, entry in sorted(ctx.meta.etls.entries.items())
        ],
    }


def _id(node: Snode) -> str:
    return node.daemon_id
