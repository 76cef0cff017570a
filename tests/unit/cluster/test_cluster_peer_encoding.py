"""How peer calls carry metadata and buckets: object metadata in one header, bucket query strings."""

import pytest

from pyaistore.cluster.peer_encoding import bucket_query, decode_meta, encode_meta
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire.bucket_id import BucketId, Namespace


def test_metadata_round_trips_losslessly_through_the_header() -> None:
    meta = ObjectMeta("a/b c", 12, "xxhash2", "abc", "7", 1_700_000_000_123_456_789, {"k,=": "v, x=y ü"})
    text = encode_meta(meta)
    assert "\n" not in text and text.isascii()
    assert decode_meta(text) == meta


@pytest.mark.parametrize("text", ["", "{", '{"name": 1}', "[]"])
def test_bad_metadata_headers_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        decode_meta(text)


def test_bucket_query_carries_provider_and_namespace() -> None:
    assert bucket_query(BucketId("b")) == "provider=ais"
    spaced = BucketId("b", "ais", Namespace("uuid1", "ns"))
    assert bucket_query(spaced) == "provider=ais&namespace=%40uuid1%23ns"
