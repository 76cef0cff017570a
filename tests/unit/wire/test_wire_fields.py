"""Typed, bounded readers: a wrong type, too many digits or too deep a nesting is a ValueError."""

import pytest

from pyaistore.wire import fields, limits
from pyaistore.wire.messages import LsoMsg, Smap, Snode


def test_int_text_refuses_more_digits_than_a_64_bit_value_before_converting() -> None:
    assert fields.int_text("00000000000000000000042", "n") == 42
    with pytest.raises(ValueError, match="more than 19 digits"):
        fields.int_text("9" * 5000, "n")
    with pytest.raises(ValueError, match="out of range"):
        fields.int_text("-1", "n")
    with pytest.raises(ValueError, match="not a decimal"):
        fields.int_text("١٢", "n")  # non-ASCII digits


@pytest.mark.parametrize("value", [True, 1.5, None, [1], {"a": 1}, 2**64])
def test_as_int_refuses_bools_floats_containers_and_huge_values(value: object) -> None:
    with pytest.raises(ValueError):
        fields.as_int(value, "n")


def test_depth_is_bounded_without_recursion() -> None:
    nested: object = []
    for _ in range(limits.MAX_JSON_DEPTH):
        nested = [nested]
    fields.check_depth([0])
    with pytest.raises(ValueError, match="nested deeper"):
        fields.check_depth(nested)
    with pytest.raises(ValueError, match="nested deeper"):
        fields.loads("[" * 5000 + "]" * 5000)


def test_wire_parsers_name_the_wrong_field() -> None:
    with pytest.raises(ValueError, match="pagesize"):
        LsoMsg.from_json({"pagesize": "9" * 30})
    with pytest.raises(ValueError, match="prefix"):
        LsoMsg.from_json({"prefix": 5})
    with pytest.raises(ValueError, match="node_ip_addr"):
        Snode.from_json({"daemon_id": "t1", "daemon_type": "target", "public_net": {"node_ip_addr": 5}})
    with pytest.raises(ValueError, match="smap"):
        Smap.from_json(None)
    with pytest.raises(ValueError, match="daemon_port"):
        Snode.from_json({"daemon_id": "t1", "daemon_type": "target", "public_net": {"daemon_port": "99999"}})
