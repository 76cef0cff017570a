"""Membership-change values as AIS sends them, and their validation."""

import pytest

from pyaistore.wire.membership import RemoveNodeValue


def test_one_node_or_a_batch() -> None:
    assert RemoveNodeValue.from_json({"sid": "t1"}).node_ids() == ("t1",)
    assert RemoveNodeValue.from_json({"sids": ["t1", "t2"]}).node_ids() == ("t1", "t2")
    parsed = RemoveNodeValue.from_json({"sid": "t1", "rm_user_data": True, "skip_rebalance": False})
    assert parsed.rm_user_data and not parsed.skip_rebalance


@pytest.mark.parametrize(
    "value",
    [{}, {"sid": ""}, {"sid": "t1", "sids": ["t2"]}, {"sids": ["t1", "t1"]}, {"sids": ["t1", ""]}],
)
def test_invalid_selections_are_refused_as_ais_words_it(value: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="invalid membership-change operation"):
        RemoveNodeValue.from_json(value).node_ids()


@pytest.mark.parametrize("value", [[], "t1", {"sids": "t1"}, {"sid": 3}, {"sid": "t", "no_shutdown": "yes"}])
def test_wrong_shapes_are_refused(value: object) -> None:
    with pytest.raises(ValueError):
        RemoveNodeValue.from_json(value)


def test_round_trip() -> None:
    value = RemoveNodeValue(sids=("a", "b"), rm_user_data=True, no_shutdown=True)
    assert RemoveNodeValue.from_json(value.to_json()) == value
