"""plain_request.resolve: which object requests are plain, and their bucket and name (kept per bucket)."""

import pytest

from pyaistore.web import plain_request
from pyaistore.wire.bucket_id import BucketId, Namespace


def _resolve(path: bytes, params: dict[str, str] | None = None, check_name: bool = True) -> object:
    return plain_request.resolve(path, params or {}, check_name)


def test_a_plain_request_names_its_bucket_and_object_every_time() -> None:
    for _ in range(3):  # the first call decides the bucket, later ones reuse the decision
        assert _resolve(b"/v1/objects/b1/dir/o.txt") == (BucketId("b1"), "dir/o.txt")
    assert _resolve(b"/v1/objects/b1/a%20b%2Fc") == (BucketId("b1"), "a b/c")
    assert _resolve(b"/v1/objects/b1/o", {"provider": "s3"}) == (BucketId("b1", "aws"), "o")
    assert _resolve(b"/v1/objects/b1/o", {"namespace": "#ns"}) == (
        BucketId("b1", "ais", Namespace("", "ns")),
        "o",
    )


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (b"/v1/objects/b%31/o", {}),  # an escape in the bucket
        (b"/v1/objects/bad..name/o", {}),
        (b"/v1/objects/.hidden/o", {}),
        (b"/v1/objects/b1/o", {"provider": "nosuch"}),
        (b"/v1/objects/b1/o", {"namespace": "@remote-uuid"}),  # a remote cluster's alias
        (b"/v1/objects/b1//o", {}),
        (b"/v1/objects/b1/./o", {}),
        (b"/v1/objects/b1", {}),
        (b"/v1/objects/b1/\xff", {}),
    ],
)
def test_anything_odd_is_not_plain_every_time(path: bytes, params: dict[str, str]) -> None:
    assert _resolve(path, params) is None
    assert _resolve(path, params) is None  # the kept decision says the same


def test_the_object_name_is_checked_unless_the_store_checks_it() -> None:
    assert _resolve(b"/v1/objects/b1/a/../../etc") is None
    assert _resolve(b"/v1/objects/b1/a%2F..%2F..%2Fetc") is None
    assert _resolve(b"/v1/objects/b1/a%2F..%2F..%2Fetc", check_name=False) == (BucketId("b1"), "a/../../etc")


def test_decisions_stay_right_past_the_bound() -> None:
    for index in range(plain_request._KEPT_BUCKETS + 10):
        assert _resolve(b"/v1/objects/k%d/o" % index) == (BucketId(f"k{index}"), "o")
    assert len(plain_request._buckets) <= plain_request._KEPT_BUCKETS
    assert _resolve(b"/v1/objects/k0/o") == (BucketId("k0"), "o")
