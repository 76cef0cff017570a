"""What a dataset reads from: any source that lists Objects (a Bucket), with optional prefixes."""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from pyaistore.sdk.obj.object import Object

__all__ = ["AISSource", "PrefixMap", "as_list", "list_objects"]


class AISSource(Protocol):
    """A source of objects (the official SDK's AISSource interface): a Bucket, for instance."""

    def list_all_objects_iter(self, prefix: str = "", props: str = "name,size") -> Iterator[Object]:
        """Every object of the source under `prefix`."""
        ...


PrefixMap = Mapping[Any, "str | Sequence[str] | None"]


def as_list(sources: "AISSource | Sequence[AISSource]", owner: str) -> list[AISSource]:
    """One source or several, as a non-empty list; ValueError when empty."""
    if not sources:
        raise ValueError(f"<{owner}> ais_source_list must be provided")
    if isinstance(sources, Sequence):
        return list(sources)
    return [sources]


def list_objects(sources: Sequence[AISSource], prefix_map: PrefixMap) -> Iterator[Object]:
    """Every object of the sources, each under its prefixes (all of it when it has none)."""
    for source in sources:
        prefixes = prefix_map.get(source) if source in prefix_map else None
        if prefixes is None:
            yield from source.list_all_objects_iter(prefix="")
            continue
        for prefix in [prefixes] if isinstance(prefixes, str) else prefixes:
            yield from source.list_all_objects_iter(prefix=prefix)
