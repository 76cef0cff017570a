"""Which silent targets the primary probes, and what a probe's outcome means."""

import asyncio
import socket

from pyaistore.cluster import liveness
from pyaistore.cluster.peer_api import PeerApi
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.wire.messages import TARGET, NetInfo, Smap, Snode


def target(node_id: str, port: int = 1, flags: int = 0) -> Snode:
    return Snode(node_id, TARGET, NetInfo("127.0.0.1", port), flags=flags)


def smap_of(*targets: Snode) -> Smap:
    primary = Snode("p1", "proxy", NetInfo("127.0.0.1", 2))
    return Smap(3, "uuid", "", primary, {"p1": primary}, {t.daemon_id: t for t in targets})


def test_only_active_targets_silent_past_the_threshold_are_reported() -> None:
    smap = smap_of(target("quiet"), target("fresh"), target("maint", flags=4), target("decomm", flags=8))
    seen = {"quiet": 10.0, "fresh": 19.5, "maint": 0.0, "decomm": 0.0}
    silent = liveness.silent_targets(smap, seen, now=20.0, threshold=2.0, skip=frozenset())
    assert [(s.node.daemon_id, s.seconds) for s in silent] == [("quiet", 10.0)]


def test_skipped_and_never_seen_targets_are_not_reported() -> None:
    smap = smap_of(target("awaited"), target("unseen"))
    seen = {"awaited": 0.0}
    silent = liveness.silent_targets(smap, seen, now=20.0, threshold=2.0, skip=frozenset({"awaited"}))
    assert silent == []
    assert seen["unseen"] == 20.0, "a target never seen starts its count now"


def probe(node: Snode) -> bool:
    async def run() -> bool:
        peers = PeerClient()
        await peers.start()
        try:
            return await liveness.probe_gone(PeerApi(peers, "p0"), node, timeout=0.5)
        finally:
            await peers.close()

    return asyncio.run(run())


def test_a_refused_connection_means_gone() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        assert probe(target("dead", port)) is True


def test_a_node_that_does_not_answer_is_not_gone() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)  # the kernel accepts, nobody answers: a stopped or busy process
        assert probe(target("stalled", sock.getsockname()[1])) is False
