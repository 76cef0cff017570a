"""ht:// origins: where a bucket's objects are, and what an origin's reply headers say."""

from pyaistore.backends.base import CloudBucket
from pyaistore.backends.http_origin import _attrs, origin_url


def test_origin_is_the_setting_or_the_bucket_name_as_a_host() -> None:
    assert origin_url(CloudBucket("example.org", "ht")) == "https://example.org"
    assert origin_url(CloudBucket("site", "ht", {"original_url": "http://h:8/base/"})) == "http://h:8/base"


def test_reply_headers_become_attributes() -> None:
    attrs = _attrs(
        {
            "Content-Length": "42",
            "ETag": '"abc"',
            "Last-Modified": "Sat, 05 Dec 2026 18:24:07 GMT",
            "Content-Type": "text/plain",
        }
    )
    assert (attrs.size, attrs.etag, attrs.content_type) == (42, "abc", "text/plain")
    assert attrs.last_modified == "2026-12-05T18:24:07+00:00"


def test_a_compressed_or_unsized_body_has_an_unknown_size() -> None:
    assert _attrs({"Content-Length": "10", "Content-Encoding": "gzip"}).size == -1
    assert _attrs({}).size == -1
    assert _attrs({"Last-Modified": "not a date"}).last_modified == ""
