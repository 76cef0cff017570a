"""make-n-copies: the value's forms (as AIS parses them) and when set-bprops re-mirrors."""

from typing import Any

import pytest

from pyaistore.job_kinds.make_n_copies import needs_remirror, parse_copies
from pyaistore.jobs.errors import InvalidJobRequest


@pytest.mark.parametrize(("value", "copies"), [(2, 2), (3.0, 3), (2.9, 2), ("4", 4), (" 1 ", 1), ("-1", -1)])
def test_numbers_and_decimal_strings(value: Any, copies: int) -> None:
    assert parse_copies(value) == copies


@pytest.mark.parametrize("value", [None, True, "two", "2.5", [2], {"copies": 2}])
def test_other_values_are_refused(value: Any) -> None:
    with pytest.raises(InvalidJobRequest, match="failed to parse 'copies'"):
        parse_copies(value)


def _props(enabled: bool, copies: int) -> dict[str, Any]:
    return {"mirror": {"enabled": enabled, "copies": copies}}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (_props(False, 1), _props(True, 2), True),  # turned on
        (_props(True, 2), _props(True, 3), True),  # more copies
        (_props(True, 3), _props(True, 2), True),  # fewer copies
        (_props(True, 2), _props(True, 2), False),  # unchanged
        (_props(True, 2), _props(False, 2), False),  # turned off: AIS starts nothing
        (_props(False, 1), _props(False, 5), False),
    ],
)
def test_remirror_follows_ais(old: dict[str, Any], new: dict[str, Any], expected: bool) -> None:
    assert needs_remirror(old, new) is expected
