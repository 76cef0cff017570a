"""The gateway's per-listing buffers: target entries fetched for one page but not returned yet.

A page of N names merged from T targets needs each target's first N names after the token (any
of them may hold all N). Asked afresh each time, the targets would read T x N entries per page
and the gateway drop all but N. Instead the gateway keeps, per listing (its uuid and the token
it handed out), what each target sent beyond the page, with the target's own position, and
asks each target only for what its buffer lacks: every entry is read from disk once.

Once a page is returned the gateway already tops the buffers up for the next one (a prefetch,
awaited by the next request), so the targets read the next page while the client is still
decoding this one. The merge stays exact: before merging, every target that is not exhausted
holds at least N entries after the token. A listing whose buffers were evicted (or that another
gateway served) is simply re-asked from the token, as before. Entries a concurrent write adds
inside a range already buffered are not seen by that listing: the rule for listings under
writes is still that names existing before the listing started are neither repeated nor skipped.
"""

import asyncio
import bisect
import operator
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["LISTINGS_KEPT", "Kept", "ListingBuffers", "TargetBuffer"]

# Listings whose buffers are kept (least recently used go first); each holds at most one page
# per target, so memory stays bounded by LISTINGS_KEPT x targets x page size entries.
LISTINGS_KEPT: Final = 8
_NAME: Final = operator.itemgetter("n")


@dataclass
class TargetBuffer:
    """One target's entries after the last page returned, and where that target left off."""

    after: str  # the last name the target sent (or the token, before it sent anything)
    # As the target sent them (ListEntry.to_msgpack maps): the gateway only merges them by name
    # ("n") and passes them on, so it neither builds nor renders an object per entry.
    entries: list[dict[str, Any]] = field(default_factory=list)
    exhausted: bool = False  # the target has nothing after `after`

    def drop_through(self, name: str) -> None:
        """Forget the entries up to and including `name` (they were returned)."""
        del self.entries[: bisect.bisect_right(self.entries, name, key=_NAME)]


@dataclass
class Kept:
    """A listing's buffers (target ID -> buffer) and the prefetch still filling them, if any."""

    buffers: dict[str, TargetBuffer]
    prefetch: "asyncio.Future[None] | None" = None


class ListingBuffers:
    """Buffers of the listings in progress, keyed by (listing, token); thread-safe, bounded."""

    def __init__(self, capacity: int = LISTINGS_KEPT) -> None:
        """Keep the buffers of at most `capacity` listings."""
        self._capacity = capacity
        self._kept: OrderedDict[Hashable, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: Hashable) -> Kept | None:
        """Remove and return what is stored under `key`, if anything."""
        with self._lock:
            return self._kept.pop(key, None)

    def keep(self, key: Hashable, kept: Kept) -> None:
        """Store the buffers for the listing's next page, evicting the least recent listing."""
        with self._lock:
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > self._capacity:
                self._kept.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)
