"""Job queries on the gateway: ask every target for its snapshots, then merge (jobs reference §1.2).

A cluster job is finished when every target's part has finished and the gateway has done its
own last step (e.g. dropping a renamed bucket); until then its status and snapshots read as
running. A job no target reports any more (its parts were lost to restarts, or never started)
is answered from the gateway's own record, in `qryxstats` under the primary's ID. Kinds may be
given by display name; an unknown kind in a query means "any kind".
"""

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from pyaistore.cluster import cluster_map
from pyaistore.cluster.errors import PeerFailed, PeerRejected
from pyaistore.jobs import kinds
from pyaistore.jobs.errors import InvalidJobRequest, JobNotFound
from pyaistore.node_context import NodeContext
from pyaistore.wire.job_snapshot import JobSnapshot, JobStatus
from pyaistore.wire.jobs import JobQuery
from pyaistore.wire.messages import Snode

__all__ = ["details", "node_snapshots", "running_all", "status", "status_all"]

NodeSnapshots = dict[str, list[JobSnapshot]]


def query_kind(query: JobQuery) -> JobQuery:
    """The query with its kind resolved (a display name becomes the kind; an unknown kind, none)."""
    return replace(query, kind=kinds.resolve(query.kind) or "") if query.kind else query


async def _target_snapshots(ctx: NodeContext, node: Snode, query: JobQuery) -> list[JobSnapshot]:
    try:
        return await ctx.peer_api.query_jobs(node, query)
    except PeerFailed:
        if cluster_map.is_leaving(node):
            return []  # in maintenance or leaving, and stopped
        raise
    except PeerRejected as exc:
        if cluster_map.has_left(node, exc.tcode):
            return []  # decommissioned: it forgot the cluster before the map dropped it
        raise


async def node_snapshots(ctx: NodeContext, query: JobQuery) -> NodeSnapshots:
    """Snapshots per target ID, gated by the gateway's own record of each job; empty lists dropped."""
    query = query_kind(query)
    working = cluster_map.working_targets(ctx.smap)
    targets = [t for t in working if not query.node or t.daemon_id == query.node]
    found = await asyncio.gather(*(_target_snapshots(ctx, t, query) for t in targets))
    result: NodeSnapshots = {}
    for node, snaps in zip(targets, found, strict=True):
        if snaps:
            result[node.daemon_id] = [_gated(ctx, snap) for snap in snaps]
    return result


def _gated(ctx: NodeContext, snap: JobSnapshot) -> JobSnapshot:
    """A target's snapshot, shown as running while the gateway has not finished the job."""
    record = ctx.jobs.get(snap.job_id)
    if record is not None and record.running and snap.finished and not snap.aborted:
        return snap.unfinished()
    return snap


def _merge(job_id: str, snaps: Iterable[JobSnapshot], ctx: NodeContext) -> JobStatus:
    """One job's status from its snapshots on every target (and the gateway's record)."""
    listed = list(snaps)
    record = ctx.jobs.get(job_id)
    kind = record.kind if record is not None else listed[0].kind
    errors = list(dict.fromkeys(s.err for s in listed if s.err))
    if record is not None and record.err:
        errors.append(record.err)
    aborted = any(s.aborted for s in listed) or (record is not None and record.aborted)
    finished = all(s.finished for s in listed) and (record is None or record.finished)
    end = max([s.end_ns for s in listed] + [record.end_ns if record else 0]) if finished else 0
    return JobStatus(job_id, kind, "; ".join(dict.fromkeys(errors)), end, aborted, finished)


def _by_job(per_node: NodeSnapshots) -> dict[str, list[JobSnapshot]]:
    grouped: dict[str, list[JobSnapshot]] = defaultdict(list)
    for snaps in per_node.values():
        for snap in snaps:
            grouped[snap.job_id].append(snap)
    return grouped


def _gateway_only(ctx: NodeContext, query: JobQuery, reported: Iterable[str]) -> list[JobSnapshot]:
    """Snapshots of the gateway's records that match the query and that no target reported
    (a record not yet on disk is not shown: a restarted primary would not know it)."""
    if query.node:
        return []
    query, seen = query_kind(query), set(reported)
    found = ctx.jobs.find(query.job_id, query.kind, query.bucket, query.active_only)
    return [job.snapshot() for job in found if job.listed and job.job_id not in seen]


async def _grouped(ctx: NodeContext, query: JobQuery) -> dict[str, list[JobSnapshot]]:
    """Every matching job's snapshots: the targets', else the gateway's record."""
    grouped = _by_job(await node_snapshots(ctx, query))
    for snap in _gateway_only(ctx, query, grouped):
        grouped[snap.job_id].append(snap)
    return grouped


async def status(ctx: NodeContext, query: JobQuery) -> JobStatus:
    """`what=status`: one job's terminal status, by ID (or the latest job of a kind)."""
    if not query.job_id and not query.kind:
        raise InvalidJobRequest("job status: need a job ID or kind")
    resolved = query_kind(query)
    if query.job_id:
        snaps = (await _grouped(ctx, JobQuery(job_id=query.job_id))).get(query.job_id, [])
        if not snaps:
            raise JobNotFound(f'job "{query.job_id}" not found')
        job_status = _merge(query.job_id, snaps, ctx)
        if resolved.kind and resolved.kind != job_status.kind:
            raise InvalidJobRequest(f'job "{query.job_id}" is {job_status.kind}, not {query.kind}')
        return job_status
    grouped = await _grouped(ctx, resolved)
    if not grouped:
        raise JobNotFound(f'no job of kind "{query.kind}" found')
    latest = max(grouped, key=lambda job_id: min(s.start_ns for s in grouped[job_id]))
    return _merge(latest, grouped[latest], ctx)


async def details(ctx: NodeContext, query: JobQuery) -> dict[str, list[dict[str, Any]]]:
    """`what=qryxstats`: snapshots keyed by target ID.

    By ID, JobNotFound when no target knows the job. Otherwise (by kind or bucket, or everything)
    every target answers, with an empty list when it has no match: AIS's targets answer 200 with
    their (possibly empty) list, and only "not found" by ID makes the gateway answer 404.
    """
    ids = [i for i in query.job_id.split(",") if i] or [""]
    merged: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not query.job_id:
        for node in cluster_map.working_targets(ctx.smap):
            if not query.node or node.daemon_id == query.node:
                merged[node.daemon_id] = []
    for job_id in ids:
        per_node = await node_snapshots(ctx, replace(query, job_id=job_id))
        for node_id, snaps in per_node.items():
            merged[node_id].extend(s.to_json() for s in snaps)
        reported = {snap.job_id for snaps in per_node.values() for snap in snaps}
        for snap in _gateway_only(ctx, replace(query, job_id=job_id), reported):
            merged[ctx.node.daemon_id].append(snap.to_json())
    if not merged and query.job_id:
        raise JobNotFound(f'no job matches id="{query.job_id}" kind="{query.kind}"')
    return dict(merged)


async def status_all(ctx: NodeContext, query: JobQuery) -> list[JobStatus]:
    """`what=status_all`: the status of every matching job, oldest first."""
    grouped = await _grouped(ctx, query)
    found = [_merge(job_id, snaps, ctx) for job_id, snaps in grouped.items()]
    if query.active_only:
        found = [s for s in found if not s.end_ns]
    return found


async def running_all(ctx: NodeContext, query: JobQuery) -> list[str]:
    """`what=running_all`: "kind[id]" of every running matching job."""
    found = await status_all(ctx, replace(query, active_only=True))
    return list(dict.fromkeys(s.running_name for s in found))
