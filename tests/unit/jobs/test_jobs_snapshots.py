"""Wire shapes of job replies: RFC3339-ns times, Go's zero time, string counters, case-insensitive queries."""

import datetime

from dateutil.parser import isoparse

from pyaistore.wire.bucket_id import BucketId, Namespace
from pyaistore.wire.job_snapshot import JobSnapshot, JobStats, JobStatus
from pyaistore.wire.jobs import GO_ZERO_TIME, JobQuery, JobStartMsg, format_time, parse_time

NS = 1_700_000_000_123_456_789


def test_times_are_rfc3339_with_nanoseconds_in_utc() -> None:
    assert format_time(NS) == "2023-11-14T22:13:20.123456789Z"
    assert format_time(1_700_000_000_000_000_000) == "2023-11-14T22:13:20Z"  # Go trims trailing zeros
    assert format_time(1_700_000_000_120_000_000) == "2023-11-14T22:13:20.12Z"
    assert format_time(0) == GO_ZERO_TIME == "0001-01-01T00:00:00Z"
    assert parse_time(format_time(NS)) == NS
    assert parse_time(GO_ZERO_TIME) == 0 and parse_time("") == 0
    assert parse_time("2023-11-14T23:13:20.5+01:00") == 1_700_000_000_500_000_000
    # The official SDK parses them with dateutil (fractions beyond microseconds are truncated).
    assert isoparse(format_time(NS)) == datetime.datetime(
        2023, 11, 14, 22, 13, 20, 123456, tzinfo=datetime.UTC
    )


def test_snapshot_shape() -> None:
    snap = JobSnapshot(
        job_id="Xyz123abcd",
        kind="copy-listrange",
        start_ns=NS,
        bucket=BucketId("src"),
        src_bucket=BucketId("src"),
        dst_bucket=BucketId("dst", namespace=Namespace("u", "n")),
        stats=JobStats(loc_objs=10, loc_bytes=10240),
    )
    body = snap.to_json()
    assert body["end-time"] == GO_ZERO_TIME and body["start-time"] == "2023-11-14T22:13:20.123456789Z"
    assert body["stats"] == {
        "loc-objs": "10",
        "loc-bytes": "10240",
        "out-objs": "0",
        "out-bytes": "0",
        "in-objs": "0",
        "in-bytes": "0",
    }
    assert body["bck"] == {"name": "src", "provider": "ais", "namespace": {"uuid": "", "name": ""}}
    assert body["glob.id"] == "0" and body["is_idle"] is False and body["abort-err"] == ""
    assert JobSnapshot.from_json(body) == snap
    assert JobSnapshot.from_json(body | {"bck": None}).bucket is None


def test_a_finished_snapshot_can_be_shown_as_running() -> None:
    snap = JobSnapshot("Xyz123abcd", "move-bck", start_ns=1, end_ns=2, is_idle=True)
    assert snap.finished and not snap.unfinished().finished and not snap.unfinished().is_idle


def test_status_shape() -> None:
    status = JobStatus("Xyz123abcd", "copy-bck", err="", end_ns=NS, aborted=False, is_idle=True)
    assert status.to_json() == {
        "kind": "copy-bck",
        "uuid": "Xyz123abcd",
        "err": "",
        "end_time": NS,
        "aborted": False,
        "is_idle": True,
    }
    assert status.running_name == "copy-bck[Xyz123abcd]"


def test_queries_match_keys_case_insensitively() -> None:
    sdk = {"ID": "abc", "Kind": "copy-bucket", "DaemonID": "t1", "Bck": None, "Buckets": None}
    query = JobQuery.from_json(sdk)
    assert (query.job_id, query.kind, query.daemon_id, query.bucket, query.buckets) == (
        "abc",
        "copy-bucket",
        "t1",
        None,
        (),
    )
    listing = JobQuery.from_json({"kind": "lru", "node": "t2", "show_active": True})
    assert (listing.kind, listing.node, listing.active_only) == ("lru", "t2", True)
    with_bucket = JobQuery.from_json({"bck": {"name": "b", "provider": "ais", "namespace": None}})
    assert with_bucket.bucket == BucketId("b")
    assert JobQuery.from_json(None) == JobQuery()
    assert JobQuery.from_json(query.to_json()) == query


def test_start_message_round_trip() -> None:
    msg = JobStartMsg("Abcdefghij", "copy-bck", BucketId("a"), BucketId("b"), {"prefix": "x"}, True)
    assert JobStartMsg.from_json(msg.to_json()) == msg
