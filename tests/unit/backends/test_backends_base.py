"""The backend seam's values and errors: statuses, and secrets kept out of messages."""

import pytest

from pyaistore.backends.base import (
    BackendError,
    BackendNotImplemented,
    CloudBucket,
    Redactor,
    RemoteAccessDenied,
    RemoteBucketNotFound,
    RemoteObjectNotFound,
    RemoteUnavailable,
    rfc3339,
)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (RemoteBucketNotFound("x"), 404),
        (RemoteObjectNotFound("x"), 404),
        (RemoteAccessDenied("x"), 403),
        (RemoteAccessDenied("x", 401), 401),
        (RemoteUnavailable("x"), 503),
        (RemoteUnavailable("x", 502), 502),
        (BackendNotImplemented("x"), 501),
        (BackendError("x", 409), 409),
    ],
)
def test_each_error_carries_its_status(error: BackendError, status: int) -> None:
    assert error.status == status
    assert error.message == "x"


def test_redactor_hides_every_secret_of_the_environment() -> None:
    env = {
        "AWS_SECRET_ACCESS_KEY": "aws-secret-value",
        "AZURE_STORAGE_CONNECTION_STRING": "AccountName=acct;AccountKey=azure+key/value==;BlobEndpoint=x",
        "AWS_ACCESS_KEY_ID": "public-id",
    }
    redactor = Redactor.from_environment(env)
    text = "refused aws-secret-value and azure+key/value== for public-id"
    assert redactor.clean(text) == "refused *** and *** for public-id"


def test_redactor_replaces_the_longest_secret_whole_and_ignores_tiny_ones() -> None:
    redactor = Redactor(["abcdefgh", "abcdefghijkl", "ab"])
    assert redactor.clean("xx abcdefghijkl yy abcdefgh ab") == "xx *** yy *** ab"


def test_cloud_bucket_settings() -> None:
    bucket = CloudBucket("b", "aws", {"endpoint": "http://e"})
    assert bucket.cname == "aws://b"
    assert bucket.setting("endpoint") == "http://e"
    assert bucket.setting("profile") == ""


def test_rfc3339_of_anything_else_is_empty() -> None:
    assert rfc3339("yesterday") == ""
