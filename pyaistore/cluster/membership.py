"""Joining and leaving, the primary's side: join, keepalive, startup readiness, dropping dead
targets; and the join and keepalive messages. The target's side is cluster/target_agent.py.

A join takes two requests to the same route, so that no node is addressed before it holds what
it needs to answer (the cluster secret, the tables):

1. *register*: the node posts its Snode; the primary checks and admits it and replies with the
   secret and the current tables, but does not list it yet;
2. *confirm*: the node, having installed them, posts again with `tables_installed` (and the
   secret it now holds); the primary pushes the map that lists it to it first, and only once it
   took it does it push that map to every other node and use it itself (redirects, jobs, the
   next rebalance generation).

AIS's admin join has the same shape (the primary hands the node its metadata and waits for its
answer before it adds it to the map); its self-join adds the node as soon as it replies.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Final

from pyaistore.cluster import cluster_identity, cluster_map, cluster_secret, liveness
from pyaistore.cluster.errors import Forbidden, NotReady
from pyaistore.cluster.meta_owner import MetaOwner
from pyaistore.cluster.peer_api import PeerApi
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.wire import fields
from pyaistore.wire.messages import TARGET, Smap, Snode

log = logging.getLogger(__name__)

# A keepalive this many intervals after the previous one from the same target is logged.
LATE_KEEPALIVE: Final = 3

NODE_KEY: Final = "node"
# True on the first join of a node's process (AIS's NodeRestarted flag): its state may be stale.
RESTARTED_KEY: Final = "restarted"
# The UUID of the cluster the node belongs to ("" for a fresh node); see cluster_identity.
CLUSTER_UUID_KEY: Final = "cluster_uuid"
# The cluster secret, in the reply to a join (cluster_secret.py).
SECRET_KEY: Final = "cluster_secret"
# True in the second request of a join: the node holds the secret and tables of the first reply.
INSTALLED_KEY: Final = "tables_installed"
ID_KEY: Final = "id"
SMAP_VERSION_KEY: Final = "smap_version"
BMD_VERSION_KEY: Final = "bmd_version"
ETL_VERSION_KEY: Final = "etl_version"
RMD_REVISION_KEY: Final = "rmd_revision"
CONFIG_VERSION_KEY: Final = "config_version"

# Awaited once, as the primary's last startup step (prr turns 200 when it returns), with the IDs
# of the targets in the map the previous run persisted and of those in the map now. An exception
# is logged and the primary becomes ready anyway.
ReadyCallback = Callable[[frozenset[str], frozenset[str]], Awaitable[None]]
# Run in a task of its own after a target's join once startup is over, with the node as the map
# now holds it, whether the map did not hold it before, and whether its process just started.
JoinCallback = Callable[[Snode, bool, bool], Awaitable[None]]


class Membership:
    """Primary side: admits nodes, decides when the primary is ready, drops targets that died.

    Startup (AIS `earlystart`, simplified): every active target of the map persisted by the
    previous run must register again, by a join or by a keepalive from the address the map
    holds, before the map can be trusted; one that does not within `startup_grace` seconds is
    given up on (removed). Then the current tables are pushed to every member, `on_ready` is
    awaited, and only then does `GET /v1/health?prr=true` answer 200.
    """

    def __init__(
        self,
        owner: MetaOwner,
        peers: PeerApi,
        interval: float,
        timeout: float,
        startup_grace: float,
        open_join: bool = True,
    ) -> None:
        self._owner = owner
        self._open_join = open_join
        self._peers = peers
        self._interval = interval
        self._timeout = timeout
        self._grace = startup_grace
        persisted = owner.persisted.targets
        self.persisted_targets = frozenset(persisted)
        # Nobody waits for nodes in maintenance or being decommissioned: they may well be off.
        self._awaited = frozenset(t for t, n in persisted.items() if not liveness.is_listed_only(n))
        self._registered: set[str] = set()
        self._registration = asyncio.Event()
        self._last_seen: dict[str, float] = {}
        # The longest silence of a target that then spoke again (measured by the soak test).
        self.longest_gap = 0.0
        self._started = False
        self.ready = asyncio.Event()
        # Hooks for rebalancing (see ReadyCallback, JoinCallback); set them before the node starts.
        self.on_ready: ReadyCallback | None = None
        self.on_join: JoinCallback | None = None
        # Called with the number of targets found silent in a round (keepalives missed): the
        # primary's `err_kalive_count`.
        self.on_keepalive_error: Callable[[int], None] | None = None
        self._hook_tasks: set[asyncio.Task[None]] = set()

    async def join(
        self,
        node: Snode,
        restarted: bool = False,
        node_uuid: str = "",
        with_secret: bool = False,
        installed: bool = False,
    ) -> Smap:
        """One step of a join (module docstring); returns the map to reply with.

        Without `installed` (or without the secret) the node is registered only: the map does not
        change, and the reply brings the secret and tables it must install before it confirms.
        With both, the node is added: the new map is pushed to it first (PeerFailed, nothing
        published, when it does not take it), then to everyone else. ClusterMismatch (nothing
        changes) for another cluster's node, Forbidden for one the join rule does not admit.
        """
        cluster_identity.check(node.display_name, node_uuid, self._owner.smap.uuid)
        if not with_secret:
            await self.admit(node)
        if not (installed and with_secret):
            log.info("node %s registers at %s", node.display_name, node.public_net.url)
            return self._owner.smap
        known = cluster_map.find_node(self._owner.smap, node.daemon_id)
        if known is not None:
            node = replace(node, flags=known.flags)  # the map's flags (maintenance...) win
        self._last_seen[node.daemon_id] = time.monotonic()
        log.info("node %s joins at %s", node.display_name, node.public_net.url)
        joining = frozenset({node.daemon_id})
        smap = await self._owner.update_smap(lambda smap: cluster_map.with_node(smap, node), first=joining)
        self._register(node.daemon_id)
        if self._started and node.daemon_type == TARGET and self.on_join is not None:
            self._run_hook(self.on_join(node, known is None, restarted))
        return smap

    async def admit(self, node: Snode) -> None:
        """The rule for a join without the cluster secret (a fresh node has none yet).

        Only with `open_join`, and only once a node with that very ID answers at the control
        address it gave (`GET /v1/daemon?what=snode`, asked without the secret): a client that
        merely posts a join for an address it does not serve, or for another member's ID
        elsewhere, is refused (403). A member that has the secret joins with it.
        """
        if not self._open_join:
            raise Forbidden(
                f"{node.display_name}: joining this cluster takes its secret: copy the primary's "
                f"{cluster_secret.SECRET_FILE} into the node's data dir"
            )
        found = await self._peers.identify(node)
        if found != node.daemon_id:
            raise Forbidden(
                f"{node.display_name}: no node of that ID answers at {node.control_url} "
                f"(found {found[:64]!r}); join refused"
            )

    def keepalive(self, node_id: str, node: Snode | None = None) -> bool:
        """Record a keepalive; False when the map does not hold the node at that address (re-join)."""
        known = cluster_map.find_node(self._owner.smap, node_id)
        if known is None:
            return False
        if node is not None and not _same_address(known, node):
            return False
        now = time.monotonic()
        gap = now - self._last_seen.get(node_id, now)
        if gap > LATE_KEEPALIVE * self._interval:
            log.warning("keepalive from %s after %.1fs of silence", known.display_name, gap)
        self.longest_gap = max(self.longest_gap, gap)
        self._last_seen[node_id] = now
        if node is not None:
            self._register(node_id)
        return True

    def raise_unless_ready(self, primary_name: str) -> None:
        """NotReady until startup has finished (the `prr` answer)."""
        if not self.ready.is_set():
            raise NotReady(primary_name)

    async def run(self) -> None:
        """Start up, then drop targets that die or fall silent, forever."""
        reaper = asyncio.create_task(self._reap_forever())
        try:
            await self._start_up()
            await reaper
        finally:
            reaper.cancel()

    async def _start_up(self) -> None:
        deadline = time.monotonic() + self._grace
        while pending := self._pending():
            left = deadline - time.monotonic()
            if left <= 0:
                log.warning("targets %s did not register in %gs: removing them", sorted(pending), self._grace)
                await self._owner.update_smap(lambda smap: _without(smap, pending))
                break
            self._registration.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._registration.wait(), left)
        while failed := self._active(await self._owner.push_all()):
            log.info("startup: waiting for %s to take the cluster tables", failed)
            await asyncio.sleep(self._interval)
        self._started = True
        current = frozenset(self._owner.smap.targets)
        if self.on_ready is not None:
            try:
                await self.on_ready(self.persisted_targets, current)
            except Exception:
                log.exception("the on-ready hook failed")
        self.ready.set()
        log.info("primary ready: cluster %s, %d target(s)", self._owner.smap.uuid, len(current))

    def _pending(self) -> set[str]:
        """Targets of the persisted map still listed, active and not registered since this start."""
        targets = self._owner.smap.targets
        return {
            t
            for t in self._awaited - self._registered
            if t in targets and not liveness.is_listed_only(targets[t])
        }

    def _active(self, node_ids: list[str]) -> list[str]:
        """The IDs among `node_ids` of nodes still in the map and not in maintenance/decommission."""
        smap = self._owner.smap
        found = [(i, cluster_map.find_node(smap, i)) for i in node_ids]
        return [i for i, node in found if node is not None and not liveness.is_listed_only(node)]

    def _register(self, node_id: str) -> None:
        if node_id not in self._registered:
            self._registered.add(node_id)
            self._registration.set()

    def _run_hook(self, hook: Awaitable[None]) -> None:
        async def guarded() -> None:
            try:
                await hook
            except Exception:
                log.exception("the on-join hook failed")

        task = asyncio.create_task(guarded())
        self._hook_tasks.add(task)
        task.add_done_callback(self._hook_tasks.discard)

    async def _reap_forever(self) -> None:
        """Every half interval: drop targets that are gone (probe refused) or silent past the timeout.

        A target is never blamed for the primary's own stall: when this loop wakes late (the
        event loop was blocked), keepalives could not be read meanwhile, so every target's
        silence is shortened by the lateness; and before deciding, the keepalives that arrived
        meanwhile are let in (one turn of the loop).
        """
        period = self._interval / 2
        while True:
            planned = time.monotonic() + period
            await asyncio.sleep(period)
            late = time.monotonic() - planned
            if late > period:
                log.warning("the primary's event loop stalled for %.1fs: not counted as silence", late)
                for node_id, seen in self._last_seen.items():
                    self._last_seen[node_id] = seen + late
            await asyncio.sleep(0)
            await self._reap_once()

    async def _reap_once(self) -> None:
        now = time.monotonic()
        # During startup, the targets not yet registered are the grace period's to decide.
        skip = frozenset() if self._started else self._awaited - self._registered
        threshold = liveness.MISSED_BEFORE_PROBE * self._interval
        silent = liveness.silent_targets(self._owner.smap, self._last_seen, now, threshold, skip)
        if not silent:
            return
        if self.on_keepalive_error is not None:
            self.on_keepalive_error(len(silent))
        probed = [s for s in silent if s.seconds <= self._timeout]
        probes = (liveness.probe_gone(self._peers, s.node, self._interval) for s in probed)
        gone = await asyncio.gather(*probes)
        dead = [s.node for s, is_gone in zip(probed, gone, strict=True) if is_gone]
        dead += [s.node for s in silent if s.seconds > self._timeout]
        if dead:
            for node in dead:
                log.warning("target %s stopped answering: removing it from the map", node.display_name)
            await self._owner.update_smap(lambda smap: self._without_dead(smap, dead, now))

    def _without_dead(self, smap: Smap, dead: list[Snode], since: float) -> Smap:
        """Remove the dead nodes, except one that re-joined or spoke after the decision was taken."""
        for node in dead:
            current = smap.targets.get(node.daemon_id)
            if current is None or not _same_address(current, node):
                continue
            if self._last_seen.get(node.daemon_id, 0.0) > since:
                continue
            self._last_seen.pop(node.daemon_id, None)
            smap = cluster_map.without_node(smap, node.daemon_id)
        return smap


@dataclass(frozen=True, slots=True)
class JoinMsg:
    """A join request as the primary reads it."""

    node: Snode
    restarted: bool
    cluster_uuid: str
    installed: bool = False

    @classmethod
    def from_json(cls, data: Any) -> "JoinMsg":
        """Parse a join body; ValueError naming the field when it is wrong."""
        data = fields.as_dict(data, "join request")
        return cls(
            Snode.from_json(data.get(NODE_KEY)),
            fields.field_bool(data, RESTARTED_KEY),
            fields.field_text(data, CLUSTER_UUID_KEY, max_length=128),
            fields.field_bool(data, INSTALLED_KEY),
        )


@dataclass(frozen=True, slots=True)
class KeepaliveMsg:
    """A keepalive as the primary reads it: who (and where, when given), and the versions held."""

    node_id: str
    node: Snode | None
    smap_version: int
    bmd_version: int
    etl_version: int
    rmd_revision: int
    config_version: int = 0

    @classmethod
    def from_json(cls, data: Any) -> "KeepaliveMsg":
        """Parse a keepalive body; ValueError naming the field when it is wrong."""
        data = fields.as_dict(data, "keepalive")
        raw_node = data.get(NODE_KEY)
        return cls(
            fields.field_text(data, ID_KEY, max_length=64),
            None if raw_node is None else Snode.from_json(raw_node),
            fields.field_int(data, SMAP_VERSION_KEY),
            fields.field_int(data, BMD_VERSION_KEY),
            fields.field_int(data, ETL_VERSION_KEY),
            fields.field_int(data, RMD_REVISION_KEY),
            fields.field_int(data, CONFIG_VERSION_KEY),
        )


def join_body(
    node: Snode, restarted: bool = False, cluster_uuid: str = "", installed: bool = False
) -> dict[str, Any]:
    """The join request body: the node, whether its process just started, its cluster's UUID, and
    whether it installed the tables of the first reply (the confirming second request)."""
    return {
        NODE_KEY: node.to_json(),
        RESTARTED_KEY: restarted,
        CLUSTER_UUID_KEY: cluster_uuid,
        INSTALLED_KEY: installed,
    }


def keepalive_body(
    node_id: str,
    smap: Smap | None,
    buckets: BucketTable,
    etl_version: int = 0,
    node: Snode | None = None,
    rmd_revision: int = 0,
    config_version: int = 0,
) -> dict[str, Any]:
    """The keepalive request body: who we are (and where), and which versions we hold."""
    body: dict[str, Any] = {
        ID_KEY: node_id,
        SMAP_VERSION_KEY: smap.version if smap else 0,
        BMD_VERSION_KEY: buckets.version,
        ETL_VERSION_KEY: etl_version,
        RMD_REVISION_KEY: rmd_revision,
        CONFIG_VERSION_KEY: config_version,
    }
    if node is not None:
        body[NODE_KEY] = node.to_json()
    return body


def _same_address(a: Snode, b: Snode) -> bool:
    """Both describe one process: same ID and the same public and control addresses."""
    return (a.daemon_id, a.public_net, a.control_url) == (b.daemon_id, b.public_net, b.control_url)


def _without(smap: Smap, node_ids: set[str]) -> Smap:
    """The map without the given nodes."""
    for node_id in node_ids:
        smap = cluster_map.without_node(smap, node_id)
    return smap
