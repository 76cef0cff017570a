"""Bucket summary: the BsummResult shape and how the targets' parts add up."""

from pyaistore.jobs.bucket_summary import merge
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.bucket_summary import BucketSummary, SummaryMsg
from pyaistore.wire.job_snapshot import JobSnapshot, JobStats


def _part(count: int, size: int, low: int, high: int, disk: int) -> JobSnapshot:
    ext = {"min": low, "max": high, "disk": disk, "capacity": 1000}
    return JobSnapshot("Abcdefghij", "summary-bck", stats=JobStats(loc_objs=count, loc_bytes=size), ext=ext)


def test_parts_add_up() -> None:
    summary = merge(BucketId("b"), [_part(2, 30, 10, 20, 200), _part(1, 5, 5, 5, 100), _part(0, 0, 0, 0, 0)])
    assert summary == BucketSummary(
        BucketId("b"), count=3, size=35, min_size=5, max_size=20, disk=300, capacity=3000
    )


def test_result_shape() -> None:
    body = BucketSummary(
        BucketId("b"), count=4, size=40, min_size=10, max_size=10, disk=16384, capacity=163840
    ).to_json()
    assert body == {
        "name": "b",
        "provider": "ais",
        "namespace": {"uuid": "", "name": ""},
        "ObjCount": {"obj_count_present": "4", "obj_count_remote": "0"},
        "ObjSize": {"obj_min_size": 10, "obj_avg_size": 10, "obj_max_size": 10},
        "TotalSize": {
            "size_on_disk": "16384",
            "size_all_present_objs": "40",
            "size_all_remote_objs": "0",
            "total_disks_size": "163840",
        },
        "used_pct": 10,
        "is_present": True,
    }
    assert BucketSummary(BucketId("e")).to_json()["ObjSize"]["obj_avg_size"] == 0


def test_control_message() -> None:
    msg = SummaryMsg.from_json({"uuid": '"Abcdefghij"', "prefix": "p/", "cached": True, "present": True})
    assert (msg.uuid, msg.prefix) == ("Abcdefghij", "p/")
    assert SummaryMsg.from_json(None) == SummaryMsg()
