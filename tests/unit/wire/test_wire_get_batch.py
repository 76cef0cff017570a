"""The get-batch request parser: AIS's fields, ranges, unames, opaque bytes, entry names."""

import pytest

from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.get_batch import MossIn, MossOut, MossReq, RangeError, entry_name, missing_name


def test_request_round_trip_and_defaults() -> None:
    body = {
        "in": [
            {"objname": "a.jpg", "bucket": "b", "provider": "s3"},
            {"objname": "shard.tar", "archpath": "/x/1.jpg", "start": 4, "length": -1, "opaque": "dXNlcg=="},
        ],
        "mime": "tar.gz",
        "coer": True,
        "strm": True,
    }
    req = MossReq.from_json(body)
    assert (req.mime, req.continue_on_error, req.only_obj_name, req.streaming) == (".tgz", True, False, True)
    second = req.entries[1]
    assert (second.archpath, second.start, second.length, second.opaque) == ("x/1.jpg", 4, -1, b"user")
    assert req.entries[0].bucket_id(None) == BucketId("b", "aws")
    assert MossReq.from_json(req.to_json()) == req


@pytest.mark.parametrize(
    "entry", [{"objname": "a", "start": -1}, {"objname": "a", "length": -2}, {"objname": "a", "start": 3}]
)
def test_invalid_ranges_are_range_errors(entry: dict[str, object]) -> None:
    with pytest.raises(RangeError):
        MossReq.from_json({"in": [entry]})


@pytest.mark.parametrize(
    "body",
    [{"in": []}, {}, {"in": [{"bucket": "b"}]}, {"in": "x"}, {"in": [{"objname": "a"}], "mime": "rar"}],
)
def test_malformed_requests(body: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        MossReq.from_json(body)


def test_uname_and_default_bucket() -> None:
    entry = MossIn.from_json({"uname": "ais/@#/photos/cat/1.jpg"})
    assert (entry.bucket, entry.objname) == ("photos", "cat/1.jpg")
    assert MossIn.from_json({"objname": "x"}).bucket_id(BucketId("d")) == BucketId("d")
    with pytest.raises(ValueError):
        MossIn.from_json({"objname": "x"}).bucket_id(None)


def test_names_in_the_archive() -> None:
    plain, member = MossIn("o"), MossIn("s.tar", archpath="a/b.jpg")
    assert entry_name(plain, "b", False) == "b/o" and entry_name(plain, "b", True) == "o"
    assert entry_name(member, "b", False) == "b/s.tar/a/b.jpg"
    assert missing_name(member, "b", True) == "__404__/s.tar/a/b.jpg"
    assert MossOut("o", "b", "ais", 0, err_msg="gone").to_json() == {
        "objname": "o",
        "bucket": "b",
        "provider": "ais",
        "err_msg": "gone",
        "size": 0,
    }
