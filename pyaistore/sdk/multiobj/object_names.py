"""A selection given as an explicit list of names."""

from collections.abc import Iterator
from typing import Any

from pyaistore.sdk.multiobj.object_collection import ObjectCollection

__all__ = ["ObjectNames"]


class ObjectNames(ObjectCollection):
    """Objects named one by one.

    Args:
        names: the object names.
    """

    def __init__(self, names: list[str]) -> None:
        self._names = list(names)

    def __str__(self) -> str:
        return ",".join(self._names)

    def get_value(self) -> dict[str, Any]:
        """`{"objnames": [...]}`."""
        return {"objnames": list(self._names)}

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)
