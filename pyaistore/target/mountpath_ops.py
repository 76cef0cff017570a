"""Mountpath changes on this target (reference section 3.1) and its disk health check (FSHC).

Changes (attach, enable, disable, detach, plus the cheap rescan and fshc actions) run one at a
time under `ctx.mountpath_lock`. The store's MountpathSet persists each one (`mountpaths.json`)
before it takes effect; the new state then goes to the HTTP workers as a snapshot, and a
resilver follows (it preempts a running one): always after attach and enable, after disable and
detach unless `dntres` was asked or the mountpath was disabled already. Attach and enable create
the directories of every bucket in the table before the mountpath is used.

A change takes effect at once. AIS first moves the data off a mountpath being disabled or
detached (its `waiting_dd` state); here the objects it held are served from their mirror copies
while the resilver restores the copies (without mirroring they are unreachable until the
mountpath is enabled or attached again), so `waiting_dd` is always empty.

FSHC: when an operation meets a disk that is gone or failing (MountpathUnavailable, reported
through `ctx.on_disk_failure`) or the periodic probe (`watch`) fails, the mountpath is probed
again and, if the probe fails, disabled and a resilver started. The last available mountpath is
never disabled: the target keeps serving, and requests that need the disk get 503 naming it.
"""

import asyncio
import logging
import os
from dataclasses import dataclass
from enum import Enum
from typing import Final

from pyaistore.cluster.errors import BadRequest, UnknownAction
from pyaistore.cluster.peer_client import PeerReply
from pyaistore.monitoring.request_counters import FSHC_ERROR
from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import InvalidMountpath, MountpathNotFound, NoMountpathsLeft
from pyaistore.storage.mountpaths import Mountpath
from pyaistore.target import resilvers
from pyaistore.wire import actions, headers, paths
from pyaistore.wire import jobs as kinds
from pyaistore.wire.messages import ActionMsg
from pyaistore.wire.mountpaths import MountpathList

__all__ = ["DiskCheck", "MountpathChange", "change", "fshc", "install", "listing", "relay", "watch"]

log = logging.getLogger(__name__)

# Seconds between two probes of every available mountpath.
CHECK_INTERVAL_S: Final = 2.0
_NO_RESILVER_WHILE_RUNNING: Final = (
    "cannot use --no-resilver (or the respective query parameter) while resilver is in progress"
)


@dataclass(frozen=True, slots=True)
class MountpathChange:
    """One request: the action, the mountpath, and whether to skip the resilver after it."""

    action: str
    path: str
    dont_resilver: bool = False


class DiskCheck(Enum):
    """What FSHC did with a mountpath."""

    HEALTHY = "healthy"  # the probe passed (or the mountpath is no longer available)
    DISABLED = "disabled"
    LAST = "last"  # it fails, but it is the last available mountpath: kept


def listing(ctx: NodeContext) -> MountpathList:
    """This target's mountpaths by state, sorted."""
    mountpaths = ctx.object_store.mountpaths
    return MountpathList.of(
        (mp.root_str for mp in mountpaths.available), (mp.root_str for mp in mountpaths.disabled)
    )


async def change(ctx: NodeContext, request: MountpathChange) -> bool:
    """Apply one change; False when it changed nothing (enable/disable of a mountpath already so: 204)."""
    if not request.path:
        raise BadRequest("mountpath is not defined")
    if request.action == actions.FSHC_MOUNTPATH:
        await fshc(ctx, _available(ctx, request.path, "FSHC").root_str, "requested")
        return True
    operation = _CHANGES.get(request.action)
    if operation is None:
        raise UnknownAction(request.action)
    resilvering = bool(ctx.jobs.find(kind=kinds.RESILVER, active_only=True))
    if request.dont_resilver and resilvering and request.action in _MAY_SKIP_RESILVER:
        raise BadRequest(_NO_RESILVER_WHILE_RUNNING)
    async with ctx.mountpath_lock:
        changed, resilver = await operation(ctx, request)
        if changed:
            _publish(ctx)
        if resilver:
            resilvers.start_resilver(ctx, f"{request.action} {request.path}")
    return changed


async def _attach(ctx: NodeContext, request: MountpathChange) -> tuple[bool, bool]:
    if not os.path.isabs(request.path):
        raise InvalidMountpath(request.path, f'mountpath "{request.path}" is not an absolute path')
    store = ctx.object_store
    await asyncio.to_thread(store.attach, request.path, ctx.meta.buckets.bucket_ids())
    return True, True


async def _enable(ctx: NodeContext, request: MountpathChange) -> tuple[bool, bool]:
    store = ctx.object_store
    enabled = await asyncio.to_thread(store.enable, request.path, ctx.meta.buckets.bucket_ids())
    return enabled, enabled


async def _disable(ctx: NodeContext, request: MountpathChange) -> tuple[bool, bool]:
    disabled = await asyncio.to_thread(ctx.object_store.mountpaths.disable, request.path)
    return disabled, disabled and not request.dont_resilver


async def _detach(ctx: NodeContext, request: MountpathChange) -> tuple[bool, bool]:
    mountpaths = ctx.object_store.mountpaths
    try:
        was_available = mountpaths.is_available(mountpaths.find(request.path))
    except MountpathNotFound as exc:
        raise InvalidMountpath(request.path, exc.message) from exc  # AIS: 400 for detach
    await asyncio.to_thread(mountpaths.detach, request.path)
    return True, was_available and not request.dont_resilver


async def _rescan(ctx: NodeContext, request: MountpathChange) -> tuple[bool, bool]:
    """Nothing to rescan: a mountpath here is a directory, with no list of disks to refresh."""
    _available(ctx, request.path, "rescan-disks")
    return False, False


_CHANGES: Final = {
    actions.ATTACH_MOUNTPATH: _attach,
    actions.ENABLE_MOUNTPATH: _enable,
    actions.DISABLE_MOUNTPATH: _disable,
    actions.DETACH_MOUNTPATH: _detach,
    actions.RESCAN_MOUNTPATH: _rescan,
}
_MAY_SKIP_RESILVER: Final = frozenset(
    {actions.DISABLE_MOUNTPATH, actions.DETACH_MOUNTPATH, actions.RESCAN_MOUNTPATH}
)


def _available(ctx: NodeContext, path: str, what: str) -> Mountpath:
    """The attached mountpath (404 if unknown); 400 when it is disabled."""
    mountpaths = ctx.object_store.mountpaths
    mp = mountpaths.find(path)
    if not mountpaths.is_available(mp):
        raise BadRequest(f"{ctx.node.display_name}: not starting {what}: {mp.root_str} is not available")
    return mp


def _publish(ctx: NodeContext) -> None:
    """Tell the other processes of this target (HTTP workers) the new mountpath state."""
    snapshot = ctx.object_store.mountpaths.snapshot()
    for listener in ctx.mountpath_listeners:
        listener(snapshot)


# ---- disk health (FSHC) ----


async def fshc(ctx: NodeContext, path: str, reason: str) -> DiskCheck:
    """Probe an available mountpath; when the probe fails, disable it and resilver."""
    mountpaths = ctx.object_store.mountpaths
    async with ctx.mountpath_lock:
        try:
            mp = mountpaths.find(path)
        except MountpathNotFound:
            return DiskCheck.HEALTHY
        if not mountpaths.is_available(mp) or await asyncio.to_thread(mp.check):
            return DiskCheck.HEALTHY
        try:
            await asyncio.to_thread(mountpaths.disable, mp.root_str)
        except NoMountpathsLeft:
            return DiskCheck.LAST
        log.warning("FSHC: mountpath %s fails (%s): disabled it", mp.root_str, reason)
        _publish(ctx)
        resilvers.start_resilver(ctx, f"fshc {mp.root_str}")
    return DiskCheck.DISABLED


async def watch(ctx: NodeContext, interval: float = CHECK_INTERVAL_S) -> None:
    """Probe every available mountpath every `interval` seconds, forever; FSHC for those that fail."""
    reported: set[str] = set()  # failing last mountpaths already logged (logged once, not every round)
    while True:
        await asyncio.sleep(interval)
        try:
            for mp in ctx.object_store.mountpaths.available:
                if await asyncio.to_thread(mp.check):
                    reported.discard(mp.root_str)
                    continue
                ctx.monitor.counters.add(FSHC_ERROR)
                outcome = await fshc(ctx, mp.root_str, "periodic probe failed")
                if outcome is DiskCheck.LAST and mp.root_str not in reported:
                    reported.add(mp.root_str)
                    log.error(
                        "mountpath %s fails and is the last available one: keeping it; requests that need"
                        " it are answered 503 until a mountpath is attached or enabled",
                        mp.root_str,
                    )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("disk health check failed")


def install(ctx: NodeContext) -> None:
    """Make `ctx.on_disk_failure` run FSHC (in an HTTP worker: ask the main process to)."""

    def on_disk_failure(path: str) -> None:
        # Counted here, in the process that met the error (a worker's relay is not counted again).
        ctx.monitor.counters.add(FSHC_ERROR)
        task = asyncio.get_running_loop().create_task(_report(ctx, path))
        ctx.background.add(task)
        task.add_done_callback(ctx.background.discard)

    ctx.on_disk_failure = on_disk_failure


async def _report(ctx: NodeContext, path: str) -> None:
    try:
        if ctx.http_worker:
            body = ActionMsg(actions.FSHC_MOUNTPATH, value=path).to_json()
            await ctx.peer_api.call_node(
                ctx.node, "POST", paths.url_path(paths.DAEMON, paths.MOUNTPATHS), body
            )
        else:
            await fshc(ctx, path, "an operation found it failing")
    except Exception:
        log.exception("FSHC of %s failed", path)


async def relay(ctx: NodeContext, method: str, path_qs: str, body: bytes) -> PeerReply:
    """An HTTP worker's mountpath request, done by the main process (which owns the mountpath state)."""
    return await ctx.peer_api.call_node(ctx.node, method, path_qs, data=body, content_type=headers.JSON_TYPE)
