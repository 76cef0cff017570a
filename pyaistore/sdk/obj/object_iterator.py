"""Iterate over every object of a listing, fetching pages as needed."""

from collections.abc import Callable, Iterator

from pyaistore.sdk.types import BucketEntry, BucketList

__all__ = ["BucketLister", "ObjectIterator"]

# fetch(uuid, continuation_token) -> the next page
PageFetcher = Callable[[str, str], BucketList]


class ObjectIterator(Iterator[BucketEntry]):
    """Yields the entries of a listing page by page.

    Args:
        fetch_page: called with the listing's uuid and continuation token; returns the next page.
    """

    def __init__(self, fetch_page: PageFetcher) -> None:
        self._fetch_page = fetch_page
        self._uuid = ""
        self._token = ""
        self._entries: Iterator[BucketEntry] = iter(())
        self._done = False

    def __iter__(self) -> "ObjectIterator":
        return self

    def __next__(self) -> BucketEntry:
        """The next entry; fetches the next page when the current one is used up."""
        while True:
            entry = next(self._entries, None)
            if entry is not None:
                return entry
            if self._done:
                raise StopIteration
            page = self._fetch_page(self._uuid, self._token)
            self._uuid, self._token = page.uuid, page.continuation_token
            self._entries = iter(page.entries)
            # An empty token marks the last page (reference §3.8).
            self._done = not self._token


BucketLister = ObjectIterator
