"""A cluster with an S3 key pair: SigV4 (header and presigned) checked, anonymous refused; S3 at the
root and virtual-hosted-style addressing; idle multipart uploads expired by the targets' sweep."""

import hashlib
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import s3_it_support
from botocore import UNSIGNED
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from s3_it_support import ACCESS_KEY, SECRET_KEY, error_code, unique_bucket, work_areas

from pyaistore.s3 import sigv4
from pyaistore.server.local_cluster import LocalCluster

ENV = {
    "PYAISTORE_S3_ACCESS_KEY": ACCESS_KEY,
    "PYAISTORE_S3_SECRET_KEY": SECRET_KEY,
    "PYAISTORE_S3_AT_ROOT": "true",
    "PYAISTORE_MULTIPART_IDLE_EXPIRY": "1",
    "PYAISTORE_MULTIPART_SWEEP_INTERVAL": "0.5",
}


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """One proxy and one target that check S3 signatures against the test key pair."""
    running = LocalCluster(tmp_path_factory.mktemp("s3keyed"), port=0, targets=1, env=ENV)
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def signed(keyed: LocalCluster) -> Any:
    return s3_it_support.client(keyed.endpoint + "/s3", ACCESS_KEY, SECRET_KEY, signature_version="s3v4")


@pytest.fixture(scope="module")
def keyed_bucket(signed: Any) -> str:
    name = str(unique_bucket("auth"))
    signed.create_bucket(Bucket=name)
    signed.put_object(Bucket=name, Key="doc.txt", Body=b"secret bytes")
    return name


def test_signed_requests_work(signed: Any, keyed_bucket: str) -> None:
    assert signed.get_object(Bucket=keyed_bucket, Key="doc.txt")["Body"].read() == b"secret bytes"
    assert keyed_bucket in {b["Name"] for b in signed.list_buckets()["Buckets"]}


@pytest.mark.parametrize(
    ("access", "secret", "code"),
    [(ACCESS_KEY, "wrong-secret", "SignatureDoesNotMatch"), ("AKIDOTHER", SECRET_KEY, "InvalidAccessKeyId")],
)
def test_bad_credentials_are_refused(
    keyed: LocalCluster, keyed_bucket: str, access: str, secret: str, code: str
) -> None:
    client = s3_it_support.client(keyed.endpoint + "/s3", access, secret)
    calls: list[Callable[[], object]] = [
        lambda: client.get_object(Bucket=keyed_bucket, Key="doc.txt"),
        lambda: client.put_object(Bucket=keyed_bucket, Key="doc.txt", Body=b"overwrite"),
        lambda: client.list_buckets(),
    ]
    for call in calls:
        with pytest.raises(ClientError) as caught:
            call()
        assert error_code(caught.value) == code
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_anonymous_is_refused(keyed: LocalCluster, keyed_bucket: str, signed: Any) -> None:
    anonymous = s3_it_support.client(keyed.endpoint + "/s3", signature_version=UNSIGNED)
    with pytest.raises(ClientError) as caught:
        anonymous.get_object(Bucket=keyed_bucket, Key="doc.txt")
    assert error_code(caught.value) == "AccessDenied"
    assert requests.get(f"{keyed.endpoint}/s3/{keyed_bucket}/doc.txt", timeout=10).status_code == 403
    assert signed.get_object(Bucket=keyed_bucket, Key="doc.txt")["Body"].read() == b"secret bytes"


def test_a_tampered_body_is_refused(keyed: LocalCluster, keyed_bucket: str, signed: Any) -> None:
    """The signature covers x-amz-content-sha256, and the body must have that hash."""
    url = f"{keyed.endpoint}/s3/{keyed_bucket}/tampered"
    body = b"what was signed"
    request = AWSRequest(
        "PUT", url, data=body, headers={"x-amz-content-sha256": hashlib.sha256(body).hexdigest()}
    )
    S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(request)
    sent_headers = dict(request.headers.items())
    reply = requests.put(url, data=b"what was sent!!", headers=sent_headers, timeout=10)
    assert reply.status_code == 400 and "XAmzContentSHA256Mismatch" in reply.text
    with pytest.raises(ClientError):
        signed.head_object(Bucket=keyed_bucket, Key="tampered")
    assert requests.put(url, data=body, headers=sent_headers, timeout=10).status_code == 200


def test_presigned_with_boto3_defaults(keyed: LocalCluster, keyed_bucket: str) -> None:
    """boto3's default presigned URL is still SigV2 (?AWSAccessKeyId=&Signature=&Expires=)."""
    default = s3_it_support.client(keyed.endpoint + "/s3", ACCESS_KEY, SECRET_KEY)
    url = default.generate_presigned_url("get_object", Params={"Bucket": keyed_bucket, "Key": "doc.txt"})
    assert "AWSAccessKeyId=" in url
    reply = requests.get(url, timeout=10)
    assert reply.status_code == 200 and reply.content == b"secret bytes"
    assert requests.get(url.replace("Signature=", "Signature=x"), timeout=10).status_code == 403


def test_presigned_get_and_put(signed: Any, keyed_bucket: str) -> None:
    put_url = signed.generate_presigned_url(
        "put_object", Params={"Bucket": keyed_bucket, "Key": "shared.bin"}, ExpiresIn=60
    )
    assert requests.put(put_url, data=b"uploaded by URL", timeout=10).status_code == 200
    get_url = signed.generate_presigned_url(
        "get_object", Params={"Bucket": keyed_bucket, "Key": "shared.bin"}, ExpiresIn=60
    )
    reply = requests.get(get_url, timeout=10)
    assert reply.status_code == 200 and reply.content == b"uploaded by URL"
    tampered = get_url.replace("shared.bin", "doc.txt")
    assert "SignatureDoesNotMatch" in requests.get(tampered, timeout=10).text
    expired = signed.generate_presigned_url(
        "get_object", Params={"Bucket": keyed_bucket, "Key": "shared.bin"}, ExpiresIn=1
    )
    deadline = time.monotonic() + 10
    while (reply := requests.get(expired, timeout=10)).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert reply.status_code == 403 and "expired" in reply.text


def test_signed_streaming_upload(keyed: LocalCluster, keyed_bucket: str, signed: Any) -> None:
    """STREAMING-AWS4-HMAC-SHA256-PAYLOAD: aws-chunked framing, each chunk signed (AWS's scheme)."""
    chunks = [b"a" * 65536, b"b" * 1024]
    url = f"{keyed.endpoint}/s3/{keyed_bucket}/chunked"
    amz_date = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    credential = sigv4.Credential(ACCESS_KEY, amz_date[:8], "us-east-1", "s3")
    host = keyed.endpoint.removeprefix("http://")
    body_len = sum(len(f"{len(c):x};chunk-signature={'0' * 64}\r\n") + len(c) + 2 for c in [*chunks, b""])
    hdrs = {
        "host": host,
        "content-encoding": "aws-chunked",
        "content-length": str(body_len),
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-date": amz_date,
        "x-amz-decoded-content-length": str(sum(map(len, chunks))),
    }
    signed_names = sorted(hdrs)
    canonical = sigv4.canonical_request(
        "PUT",
        sigv4.canonical_uri(f"/s3/{keyed_bucket}/chunked"),
        "",
        sigv4.canonical_headers({k: [v] for k, v in hdrs.items()}, signed_names),
        signed_names,
        hdrs["x-amz-content-sha256"],
    )
    key = sigv4.signing_key(SECRET_KEY, credential)
    seed = sigv4.signature(key, sigv4.string_to_sign(amz_date, credential.scope, canonical))
    previous, body = seed, b""
    for chunk in [*chunks, b""]:
        previous = sigv4.signature(
            key,
            sigv4.chunk_string_to_sign(
                amz_date, credential.scope, previous, hashlib.sha256(chunk).hexdigest()
            ),
        )
        body += f"{len(chunk):x};chunk-signature={previous}\r\n".encode() + chunk + b"\r\n"
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{credential.scope}, "
        f"SignedHeaders={';'.join(signed_names)}, Signature={seed}"
    )
    reply = requests.put(url, data=body, headers={**hdrs, "Authorization": authorization}, timeout=10)
    assert reply.status_code == 200, reply.text
    assert signed.get_object(Bucket=keyed_bucket, Key="chunked")["Body"].read() == b"".join(chunks)
    forged = body.replace(b"b" * 1024, b"c" * 1024)
    reply = requests.put(url, data=forged, headers={**hdrs, "Authorization": authorization}, timeout=10)
    assert reply.status_code == 403 and "SignatureDoesNotMatch" in reply.text
    assert signed.get_object(Bucket=keyed_bucket, Key="chunked")["Body"].read() == b"".join(chunks)


def test_root_and_virtual_hosted_addressing(keyed: LocalCluster, keyed_bucket: str) -> None:
    at_root = s3_it_support.client(keyed.endpoint, ACCESS_KEY, SECRET_KEY)
    assert at_root.get_object(Bucket=keyed_bucket, Key="doc.txt")["Body"].read() == b"secret bytes"
    assert requests.get(f"{keyed.endpoint}/v1/health", timeout=10).status_code == 200  # native still native
    port = keyed.endpoint.rsplit(":", 1)[1]
    request = AWSRequest("GET", f"http://{keyed_bucket}.localhost:{port}/s3/doc.txt")
    request.headers["x-amz-content-sha256"] = sigv4.EMPTY_SHA256
    S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(request)
    sent = {**dict(request.headers.items()), "Host": f"{keyed_bucket}.localhost:{port}"}
    reply = requests.get(f"{keyed.endpoint}/s3/doc.txt", headers=sent, timeout=10)
    assert reply.status_code == 200 and reply.content == b"secret bytes"


def test_idle_uploads_expire(signed: Any, keyed_bucket: str, keyed: LocalCluster) -> None:
    upload_id = signed.create_multipart_upload(Bucket=keyed_bucket, Key="idle")["UploadId"]
    signed.upload_part(Bucket=keyed_bucket, Key="idle", UploadId=upload_id, PartNumber=1, Body=b"part")
    assert len(work_areas(keyed, upload_id)) == 1
    deadline = time.monotonic() + 30
    while work_areas(keyed, upload_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert work_areas(keyed, upload_id) == []
    with pytest.raises(ClientError) as caught:
        signed.list_parts(Bucket=keyed_bucket, Key="idle", UploadId=upload_id)
    assert error_code(caught.value) == "NoSuchUpload"
    assert Path(keyed.data_dir).exists()
