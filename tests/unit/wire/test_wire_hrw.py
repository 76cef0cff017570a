"""HRW must agree with the official SDK bit for bit, or direct reads go to the wrong target."""

import random

from aistore.sdk.utils import xoshiro256_hash

from pyaistore.wire import hrw
from pyaistore.wire.messages import NetInfo, Snode


def test_digest_matches_reference_vector() -> None:
    assert hrw.digest("tXyz8081") == 14833706115291342157


def test_mix_matches_official_sdk_on_random_inputs() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        value = rng.getrandbits(64)
        assert hrw.mix(value) == xoshiro256_hash(value)


def _target(node_id: str, flags: int = 0) -> Snode:
    return Snode(node_id, "target", NetInfo("127.0.0.1", 1), flags=flags)


def test_choose_picks_max_weight_and_skips_maintenance() -> None:
    nodes = [_target(f"t{i}") for i in range(5)]
    uname = "ais/@#/bucket/object-1"
    best = hrw.choose(nodes, uname)
    assert best is not None
    weights = {n.daemon_id: hrw.mix(n.id_digest ^ hrw.digest(uname)) for n in nodes}
    assert weights[best.daemon_id] == max(weights.values())
    in_maintenance = [_target(n.daemon_id, 4) if n is best else n for n in nodes]
    second = hrw.choose(in_maintenance, uname)
    assert second is not None and second.daemon_id != best.daemon_id


def test_choose_spreads_objects_over_targets() -> None:
    nodes = [_target(f"t{i}") for i in range(4)]
    owners = [hrw.choose(nodes, f"ais/@#/b/obj-{i}") for i in range(4000)]
    counts = {n.daemon_id: sum(1 for o in owners if o is n) for n in nodes}
    assert all(700 < c < 1300 for c in counts.values()), counts


def test_choose_on_no_nodes_is_none() -> None:
    assert hrw.choose([], "ais/@#/b/o") is None
    assert hrw.choose_key([], "x") is None


def test_choose_key_is_stable_and_total() -> None:
    keys = ["/mp1", "/mp2", "/mp3"]
    picks = {hrw.choose_key(keys, f"ais/@#/b/{i}") for i in range(300)}
    assert picks == set(keys)
    assert hrw.choose_key(keys, "ais/@#/b/x") == hrw.choose_key(list(reversed(keys)), "ais/@#/b/x")


def test_ranked_orders_by_weight_and_skips_excluded_nodes() -> None:
    nodes = [_target(f"t{i}") for i in range(6)]
    uname = "ais/@#/bucket/ranked"
    order = hrw.ranked(nodes, uname)
    weights = [hrw.mix(n.id_digest ^ hrw.digest(uname)) for n in order]
    assert weights == sorted(weights, reverse=True) and len(order) == 6
    assert order[0] is hrw.choose(nodes, uname)
    flagged = [_target(n.daemon_id, 8) if n is order[1] else n for n in nodes]
    assert [n.daemon_id for n in hrw.ranked(flagged, uname)] == [
        n.daemon_id for n in order if n is not order[1]
    ]
