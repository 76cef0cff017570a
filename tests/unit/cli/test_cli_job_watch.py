"""Job summaries from per-target snapshots: states, counters, buckets, times, and the status's correction."""

from typing import Any

import click
import pytest

from pyaistore.cli.job_watch import (
    ABORTED,
    FAILED,
    FINISHED,
    IDLE,
    RUNNING,
    JobSummary,
    apply_status,
    parse_time_ns,
    require_success,
    split_job_ids,
    summarize,
    summarize_all,
)
from pyaistore.sdk.types import JobSnap, JobStatus

ZERO = "0001-01-01T00:00:00Z"
BUCKET = {"name": "src", "provider": "ais", "namespace": {"uuid": "", "name": ""}}


def _snap(**fields: Any) -> JobSnap:
    data: dict[str, Any] = {
        "id": "j1",
        "kind": "copy-bck",
        "start-time": "2026-01-02T03:04:05.500000001Z",
        "end-time": "2026-01-02T03:04:07.5Z",
        "bck": BUCKET,
        "src-bck": BUCKET,
        "dst-bck": {**BUCKET, "name": "dst"},
        "stats": {"loc-objs": "10", "loc-bytes": "1000"},
    }
    data.update(fields)
    return JobSnap.from_json(data)


def test_parse_time_ns() -> None:
    assert parse_time_ns("1970-01-01T00:00:01.000000999Z") == 1_000_000_000
    assert parse_time_ns(ZERO) == 0
    assert parse_time_ns("") == 0
    assert parse_time_ns("not a time") == 0


def test_summary_adds_up_targets() -> None:
    summary = summarize("j1", [_snap(), _snap(**{"start-time": "2026-01-02T03:04:05Z"})])
    assert (summary.kind, summary.state, summary.objects, summary.size) == ("copy-bck", FINISHED, 20, 2000)
    assert summary.buckets == "ais://src -> ais://dst"
    assert summary.duration() == pytest.approx(2.5)
    assert summary.as_record()["duration"] == 2.5


@pytest.mark.parametrize(
    ("snaps", "state"),
    [
        ([{}, {"end-time": ZERO}], RUNNING),
        ([{"end-time": ZERO, "is_idle": True}, {}], IDLE),
        ([{"err": "x does not exist"}, {}], FAILED),
        # One target failed, the other is idle (a demand-based job with nothing left to do).
        ([{"err": "x does not exist"}, {"end-time": ZERO, "is_idle": True}], FAILED),
        ([{"err": "x does not exist"}, {"end-time": ZERO}], RUNNING),
        ([{"end-time": ZERO, "aborted": True}, {"end-time": ZERO}], ABORTED),
        ([{"abort-err": "user abort"}], ABORTED),
    ],
)
def test_states(snaps: list[dict[str, Any]], state: str) -> None:
    summary = summarize("j1", [_snap(**fields) for fields in snaps])
    assert summary.state == state
    assert summary.done == (state in (FAILED, ABORTED, FINISHED))
    if state in (RUNNING, IDLE):
        assert summary.end_ns == 0


def test_one_bucket_jobs_show_their_bucket() -> None:
    summary = summarize("j1", [_snap(**{"src-bck": None, "dst-bck": None, "kind": "delete-listrange"})])
    assert summary.buckets == "ais://src"


def test_summarize_all_groups_by_job_oldest_first() -> None:
    details = {
        "t1": [_snap(id="new", **{"start-time": "2026-01-03T00:00:00Z"}), _snap(id="old")],
        "t2": [_snap(id="old")],
    }
    assert [(summary.job_id, summary.objects) for summary in summarize_all(details)] == [
        ("old", 20),
        ("new", 10),
    ]


def test_status_corrects_a_finished_summary() -> None:
    finished = summarize("j1", [_snap()])
    failed = apply_status(finished, JobStatus("j1", "archive", err="gone does not exist", end_time=5))
    assert (failed.state, failed.error) == (FAILED, "gone does not exist")
    aborted = summarize("j1", [_snap(aborted=True, **{"end-time": ZERO})])
    assert aborted.end_ns == 0
    assert apply_status(aborted, JobStatus("j1", aborted=True, end_time=7)).end_ns == 7
    running = summarize("j1", [_snap(**{"end-time": ZERO})])
    assert apply_status(running, JobStatus("j1", err="late")) == running


def test_require_success() -> None:
    def summary(state: str, error: str = "") -> JobSummary:
        return JobSummary("j9", "copy-bck", "", state, 0, 0, 0, 0, error)

    require_success([summary(FINISHED)])
    with pytest.raises(click.ClickException, match=r"job j9 \(copy-bck\) failed: boom"):
        require_success([summary(FINISHED), summary(FAILED, "boom")])
    with pytest.raises(click.ClickException, match=r"was aborted: user abort"):
        require_success([summary(ABORTED, "user abort")])


def test_split_job_ids() -> None:
    assert split_job_ids("a,b,") == ["a", "b"]
    assert split_job_ids("single\n") == ["single"]
