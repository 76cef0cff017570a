"""The mountpath lists of one target and of the cluster, as AIS sends them."""

import pytest

from pyaistore.wire.mountpaths import MountpathList, parse_cluster


def test_lists_are_sorted_and_always_present() -> None:
    listed = MountpathList.of(["/b", "/a"], ["/c"])
    assert listed.to_json() == {"available": ["/a", "/b"], "waiting_dd": [], "disabled": ["/c"]}
    assert MountpathList.from_json(listed.to_json()) == listed
    assert MountpathList.from_json({"available": ["/a"], "waiting_dd": None}) == MountpathList(("/a",))


@pytest.mark.parametrize("bad", [[], {"available": "/a"}, {"disabled": [1]}])
def test_malformed_lists_are_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        MountpathList.from_json(bad)


def test_cluster_reply_by_target() -> None:
    found = parse_cluster({"targets": {"t1": {"available": ["/a"]}}})
    assert found == {"t1": MountpathList(("/a",))}
    with pytest.raises(ValueError):
        parse_cluster({"t1": {}})
