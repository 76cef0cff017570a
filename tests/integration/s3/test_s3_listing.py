"""ListObjects V1 and V2 through boto3: prefix, delimiter, continuation, start-after, max-keys."""

from typing import Any

import pytest
from botocore.exceptions import ClientError
from s3_it_support import error_code

KEYS = ["a/1", "a/2", "a/b/3", "a/b/4", "b/5", "c", "d/e/f/6"]


@pytest.fixture()
def filled(s3: Any, bucket: str) -> str:
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def test_v2_full_and_prefixed(s3: Any, filled: str) -> None:
    full = s3.list_objects_v2(Bucket=filled)
    assert [o["Key"] for o in full["Contents"]] == KEYS
    assert full["KeyCount"] == len(KEYS) and not full["IsTruncated"]
    first = full["Contents"][0]
    assert first["Size"] == 3 and first["ETag"].startswith('"') and first["LastModified"].year >= 2024
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=filled, Prefix="a/b")["Contents"]] == [
        "a/b/3",
        "a/b/4",
    ]


def test_v2_delimiter(s3: Any, filled: str) -> None:
    top = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert [o["Key"] for o in top["Contents"]] == ["c"]
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["a/", "b/", "d/"]
    inner = s3.list_objects_v2(Bucket=filled, Delimiter="/", Prefix="a/")
    assert [o["Key"] for o in inner["Contents"]] == ["a/1", "a/2"]
    assert [p["Prefix"] for p in inner["CommonPrefixes"]] == ["a/b/"]


def test_v2_pages_and_start_after(s3: Any, filled: str) -> None:
    page = s3.list_objects_v2(Bucket=filled, MaxKeys=3)
    assert [o["Key"] for o in page["Contents"]] == KEYS[:3] and page["IsTruncated"]
    rest = s3.list_objects_v2(Bucket=filled, MaxKeys=3, ContinuationToken=page["NextContinuationToken"])
    assert [o["Key"] for o in rest["Contents"]] == KEYS[3:6]
    keys = [
        o["Key"]
        for p in s3.get_paginator("list_objects_v2").paginate(Bucket=filled, PaginationConfig={"PageSize": 2})
        for o in p.get("Contents", [])
    ]
    assert keys == KEYS
    after = s3.list_objects_v2(Bucket=filled, StartAfter="b/5")
    assert [o["Key"] for o in after["Contents"]] == ["c", "d/e/f/6"]
    assert s3.list_objects_v2(Bucket=filled, MaxKeys=0)["KeyCount"] == 0


def test_v1_markers(s3: Any, filled: str) -> None:
    first = s3.list_objects(Bucket=filled, MaxKeys=4)
    assert [o["Key"] for o in first["Contents"]] == KEYS[:4] and first["IsTruncated"]
    second = s3.list_objects(Bucket=filled, Marker=first["NextMarker"])
    assert [o["Key"] for o in second["Contents"]] == KEYS[4:]
    keys = [
        o["Key"]
        for p in s3.get_paginator("list_objects").paginate(Bucket=filled, PaginationConfig={"PageSize": 3})
        for o in p.get("Contents", [])
    ]
    assert keys == KEYS


def test_other_delimiters_are_refused(s3: Any, filled: str) -> None:
    with pytest.raises(ClientError) as caught:
        s3.list_objects_v2(Bucket=filled, Delimiter="-")
    assert error_code(caught.value) == "InvalidArgument"
