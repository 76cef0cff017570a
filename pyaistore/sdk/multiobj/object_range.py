"""A selection given as a numbered range: prefix, first and last index, padding, step, suffix."""

import re
from collections.abc import Iterator
from typing import Any

from pyaistore.sdk.errors import InvalidObjectRangeIndex
from pyaistore.sdk.multiobj.brace_expansion import expand_braces
from pyaistore.sdk.multiobj.object_collection import ObjectCollection

__all__ = ["ObjectRange"]

_RANGE_TEXT = re.compile(
    r"(?P<prefix>.*)\{(?P<min>\d+)\.\.(?P<max>\d+)(?:\.\.(?P<step>\d+))?\}(?P<suffix>.*)"
)


class ObjectRange(ObjectCollection):
    """Objects named `prefix` + zero-padded index + `suffix`, e.g. `shard-0000.tar` ... `shard-0999.tar`.

    Without indices the range means every object whose name starts with `prefix`.

    Args:
        prefix: the part before the index.
        min_index: the first index.
        max_index: the last index (included).
        pad_width: left-pad indices with zeros to this width.
        step: distance between consecutive indices.
        suffix: the part after the index.

    Raises:
        InvalidObjectRangeIndex: only one index given, min_index >= max_index, or min_index wider
            than pad_width.
        ValueError: a suffix without indices.
    """

    def __init__(
        self,
        prefix: str,
        min_index: int | None = None,
        max_index: int | None = None,
        pad_width: int = 0,
        step: int = 1,
        suffix: str = "",
    ) -> None:
        self._validate(min_index, max_index, pad_width)
        if suffix and min_index is None:
            raise ValueError("Suffix cannot be used without indices")
        self._prefix = prefix
        self._suffix = suffix
        self._step = step
        self._min = None if min_index is None else str(min_index).zfill(pad_width)
        self._max = None if max_index is None else str(max_index).zfill(pad_width)

    @staticmethod
    def _validate(min_index: int | None, max_index: int | None, pad_width: int) -> None:
        """Check the indices and padding."""
        if min_index is None and max_index is None:
            return
        if min_index is None or max_index is None:
            raise InvalidObjectRangeIndex("Provide both min_index and max_index or neither")
        if min_index >= max_index:
            raise InvalidObjectRangeIndex(f"{min_index} must be less than {max_index}")
        if pad_width and len(str(min_index)) > pad_width:
            raise InvalidObjectRangeIndex(
                f"Number of digits in min index {min_index} must not be greater than pad width {pad_width}"
            )

    @classmethod
    def from_string(cls, range_string: str) -> "ObjectRange":
        """Parse a range such as `input-{00..99..1}.txt` (the padding is the first index's width).

        Raises:
            ValueError: the text is not a range.
        """
        match = _RANGE_TEXT.fullmatch(range_string)
        if match is None:
            raise ValueError(f"Invalid range string format: {range_string}")
        return cls(
            match["prefix"],
            int(match["min"]),
            int(match["max"]),
            len(match["min"]),
            int(match["step"] or 1),
            match["suffix"] or "",
        )

    def __str__(self) -> str:
        if self._min is None:
            return self._prefix
        return f"{self._prefix}{{{self._min}..{self._max}..{self._step}}}{self._suffix}"

    def get_value(self) -> dict[str, Any]:
        """`{"template": "prefix{min..max..step}suffix"}` (the step is always written)."""
        return {"template": str(self)}

    def __iter__(self) -> Iterator[str]:
        """The names in the range.

        Raises:
            RuntimeError: the range has no indices (it stands for a prefix).
        """
        if self._min is None:
            raise RuntimeError("Cannot iterate over object range with no indices")
        return expand_braces(str(self))
