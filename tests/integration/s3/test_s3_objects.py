"""boto3, unpatched, on objects: put/get/range/head/delete, metadata, copy, batch delete, digests."""

import base64
import hashlib
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError
from s3_it_support import error_code

from pyaistore.sdk import Client


def test_put_get_head_delete(s3: Any, bucket: str) -> None:
    body = bytes(range(256)) * 300
    put = s3.put_object(
        Bucket=bucket,
        Key="dir/obj.bin",
        Body=body,
        Metadata={"Owner": "me", "n": "1"},
        ContentType="text/csv",
    )
    got = s3.get_object(Bucket=bucket, Key="dir/obj.bin")
    assert got["Body"].read() == body
    assert got["ETag"] == put["ETag"] and got["ContentLength"] == len(body)
    assert got["Metadata"] == {"owner": "me", "n": "1"} and got["ContentType"] == "text/csv"
    head = s3.head_object(Bucket=bucket, Key="dir/obj.bin")
    assert head["ContentLength"] == len(body) and head["ETag"] == put["ETag"]
    assert head["LastModified"].year >= 2024
    s3.delete_object(Bucket=bucket, Key="dir/obj.bin")
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="dir/obj.bin")
    assert error_code(caught.value) == "NoSuchKey"
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=bucket, Key="dir/obj.bin")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    s3.delete_object(Bucket=bucket, Key="dir/obj.bin")  # S3: deleting a missing key is no error


def test_ranges(s3: Any, bucket: str) -> None:
    body = b"0123456789" * 10_000
    s3.put_object(Bucket=bucket, Key="r", Body=body)
    part = s3.get_object(Bucket=bucket, Key="r", Range="bytes=5-14")
    assert part["Body"].read() == body[5:15]
    assert part["ContentRange"] == f"bytes 5-14/{len(body)}"
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=-3")["Body"].read() == body[-3:]
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="r", Range=f"bytes={len(body) + 10}-")
    assert error_code(caught.value) == "InvalidRange"


def test_content_md5_is_checked_and_becomes_the_etag(s3: Any, bucket: str) -> None:
    body = b"checked body"
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    put = s3.put_object(Bucket=bucket, Key="md5", Body=body, ContentMD5=md5)
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'  # a verified Content-MD5 is the ETag
    assert s3.head_object(Bucket=bucket, Key="md5")["ETag"] == put["ETag"]
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="md5", Body=body + b"!", ContentMD5=wrong)
    assert error_code(caught.value) == "BadDigest"
    assert s3.get_object(Bucket=bucket, Key="md5")["Body"].read() == body  # nothing was stored


def test_crc32_checksum_header_is_checked(cluster: Any, bucket: str, s3: Any) -> None:
    url = f"{cluster.endpoint}/s3/{bucket}/crc"
    good = requests.put(url, data=b"abc", headers={"x-amz-checksum-crc32": "NSRBwg=="}, timeout=10)
    assert good.status_code == 200, good.text
    bad = requests.put(url, data=b"abd", headers={"x-amz-checksum-crc32": "NSRBwg=="}, timeout=10)
    assert bad.status_code == 400 and "<Code>BadDigest</Code>" in bad.text
    assert s3.get_object(Bucket=bucket, Key="crc")["Body"].read() == b"abc"


def test_copy_object(s3: Any, bucket: str, make_bucket: Any) -> None:
    other = make_bucket()
    s3.put_object(Bucket=bucket, Key="src key+1", Body=b"payload", Metadata={"a": "1"})
    result = s3.copy_object(Bucket=other, Key="dst", CopySource={"Bucket": bucket, "Key": "src key+1"})
    assert result["CopyObjectResult"]["ETag"]
    copied = s3.get_object(Bucket=other, Key="dst")
    assert copied["Body"].read() == b"payload" and copied["Metadata"] == {"a": "1"}
    s3.copy_object(
        Bucket=bucket,
        Key="src key+1",
        CopySource={"Bucket": bucket, "Key": "src key+1"},
        Metadata={"b": "2"},
        MetadataDirective="REPLACE",
    )
    assert s3.head_object(Bucket=bucket, Key="src key+1")["Metadata"] == {"b": "2"}
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "missing"})
    assert error_code(caught.value) == "NoSuchKey"
    etag = s3.head_object(Bucket=bucket, Key="src key+1")["ETag"]
    with pytest.raises(ClientError) as caught:
        s3.copy_object(
            Bucket=bucket,
            Key="y",
            CopySource={"Bucket": bucket, "Key": "src key+1"},
            CopySourceIfNoneMatch=etag,
        )
    assert error_code(caught.value) == "PreconditionFailed"


def test_delete_objects(s3: Any, bucket: str) -> None:
    for key in ("a", "b", "c/d"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    reply = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in ("a", "c/d", "never")]})
    assert sorted(item["Key"] for item in reply["Deleted"]) == ["a", "c/d", "never"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["b"]
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "b"}], "Quiet": True})
    assert "Deleted" not in quiet and s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_native_custom_metadata_is_s3_metadata(s3: Any, bucket: str, cluster: Any) -> None:
    obj = Client(cluster.endpoint).bucket(bucket).object("n")
    obj.get_writer().put_content(b"x")
    obj.get_writer().set_custom_props({"x-amz-meta-color": "blue", "internal": "no"})
    assert s3.head_object(Bucket=bucket, Key="n")["Metadata"] == {"color": "blue"}
    s3.put_object(Bucket=bucket, Key="m", Body=b"y", Metadata={"k": "v, with a comma"})
    assert s3.head_object(Bucket=bucket, Key="m")["Metadata"] == {"k": "v, with a comma"}


def test_key_segments_are_joined_as_ais_does(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="/a//b/c", Body=b"joined")
    assert s3.get_object(Bucket=bucket, Key="a/b/c")["Body"].read() == b"joined"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["a/b/c"]


def test_conditional_get(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="cond", Body=b"v1")["ETag"]
    assert s3.get_object(Bucket=bucket, Key="cond", IfMatch=etag)["Body"].read() == b"v1"
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="cond", IfMatch='"not-it"')
    assert error_code(caught.value) == "PreconditionFailed"
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="cond", IfNoneMatch=etag)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
