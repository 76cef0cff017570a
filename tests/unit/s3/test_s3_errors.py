"""The S3 error table: native errors and relayed refusals as S3 codes, rendered as AWS's XML."""

import xml.etree.ElementTree as ElementTree

import pytest

from pyaistore.cluster.errors import BucketNotFound, PeerFailed, PeerRejected
from pyaistore.s3 import s3_errors
from pyaistore.storage.errors import ObjectNotFound, UploadNotFound
from pyaistore.wire import error_body
from pyaistore.wire.bucket_id import BucketId


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (s3_errors.S3Error("SignatureDoesNotMatch", "m"), (403, "SignatureDoesNotMatch")),
        (BucketNotFound(BucketId("b")), (404, "NoSuchBucket")),
        (ObjectNotFound(BucketId("b"), "o"), (404, "NoSuchKey")),
        (UploadNotFound(BucketId("b"), "o", "u"), (404, "NoSuchUpload")),
        (PeerRejected(404, "m", error_body.UPLOAD_NOT_FOUND), (404, "NoSuchUpload")),
        (PeerRejected(404, "m", error_body.OBJECT_NOT_FOUND), (404, "NoSuchKey")),
        (PeerRejected(400, "m", error_body.CHECKSUM_MISMATCH), (400, "BadDigest")),
        (PeerRejected(409, "m", error_body.CONFLICT), (409, "InvalidRequest")),
        (PeerFailed("down"), (503, "ServiceUnavailable")),
        (RuntimeError("bug"), (500, "InternalError")),
    ],
)
def test_code_for(exc: BaseException, expected: tuple[int, str]) -> None:
    assert s3_errors.code_for(exc) == expected


def test_every_code_has_a_status() -> None:
    assert set(s3_errors.EXCEPTIONS.values()) | set(s3_errors.TCODES.values()) <= set(s3_errors.STATUS)


def test_render() -> None:
    reply = s3_errors.render(ObjectNotFound(BucketId("b"), "a<b"), "/b/a<b", "GET")
    assert reply.status == 404 and reply.content_type == "application/xml"
    assert reply.text is not None
    root = ElementTree.fromstring(reply.text)
    assert root.findtext("Code") == "NoSuchKey" and root.findtext("Resource") == "/b/a<b"
    assert s3_errors.render(ObjectNotFound(BucketId("b"), "o"), "/b/o", "HEAD").body is None
