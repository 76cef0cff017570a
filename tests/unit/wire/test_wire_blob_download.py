"""The blob-download action's value: AIS's fields and checks, and the object's name the gateway adds."""

import pytest

from pyaistore.wire.blob_download import MAX_WORKERS, BlobDownloadMsg


def test_the_official_sdk_value_parses_and_the_gateway_form_round_trips() -> None:
    msg = BlobDownloadMsg.from_json({"latest-ver": True, "chunk-size": 1 << 20, "num-workers": 4}, "big/o")
    assert msg == BlobDownloadMsg("big/o", latest=True, chunk_size=1 << 20, num_workers=4)
    assert BlobDownloadMsg.from_json(msg.to_json()) == msg  # the target reads the name from the value
    assert BlobDownloadMsg.from_json(None, "o") == BlobDownloadMsg("o")


@pytest.mark.parametrize(
    ("value", "name", "problem"),
    [
        ({}, "", "missing object name"),
        ([], "o", "must be an object"),
        ({"latest-ver": "yes"}, "o", "latest-ver"),
        ({"chunk-size": -1}, "o", "chunk-size"),
        ({"chunk-size": True}, "o", "chunk-size"),
        ({"num-workers": MAX_WORKERS + 1}, "o", "num-workers"),
        ({"num-workers": -2}, "o", "num-workers"),
    ],
)
def test_a_bad_value_is_a_value_error_naming_the_field(value: object, name: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        BlobDownloadMsg.from_json(value, name)
