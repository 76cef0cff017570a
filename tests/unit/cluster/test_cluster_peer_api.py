"""The peer API is its groups of calls composed on one object, none shadowing another."""

import inspect

from pyaistore.cluster.peer_api import PeerApi
from pyaistore.cluster.peer_caller import PeerCaller
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.wire import headers

# The groups PeerApi is composed of, in method-resolution order.
_GROUPS = [group for group in PeerApi.__mro__[1:-2] if issubclass(group, PeerCaller)]


def _own_names(group: type) -> set[str]:
    return {name for name in vars(group) if not name.startswith("__")}


def test_no_two_groups_define_the_same_name() -> None:
    """Two groups with one name would leave the one that comes later in the MRO unreachable."""
    seen: dict[str, str] = {}
    clashes = []
    groups: list[type] = [PeerCaller, *_GROUPS]
    for group in groups:
        for name in _own_names(group):
            if name in seen:
                clashes.append(f"{name}: {seen[name]} and {group.__name__}")
            seen[name] = group.__name__
    assert PeerApi.__mro__[-2:] == (PeerCaller, object) and len(_GROUPS) >= 7
    assert clashes == []


def test_every_group_call_is_reached_through_the_api() -> None:
    api = PeerApi(PeerClient(), "t0")
    for group in _GROUPS:
        for name in _own_names(group):
            assert inspect.getattr_static(api, name) is vars(group)[name]


def test_every_call_carries_the_caller_and_once_it_has_one_the_cluster_secret() -> None:
    api = PeerApi(PeerClient(), "t0")
    assert api._caller() == {headers.CALLER_ID: "t0"}
    api.cluster_secret = "s3cret"
    assert api._caller({headers.ACCEPT: headers.JSON_TYPE}) == {
        headers.CALLER_ID: "t0",
        headers.CLUSTER_SECRET: "s3cret",
        headers.ACCEPT: headers.JSON_TYPE,
    }
