"""Single byte ranges per RFC 9110 §14.1.2."""

import pytest

from pyaistore.cluster.errors import RangeNotSatisfiable
from pyaistore.target import byte_range


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-9", 100, (0, 10)),
        ("bytes=90-", 100, (90, 10)),
        ("bytes=-10", 100, (90, 10)),
        ("bytes=-1000", 100, (0, 100)),
        ("bytes=95-200", 100, (95, 5)),
        ("bytes = 5 - 5", 100, (5, 1)),
    ],
)
def test_resolve(header: str, size: int, expected: tuple[int, int]) -> None:
    assert byte_range.resolve(byte_range.parse(header), size) == expected


@pytest.mark.parametrize(
    "header", ["items=0-1", "bytes=0-1,5-6", "bytes=abc", "bytes=-", "bytes=9-3", "bytes"]
)
def test_malformed(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        byte_range.parse(header)


@pytest.mark.parametrize(("header", "size"), [("bytes=100-", 100), ("bytes=-0", 100), ("bytes=0-", 0)])
def test_unsatisfiable_carries_size(header: str, size: int) -> None:
    with pytest.raises(RangeNotSatisfiable) as info:
        byte_range.resolve(byte_range.parse(header), size)
    assert info.value.size == size


def test_positions_are_bounded_and_whitespace_costs_linear_time() -> None:
    import time

    from pyaistore.cluster.errors import RangeNotSatisfiable
    from pyaistore.target import byte_range

    with pytest.raises(RangeNotSatisfiable, match="position beyond"):
        byte_range.parse("bytes=0-" + "9" * 5000)
    started = time.monotonic()
    with pytest.raises(RangeNotSatisfiable):
        byte_range.parse("bytes=" + " " * 8000 + "x")
    assert time.monotonic() - started < 0.01
