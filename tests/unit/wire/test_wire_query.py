"""Query encodings: AIS booleans and append handles."""

import pytest

from pyaistore.wire import query


@pytest.mark.parametrize("raw", ["1", "t", "true", "True", "YES", "on", " y "])
def test_true_spellings(raw: str) -> None:
    assert query.parse_bool(raw)


@pytest.mark.parametrize("raw", [None, "", "0", "false", "False", "no", "off", "2"])
def test_false_spellings(raw: str | None) -> None:
    assert not query.parse_bool(raw)


def test_append_handle_round_trip() -> None:
    handle = query.make_append_handle("tAbc123", "tok_en-1")
    assert query.split_append_handle(handle) == ("tAbc123", "tok_en-1")
    assert query.split_append_handle("bare-token") == ("", "bare-token")
    assert query.split_append_handle("") == ("", "")
