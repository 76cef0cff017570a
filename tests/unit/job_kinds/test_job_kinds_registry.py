"""The registry of job kinds: one entry per kind this cluster runs, the only dispatcher."""

import pytest

from pyaistore.job_kinds import registry
from pyaistore.jobs import kinds
from pyaistore.jobs.errors import NotStartable, UnknownKind
from pyaistore.wire import actions
from pyaistore.wire.jobs import JobStartMsg


def test_every_entry_is_a_known_kind_under_its_own_name() -> None:
    for kind, entry in registry.KINDS.items():
        assert entry.kind == kind
        assert kind in kinds.KINDS


@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("POST", actions.COPY_BCK),
        ("POST", actions.ETL_BCK),
        ("POST", actions.MOVE_BCK),
        ("POST", actions.COPY_LISTRANGE),
        ("POST", actions.ETL_LISTRANGE),
        ("POST", actions.PREFETCH_LISTRANGE),
        ("DELETE", actions.DELETE_LISTRANGE),
        ("DELETE", actions.EVICT_LISTRANGE),
        ("PUT", actions.ARCHIVE),
        ("POST", actions.MAKE_N_COPIES),
    ],
)
def test_bucket_actions_start_their_kind(method: str, action: str) -> None:
    entry = registry.bucket_action(method, action)
    assert entry is not None and entry.kind == action


def test_an_action_under_another_method_starts_nothing() -> None:
    assert registry.bucket_action("GET", actions.COPY_BCK) is None
    assert registry.bucket_action("POST", actions.CREATE_BCK) is None


def test_each_bucket_action_belongs_to_one_kind() -> None:
    pairs = [pair for entry in registry.KINDS.values() for pair in entry.bucket_actions]
    assert len(pairs) == len(set(pairs))


def test_plan_of_a_kind_without_entry_is_not_startable() -> None:
    missing = next(kind for kind in kinds.KINDS if kind not in registry.KINDS)
    with pytest.raises(NotStartable):
        registry.plan(None, JobStartMsg("abcdefghij", missing))  # type: ignore[arg-type]


def test_plan_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(UnknownKind):
        registry.plan(None, JobStartMsg("abcdefghij", "no-such-kind"))  # type: ignore[arg-type]
