"""When a map change moves ownership (and so needs a rebalance)."""

from pyaistore.proxy.rebalance import moves_objects
from pyaistore.wire.messages import NetInfo, Smap, Snode


def _target(node_id: str, flags: int = 0) -> Snode:
    return Snode(node_id, "target", NetInfo("127.0.0.1", 1), flags=flags)


def _smap(*targets: Snode, version: int = 1) -> Smap:
    primary = Snode("p", "proxy", NetInfo("127.0.0.1", 2))
    return Smap(version, "u", "", primary, {"p": primary}, {t.daemon_id: t for t in targets})


def test_a_new_target_moves_objects() -> None:
    assert moves_objects(_smap(_target("a")), _smap(_target("a"), _target("b")))


def test_maintenance_and_decommission_move_objects_off() -> None:
    before = _smap(_target("a"), _target("b"))
    assert moves_objects(before, _smap(_target("a"), _target("b", flags=4)))
    assert moves_objects(before, _smap(_target("a"), _target("b", flags=8)))


def test_an_address_change_or_the_last_target_leaving_moves_nothing() -> None:
    before = _smap(_target("a"), _target("b"))
    moved = _smap(_target("a"), Snode("b", "target", NetInfo("127.0.0.9", 7)))
    assert not moves_objects(before, moved)
    assert not moves_objects(_smap(_target("a")), _smap(_target("a", flags=4)))
