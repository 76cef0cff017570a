"""The promote action's value and the source-path rule."""

import pytest

from pyaistore.wire.promote import PROMOTE_ROOT, PromoteMsg, source_problem


def test_the_value_round_trips_in_the_official_sdk_shape() -> None:
    value = {"tid": "t1", "src": "/r/d", "obj": "p/", "rcr": True, "ovw": False, "dls": True, "notshr": False}
    msg = PromoteMsg.from_json(value)
    assert (msg.source, msg.object_name, msg.target_id, msg.recursive, msg.delete_source) == (
        "/r/d",
        "p/",
        "t1",
        True,
        True,
    )
    assert msg.to_json() == value
    assert PromoteMsg.from_json({"src": "/r/f"}) == PromoteMsg("/r/f")  # everything else defaults


@pytest.mark.parametrize(
    "value", [None, [], {"src": 5}, {"src": "/r", "rcr": "yes"}, {"src": "/r", "tid": 1}]
)
def test_a_malformed_value_is_a_value_error(value: object) -> None:
    with pytest.raises(ValueError, match="promote"):
        PromoteMsg.from_json(value)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (PROMOTE_ROOT + "/dir", ""),
        (PROMOTE_ROOT + "/dir/", ""),
        (PROMOTE_ROOT + "/a/b.txt", ""),
        ("", "missing"),
        ("relative/x", "not absolute"),
        (PROMOTE_ROOT, "not under"),
        (PROMOTE_ROOT + "x/file", "not under"),  # a sibling that shares the prefix
        ("/etc/passwd", "not under"),
        (PROMOTE_ROOT + "/../../etc", "not clean"),
        (PROMOTE_ROOT + "/a/./b", "not clean"),
        (PROMOTE_ROOT + "//a", "not clean"),
    ],
)
def test_only_clean_absolute_paths_under_the_root_may_be_promoted(source: str, problem: str) -> None:
    found = source_problem(source)
    assert (problem in found) if problem else found == ""


def test_another_root_can_be_configured() -> None:
    assert source_problem("/data/promote/x", "/data/promote/") == ""
    assert "not under" in source_problem(PROMOTE_ROOT + "/x", "/data/promote")
