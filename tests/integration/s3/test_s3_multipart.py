"""S3 multipart uploads through boto3: the low-level calls, upload_file, and what abort leaves."""

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from s3_it_support import error_code, work_areas

MiB = 1 << 20


def _s3_etag(parts: list[bytes]) -> str:
    return '"' + hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + f'-{len(parts)}"'


def test_low_level_calls(s3: Any, bucket: str, cluster: Any) -> None:
    parts = [os.urandom(5 * MiB), os.urandom(5 * MiB), b"tail"]
    upload = s3.create_multipart_upload(
        Bucket=bucket, Key="mp/obj", Metadata={"kind": "mp"}, ContentType="x/y"
    )
    upload_id = upload["UploadId"]
    listed = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in listed] == [("mp/obj", upload_id)]
    etags = {}
    for number in (3, 1, 2):  # any order
        etags[number] = s3.upload_part(
            Bucket=bucket, Key="mp/obj", UploadId=upload_id, PartNumber=number, Body=parts[number - 1]
        )["ETag"]
    assert etags[1] == f'"{hashlib.md5(parts[0]).hexdigest()}"'
    listed_parts = s3.list_parts(Bucket=bucket, Key="mp/obj", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed_parts] == [
        (n, etags[n], len(parts[n - 1])) for n in (1, 2, 3)
    ]
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="mp/obj")  # nothing visible before completion
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="mp/obj",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etags[n]} for n in (1, 2, 3)]},
    )
    assert done["ETag"] == _s3_etag(parts)
    got = s3.get_object(Bucket=bucket, Key="mp/obj")
    assert got["Body"].read() == b"".join(parts)
    assert (
        got["ETag"] == _s3_etag(parts) and got["Metadata"] == {"kind": "mp"} and got["ContentType"] == "x/y"
    )
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert work_areas(cluster, upload_id) == []


def test_errors(s3: Any, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"one")["ETag"]
    with pytest.raises(ClientError) as caught:
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"00"'}]},
        )
    assert error_code(caught.value) == "InvalidPart"
    with pytest.raises(ClientError) as caught:
        s3.upload_part(Bucket=bucket, Key="k", UploadId="nope-123", PartNumber=1, Body=b"x")
    assert error_code(caught.value) == "NoSuchUpload"
    with pytest.raises(ClientError) as caught:
        s3.upload_part(Bucket=bucket, Key="other", UploadId=upload_id, PartNumber=1, Body=b"x")
    assert error_code(caught.value) == "NoSuchUpload"  # an upload belongs to its key
    with pytest.raises(ClientError) as caught:
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=10001, Body=b"x")
    assert error_code(caught.value) == "InvalidArgument"
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="k",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    with pytest.raises(ClientError) as caught:
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
        )
    assert error_code(caught.value) == "NoSuchUpload"


def test_abort_leaves_nothing(s3: Any, bucket: str, cluster: Any) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="gone")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="gone", UploadId=upload_id, PartNumber=1, Body=os.urandom(MiB))
    assert len(work_areas(cluster, upload_id)) == 1
    s3.abort_multipart_upload(Bucket=bucket, Key="gone", UploadId=upload_id)
    assert work_areas(cluster, upload_id) == []
    with pytest.raises(ClientError) as caught:
        s3.list_parts(Bucket=bucket, Key="gone", UploadId=upload_id)
    assert error_code(caught.value) == "NoSuchUpload"
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=bucket, Key="gone")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_upload_file_multipart_64_mib(s3: Any, bucket: str, tmp_path: Path) -> None:
    """boto3's managed transfer: 64 MiB in 8 MiB parts, sent by several threads at once."""
    source = tmp_path / "big.bin"
    chunk = os.urandom(MiB)
    with open(source, "wb") as out:
        for index in range(64):
            out.write(chunk[index:] + chunk[:index])
    config = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB, max_concurrency=4)
    s3.upload_file(str(source), bucket, "big.bin", Config=config)
    data = source.read_bytes()
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"] == _s3_etag([data[i : i + 8 * MiB] for i in range(0, len(data), 8 * MiB)])
    target = tmp_path / "back.bin"
    s3.download_file(bucket, "big.bin", str(target), Config=config)
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(data).digest()
