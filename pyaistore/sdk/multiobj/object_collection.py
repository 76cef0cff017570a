"""The common shape of an object selection: a JSON value for the API and an iterator of names."""

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any

__all__ = ["ObjectCollection"]


class ObjectCollection(ABC):
    """A selection of objects in one bucket."""

    @abstractmethod
    def get_value(self) -> dict[str, Any]:
        """The selection as the multi-object API expects it: `objnames` or `template`."""

    @abstractmethod
    def __iter__(self) -> Iterator[str]:
        """The selected names."""
