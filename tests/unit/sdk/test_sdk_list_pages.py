"""Listing pages: the msgpack map and the JSON form parse into the same BucketList, every field kept."""

from pyaistore.sdk.types import BucketEntry, BucketList
from pyaistore.wire.messages import ListEntry, LsoPage

FULL = ListEntry("d/o", 42, "ab12", "05 Dec 26 10:00 UTC", "3", "t[x]:/mp", "[k:v]", 2, 64)
ENTRIES = [FULL, ListEntry("d/", flags=256), ListEntry("z", flags=64)]


def test_msgpack_and_json_pages_parse_alike() -> None:
    page = LsoPage("uuid-1", "z", ENTRIES, flags=1)
    expected = BucketList(
        "uuid-1", "z", 1, [BucketEntry(*(getattr(e, f) for f in e.__slots__)) for e in ENTRIES]
    )
    assert BucketList.from_page(page.to_msgpack()) == expected
    assert BucketList.from_page(page.to_json()) == expected


def test_an_empty_msgpack_page() -> None:
    empty = BucketList.from_page({"UUID": "u", "ContinuationToken": "", "Entries": None, "Flags": 0})
    assert empty == BucketList("u", "", 0, [])
