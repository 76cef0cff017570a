"""A selection given as a template string, passed to the API verbatim."""

from collections.abc import Iterator
from typing import Any

from pyaistore.sdk.multiobj.brace_expansion import expand_braces
from pyaistore.sdk.multiobj.object_collection import ObjectCollection

__all__ = ["ObjectTemplate"]


class ObjectTemplate(ObjectCollection):
    """Objects named by a template such as `shard-{0000..0999}.tar` (no range: a name prefix).

    Args:
        template: the template.
    """

    def __init__(self, template: str) -> None:
        self._template = template

    def __str__(self) -> str:
        return self._template

    def get_value(self) -> dict[str, Any]:
        """`{"template": ...}`."""
        return {"template": self._template}

    def __iter__(self) -> Iterator[str]:
        return expand_braces(self._template)
