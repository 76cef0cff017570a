"""The rebalance record's transitions: generations, completion, and what counts as unsettled."""

import pytest

from pyaistore.wire.rebalance import RebalanceMeta, generation_of, job_id


def test_a_generation_runs_then_ends_clean_or_incomplete() -> None:
    started = RebalanceMeta().started()
    assert (started.generation, started.running, started.unsettled) == (1, True, True)
    clean = started.finished(1, clean=True)
    assert not clean.unsettled and clean.revision == started.revision + 1
    incomplete = started.finished(1, clean=False)
    assert incomplete.unsettled and not incomplete.running


def test_an_older_generation_ending_changes_nothing() -> None:
    second = RebalanceMeta().started().started()
    assert second.finished(1, clean=True) is second


def test_a_new_generation_clears_an_incomplete_one_until_it_ends() -> None:
    record = RebalanceMeta().started().finished(1, clean=False).started()
    assert record.running and not record.incomplete


def test_job_ids() -> None:
    assert job_id(12) == "g12" and generation_of("g12") == 12
    assert generation_of("abcdefghij") is None and generation_of("g") is None


@pytest.mark.parametrize(
    "data", [None, [], {"generation": "1", "running": True, "revision": 1}, {"generation": 1}]
)
def test_malformed_records_are_refused(data: object) -> None:
    with pytest.raises(ValueError):
        RebalanceMeta.from_json(data)


def test_round_trip() -> None:
    record = RebalanceMeta(3, False, True, 9)
    assert RebalanceMeta.from_json(record.to_json()) == record
