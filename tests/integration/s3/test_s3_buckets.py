"""boto3, unpatched, on buckets: create, list, head, delete, versioning, location, and the errors."""

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError
from s3_it_support import error_code, unique_bucket

from pyaistore.sdk import Client


def test_create_list_head_delete(s3: Any) -> None:
    name = unique_bucket()
    s3.create_bucket(Bucket=name)
    listed = {b["Name"]: b["CreationDate"] for b in s3.list_buckets()["Buckets"]}
    assert name in listed and listed[name].year >= 2024
    head = s3.head_bucket(Bucket=name)
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "ais"
    s3.put_object(Bucket=name, Key="k", Body=b"v")
    s3.delete_bucket(Bucket=name)  # AIS removes a bucket whatever it holds
    assert name not in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    with pytest.raises(ClientError) as caught:
        s3.head_bucket(Bucket=name)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_bucket_errors(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as caught:
        s3.create_bucket(Bucket=bucket)
    assert error_code(caught.value) == "BucketAlreadyExists"
    with pytest.raises(ClientError) as caught:
        s3.list_objects_v2(Bucket=unique_bucket("missing"))
    assert error_code(caught.value) == "NoSuchBucket"
    with pytest.raises(ClientError) as caught:
        s3.delete_bucket(Bucket=unique_bucket("missing"))
    assert error_code(caught.value) == "NoSuchBucket"
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error_code(caught.value) == "NotImplemented"


def test_error_body_is_aws_xml(cluster: Any) -> None:
    reply = requests.get(f"{cluster.endpoint}/s3/{unique_bucket('missing')}/some/key", timeout=10)
    assert reply.status_code == 404
    assert reply.headers["Content-Type"].startswith("application/xml")
    assert "<Code>NoSuchBucket</Code>" in reply.text and "<Resource>/" in reply.text


def test_versioning_and_location(s3: Any, bucket: str, cluster: Any) -> None:
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
    props = json.loads(Client(cluster.endpoint).bucket(bucket).head()["Ais-Bucket-Props"])
    assert props["versioning"]["enabled"] is False  # the native property changed
    assert s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") in (None, "")


def test_native_buckets_are_s3_buckets(s3: Any, cluster: Any, make_bucket: Callable[[], str]) -> None:
    name = unique_bucket("native")
    native = Client(cluster.endpoint).bucket(name).create()
    try:
        native.object("from/native").get_writer().put_content(b"native bytes")
        assert s3.get_object(Bucket=name, Key="from/native")["Body"].read() == b"native bytes"
        assert name in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    finally:
        native.delete(missing_ok=True)
