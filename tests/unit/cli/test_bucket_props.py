"""`bucket props set` pairs -> the nested JSON of set-bprops."""

import click
import pytest

from pyaistore.cli.bucket_props import parse_changes


def test_pairs_nest_and_values_are_json_where_they_parse() -> None:
    changes = parse_changes(["mirror.enabled=true", "mirror.copies=2", "checksum.type=md5", "x.y.z=null"])
    assert changes == {
        "mirror": {"enabled": True, "copies": 2},
        "checksum": {"type": "md5"},
        "x": {"y": {"z": None}},
    }


def test_one_json_object() -> None:
    assert parse_changes(['{"versioning": {"enabled": false}}']) == {"versioning": {"enabled": False}}


@pytest.mark.parametrize("pairs", [["novalue"], ["a..b=1"], ["a=1", "a.b=2"], ["[1]"], ["{bad"]])
def test_refused(pairs: list[str]) -> None:
    with pytest.raises(click.UsageError):
        parse_changes(pairs)
