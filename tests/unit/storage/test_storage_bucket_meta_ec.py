"""bucket_meta: the `ec` section is checked as AIS checks an enabled one (cmn.ECConf.Validate)."""

import re
from typing import Any

import pytest

from pyaistore.storage.bucket_meta import apply_patch, default_props
from pyaistore.storage.errors import InvalidProps
from pyaistore.wire.bucket_id import BucketId


def _props() -> dict[str, Any]:
    return default_props(BucketId("b"), 1, 1)


def test_enabling_turns_zero_slices_into_two() -> None:
    ec = apply_patch(_props(), {"ec": {"enabled": True}})["ec"]
    assert (ec["data_slices"], ec["parity_slices"]) == (2, 2)
    assert apply_patch(_props(), {"ec": {"data_slices": 0}})["ec"]["data_slices"] == 0  # off: left alone


@pytest.mark.parametrize(
    ("ec", "message"),
    [
        ({"data_slices": 33}, "invalid ec.data_slices: 33 (expected value in range [1, 32])"),
        ({"parity_slices": 64}, "invalid ec.parity_slices: 64 (expected value in range [1, 32])"),
        (
            {"objsize_limit": -2},
            "invalid ec.objsize_limit: -2 (expecting an integer greater than or equal to -1)",
        ),
        ({"compression": "sometimes"}, '"ec.compression"'),
    ],
)
def test_out_of_range_values_are_refused(ec: dict[str, Any], message: str) -> None:
    with pytest.raises(
        InvalidProps,
        match=re.escape(message),
    ):
        apply_patch(_props(), {"ec": {"enabled": True, **ec}})


def test_replicate_everything_and_encode_everything_are_valid() -> None:
    for limit in (-1, 0, 1 << 20):
        assert (
            apply_patch(_props(), {"ec": {"enabled": True, "objsize_limit": limit}})["ec"]["objsize_limit"]
            == limit
        )
