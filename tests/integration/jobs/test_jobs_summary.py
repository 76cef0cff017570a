"""Bucket summary (summary-bck) through both of the official SDK's polling flows."""

from collections.abc import Callable

import pytest
import requests
from aistore.sdk import Client as OfficialClient
from aistore.sdk.errors import AISError
from jobs_it_support import fill


def test_summary_counts_objects_and_sizes(
    official: OfficialClient, endpoint: str, make_bucket: Callable[[str], str]
) -> None:
    bucket = make_bucket("sum")
    fill(endpoint, bucket, [f"p/o{i}" for i in range(10)], size=100)
    fill(endpoint, bucket, ["q"], size=1000)
    summary = official.bucket(bucket).summary()
    assert summary["name"] == bucket and summary["is_present"] is True
    assert summary["ObjCount"]["obj_count_present"] == "11"
    assert summary["TotalSize"]["size_all_present_objs"] == "2000"
    assert summary["ObjSize"] == {"obj_min_size": 100, "obj_avg_size": 181, "obj_max_size": 1000}
    assert int(summary["TotalSize"]["size_on_disk"]) >= 2000
    assert int(summary["TotalSize"]["total_disks_size"]) > 0
    assert official.bucket(bucket).summary(prefix="p/")["ObjCount"]["obj_count_present"] == "10"


def test_info_polls_head_until_done(
    official: OfficialClient, endpoint: str, make_bucket: Callable[[str], str]
) -> None:
    bucket = make_bucket("info")
    fill(endpoint, bucket, ["a", "b", "c"], size=10)
    props, summary = official.bucket(bucket).info()
    assert '"provider":"ais"' in props
    assert summary["ObjCount"]["obj_count_present"] == "3"
    first = requests.head(f"{endpoint}/v1/buckets/{bucket}", params={"bsumm_remote": "true"}, timeout=10)
    assert first.status_code == 202 and len(first.headers["Ais-Xaction-Id"]) >= 9


def test_summary_errors(official: OfficialClient, endpoint: str) -> None:
    with pytest.raises(AISError) as info:
        official.bucket("job-no-such-bucket").summary()
    assert info.value.status_code == 404
    value = {"uuid": "nosuchjob0", "prefix": "", "cached": True, "present": True}
    body = {"action": "summary-bck", "name": "", "value": value}
    reply = requests.get(f"{endpoint}/v1/buckets/x", params={"provider": "ais"}, json=body, timeout=10)
    assert reply.status_code == 404
