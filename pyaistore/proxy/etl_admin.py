"""ETL management on the primary: init, start, stop, delete, list, view, logs (jobs reference §4.2).

Like AIS's proxy: a new or restarted ETL is written to the ETL table as Initializing, every
target starts it and waits until its transform servers answer, and only then is it Running;
if any target fails, all stop it and it stays defined as Aborted. Stop asks the targets to
stop and records Aborted. Delete removes a stopped ETL (a running one must be stopped first).
"""

import asyncio
import base64
import json
import secrets
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from pyaistore.cluster import cluster_map
from pyaistore.cluster.errors import BadRequest, NotSupported, PeerFailed, PeerRejected
from pyaistore.cluster.etl_table import EtlEntry, EtlTable
from pyaistore.cluster.meta_owner import MetaOwner
from pyaistore.cluster.peer_client import PeerReply
from pyaistore.etl import spec as etl_spec
from pyaistore.etl.errors import EtlAlreadyExists, EtlNotFound, EtlStageConflict
from pyaistore.node_context import NodeContext
from pyaistore.wire import etl as wire_etl
from pyaistore.wire import paths, query
from pyaistore.wire.error_body import ErrorBody
from pyaistore.wire.etl import EtlDetails, EtlInfo, ObjError
from pyaistore.wire.messages import Snode

__all__ = ["delete", "details", "health", "init", "list_etls", "logs", "require_running", "start", "stop"]

CALL_TIMEOUT: Final = 30.0


def _owner(ctx: NodeContext) -> MetaOwner:
    if ctx.owner is None:
        raise NotSupported("ETL changes go to the primary proxy")
    return ctx.owner


def _entry(ctx: NodeContext, name: str) -> EtlEntry:
    entry = ctx.meta.etls.get(name)
    if entry is None:
        raise EtlNotFound(f"{ctx.node.display_name}: etl job {name} does not exist")
    return entry


async def init(ctx: NodeContext, msg: Mapping[str, Any]) -> str:
    """Define and start a new ETL; its instance ID (`etl-<uuid>`)."""
    spec = etl_spec.parse(msg)
    if ctx.meta.etls.get(spec.name) is not None:
        raise EtlAlreadyExists(f"{ctx.node.display_name}: etl job {spec.name} already exists")
    return await _start(ctx, spec, dict(msg), new=True)


async def start(ctx: NodeContext, name: str) -> str:
    """Start a stopped (Aborted) ETL again; its new instance ID."""
    entry = _entry(ctx, name)
    if entry.stage != wire_etl.STAGE_ABORTED:
        raise EtlStageConflict(f"can't start etl job {name} during {entry.stage} stage")
    msg = dict(entry.init_msg)
    return await _start(ctx, etl_spec.parse(msg), msg, new=False)


async def _start(ctx: NodeContext, spec: etl_spec.EtlSpec, msg: dict[str, Any], new: bool) -> str:
    owner = _owner(ctx)
    xaction_id = wire_etl.XACTION_PREFIX + uuid.uuid4().hex[:12]
    entry = EtlEntry(
        MappingProxyType(msg), wire_etl.STAGE_INITIALIZING, xaction_id, secrets.token_urlsafe(12)
    )

    def initializing(table: EtlTable) -> EtlTable:
        if new and table.get(spec.name) is not None:
            raise EtlAlreadyExists(f"{ctx.node.display_name}: etl job {spec.name} already exists")
        return table.with_entry(entry)

    await owner.update_etls(initializing)
    body = {
        wire_etl.START_INIT_MSG: msg,
        wire_etl.START_XACTION: xaction_id,
        wire_etl.START_SECRET: entry.secret,
    }
    replies = await _each_target(
        ctx, "PUT", paths.url_path(paths.ETL), body, spec.init_timeout + CALL_TIMEOUT
    )
    try:
        _raise_first_failure(replies, f"starting ETL {spec.name}")
    except Exception:
        await _each_target(ctx, "DELETE", paths.url_path(paths.ETL, spec.name), None, CALL_TIMEOUT)
        await _set_stage(owner, entry, wire_etl.STAGE_ABORTED)
        raise
    await _set_stage(owner, entry, wire_etl.STAGE_RUNNING)
    return xaction_id


async def stop(ctx: NodeContext, name: str) -> None:
    """Stop an ETL on every target and record it as Aborted (it stays defined)."""
    entry = _entry(ctx, name)
    replies = await _each_target(ctx, "DELETE", paths.url_path(paths.ETL, name), None, CALL_TIMEOUT)
    _raise_first_failure(replies, f"stopping ETL {name}")
    await _set_stage(_owner(ctx), entry, wire_etl.STAGE_ABORTED)


async def delete(ctx: NodeContext, name: str) -> None:
    """Remove a stopped ETL's definition; a running (or initializing) one must be stopped first."""
    entry = _entry(ctx, name)
    if entry.stage != wire_etl.STAGE_ABORTED:
        raise EtlStageConflict(f"can't delete etl job {name} during {entry.stage} stage: stop it first")

    def remove(table: EtlTable) -> EtlTable:
        if table.get(name) is None:
            raise EtlNotFound(f"{ctx.node.display_name}: etl job {name} does not exist")
        return table.without(name)

    await _owner(ctx).update_etls(remove)


def require_running(ctx: NodeContext, etl_name: str, pipeline: str = "") -> None:
    """BadRequest ("ETL <name> doesn't exist", as AIS) unless the ETL and its pipeline all run."""
    for name in (etl_name, *wire_etl.pipeline_names(pipeline)):
        entry = ctx.meta.etls.get(name)
        if entry is None or entry.stage != wire_etl.STAGE_RUNNING:
            raise BadRequest(f"ETL {name} doesn't exist")


async def list_etls(ctx: NodeContext) -> list[EtlInfo]:
    """Every defined ETL with its stage and the targets' counters summed."""
    replies = await _each_target(ctx, "GET", paths.url_path(paths.ETL), None, CALL_TIMEOUT)
    totals: dict[str, list[int]] = {}
    for _, reply in replies:
        if isinstance(reply, PeerReply) and reply.ok:
            for item in json.loads(reply.body or b"[]"):
                info = EtlInfo.from_json(item)
                sums = totals.setdefault(info.name, [0, 0, 0])
                sums[0] += info.obj_count
                sums[1] += info.in_bytes
                sums[2] += info.out_bytes
    return [
        EtlInfo(name, entry.stage, entry.xaction_id, *totals.get(name, [0, 0, 0]))
        for name, entry in sorted(ctx.meta.etls.entries.items())
    ]


async def details(ctx: NodeContext, name: str, job_id: str) -> EtlDetails:
    """The init message as received and the per-object errors the targets recorded."""
    entry = _entry(ctx, name)
    path = paths.url_path(paths.ETL, name, wire_etl.DETAILS_PATH) + f"?{query.UUID}={job_id}"
    errors: list[ObjError] = []
    for _, reply in await _each_target(ctx, "GET", path, None, CALL_TIMEOUT):
        if isinstance(reply, PeerReply) and reply.ok:
            errors += [ObjError.from_json(item) for item in json.loads(reply.body or b"[]")]
    return EtlDetails(dict(entry.init_msg), errors)


async def logs(ctx: NodeContext, name: str, target_id: str = "") -> list[dict[str, str]]:
    """Each target's transform-server output, base64 as AIS sends Go []byte."""
    _entry(ctx, name)
    path = paths.url_path(paths.ETL, name, paths.ETL_LOGS)
    replies = await _each_target(ctx, "GET", path, None, CALL_TIMEOUT, only=target_id)
    if target_id and not replies:
        raise EtlNotFound(f"unknown target {target_id!r}")
    result = []
    for node, reply in replies:
        data = reply.body if isinstance(reply, PeerReply) and reply.ok else b""
        result.append({wire_etl.TARGET_ID: node.daemon_id, wire_etl.LOGS: base64.b64encode(data).decode()})
    return result


async def health(ctx: NodeContext, name: str) -> list[dict[str, str]]:
    """Per target: "Running" when its transform servers run, else "Not running"."""
    _entry(ctx, name)
    replies = await _each_target(ctx, "GET", paths.url_path(paths.ETL), None, CALL_TIMEOUT)
    result = []
    for node, reply in replies:
        running = isinstance(reply, PeerReply) and reply.ok and name in _names(reply)
        result.append(
            {
                wire_etl.TARGET_ID: node.daemon_id,
                wire_etl.HEALTH_STATUS: "Running" if running else "Not running",
            }
        )
    return result


def _names(reply: PeerReply) -> set[str]:
    """The ETL names in a target's listing."""
    return {EtlInfo.from_json(item).name for item in json.loads(reply.body or b"[]")}


async def _set_stage(owner: MetaOwner, entry: EtlEntry, stage: str) -> None:
    """Record a stage, unless the ETL was deleted meanwhile."""

    def change(table: EtlTable) -> EtlTable:
        current = table.get(entry.name)
        if current is None or current.stage == stage:
            return table
        return table.with_entry(EtlEntry(current.init_msg, stage, entry.xaction_id, entry.secret))

    await owner.update_etls(change)


async def _each_target(
    ctx: NodeContext, method: str, path: str, body: Any, timeout: float, only: str = ""
) -> list[tuple[Snode, PeerReply | Exception]]:
    """Send one request to every target (or one), concurrently; replies or exceptions in map order."""
    nodes = [n for n in cluster_map.working_targets(ctx.smap) if not only or n.daemon_id == only]

    async def one(node: Snode) -> PeerReply | Exception:
        try:
            return await ctx.peer_api.call_node(node, method, path, body, timeout)
        except PeerFailed as exc:
            return exc

    results = await asyncio.gather(*(one(node) for node in nodes))
    return list(zip(nodes, results, strict=True))


def _raise_first_failure(replies: list[tuple[Snode, PeerReply | Exception]], what: str) -> None:
    """Relay the first target's refusal (4xx as is, the rest as 503); 404 means "not running there"."""
    for node, reply in replies:
        if isinstance(reply, Exception):
            raise PeerFailed(f"{what}: {node.display_name} did not answer: {reply}")
        if reply.ok or reply.status == 404:
            continue
        refusal = ErrorBody.parse(reply.body.decode(errors="replace"), reply.status)
        if 400 <= reply.status < 500:
            raise PeerRejected(reply.status, refusal.message, refusal.tcode)
        raise PeerFailed(f"{what}: {node.display_name} answered {reply.status}: {refusal.message}")
