"""Checking requests signed by botocore itself (SigV4 header and presigned, SigV2 presigned)."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from botocore.auth import HmacV1QueryAuth, S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from pyaistore.s3.request_auth import authenticate
from pyaistore.s3.s3_errors import S3Error

KEY, SECRET = "AKIDTEST", "secret/key+1"
URL = "http://127.0.0.1:8080/s3/bkt/dir/a%20b.txt?uploadId=x.y&partNumber=2"


def _check(
    request: AWSRequest, secret: str = SECRET, now: datetime | None = None, resource: str = ""
) -> None:
    parts = urlsplit(request.url)
    hdrs: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        hdrs.setdefault(name.lower(), []).append(value)
    hdrs.setdefault("host", [parts.netloc])
    authenticate(
        request.method, parts.path, parts.query, hdrs, KEY, secret, now or datetime.now(UTC), resource
    )


def _signed(method: str = "PUT") -> AWSRequest:
    request = AWSRequest(method, URL, data=b"body", headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    S3SigV4Auth(Credentials(KEY, SECRET), "s3", "us-east-1").add_auth(request)
    return request


def test_header_signature() -> None:
    _check(_signed())
    with pytest.raises(S3Error) as caught:
        _check(_signed(), secret="other")
    assert caught.value.code == "SignatureDoesNotMatch"
    with pytest.raises(S3Error) as caught:
        _check(_signed(), now=datetime.now(UTC) + timedelta(hours=1))
    assert caught.value.code == "RequestTimeTooSkewed"


def test_presigned_v4_and_v2() -> None:
    v4 = AWSRequest("GET", URL)
    S3SigV4QueryAuth(Credentials(KEY, SECRET), "s3", "us-east-1", expires=60).add_auth(v4)
    _check(v4)
    with pytest.raises(S3Error) as caught:
        _check(v4, now=datetime.now(UTC) + timedelta(minutes=2))
    assert caught.value.code == "AccessDenied"
    v2 = AWSRequest("GET", "http://127.0.0.1:8080/bkt/dir/a%20b.txt")
    HmacV1QueryAuth(Credentials(KEY, SECRET), expires=60).add_auth(v2)
    _check(v2, resource="/bkt/dir/a%20b.txt")


def test_unsigned_and_foreign_keys() -> None:
    with pytest.raises(S3Error) as caught:
        _check(AWSRequest("GET", URL))
    assert caught.value.code == "AccessDenied"
    other = AWSRequest("GET", URL, headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    S3SigV4Auth(Credentials("AKIDOTHER", SECRET), "s3", "us-east-1").add_auth(other)
    with pytest.raises(S3Error) as caught:
        _check(other)
    assert caught.value.code == "InvalidAccessKeyId"
