"""The dsort spec: AIS's fields, sizes, defaults and refusals."""

import pytest

from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.dsort import DsortSpec, parse_mem_limit, parse_size


def test_sizes() -> None:
    assert parse_size("10KB", "x") == parse_size("10KiB", "x") == 10240
    assert parse_size("1.5MB", "x") == 1572864 and parse_size(77, "x") == 77
    assert parse_mem_limit("50%", 1000) == 500 and parse_mem_limit("2KB", 1000) == 2048
    with pytest.raises(ValueError):
        parse_size("ten", "x")


def test_spec_defaults_and_round_trip() -> None:
    spec = DsortSpec.from_json(
        {
            "input_bck": {"name": "in"},
            "input_format": {"template": "s-{0..9}"},
            "input_extension": "tar",
            "output_format": "o-{00..99}",
            "output_shard_size": "10KB",
            "algorithm": {},
        }
    )
    assert spec.output_bucket == BucketId("in") and spec.output_extension == spec.input_extension == ".tar"
    assert spec.algorithm.kind == "alphanumeric" and spec.output_shard_size == 10240
    assert DsortSpec.from_json(spec.to_json()) == spec


@pytest.mark.parametrize(
    "patch",
    [
        {"algorithm": {"kind": "random"}},
        {"algorithm": {"kind": "content"}},
        {"input_extension": ".rar"},
        {"output_format": ""},
        {"input_format": {}},
    ],
)
def test_refused_specs(patch: dict[str, object]) -> None:
    body: dict[str, object] = {
        "input_bck": {"name": "in"},
        "input_format": {"template": "s-{0..9}"},
        "output_format": "o-{0..9}",
    }
    body.update(patch)
    with pytest.raises(ValueError):
        DsortSpec.from_json(body)
