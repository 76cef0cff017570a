"""errors: one base class, messages as str, ObjectNotFound in AIS's wording."""

import pytest

from pyaistore.storage import errors
from pyaistore.wire.bucket_id import BucketId


def test_object_not_found_message_uses_the_object_cname() -> None:
    exc = errors.ObjectNotFound(BucketId("b"), "dir/o")
    assert exc.message == "ais://b/dir/o does not exist"
    assert str(exc) == exc.message
    assert exc.bucket == BucketId("b")
    assert exc.name == "dir/o"


@pytest.mark.parametrize("name", [n for n in errors.__all__ if n != "StorageError"])
def test_every_error_is_a_storage_error(name: str) -> None:
    cls = getattr(errors, name)
    assert issubclass(cls, errors.StorageError)


def test_message_only_errors_keep_their_message() -> None:
    exc = errors.NoSpace("no space left")
    assert exc.message == "no space left"
    assert str(exc) == "no space left"
