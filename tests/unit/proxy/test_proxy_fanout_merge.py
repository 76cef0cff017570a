"""The listing merge: exact pages and tokens from per-target pages."""

import random
from typing import Any

from pyaistore.proxy.fanout import merge_pages
from pyaistore.wire.messages import ENTRY_IS_DIR, ListEntry


def _entries(names: list[str]) -> list[dict[str, Any]]:
    return [ListEntry(n).to_msgpack() for n in sorted(names)]


def _paginate(per_target: list[list[str]], page_size: int) -> list[str]:
    """List everything the way the proxy does: each target's first page after the token, merged."""
    token, seen = "", []
    for _ in range(10_000):
        pages = [_entries([n for n in names if n > token])[:page_size] for names in per_target]
        page, token = merge_pages(pages, page_size)
        seen += [e["n"] for e in page]
        if not token:
            return seen
    raise AssertionError("listing did not end")


def test_pagination_returns_every_name_once_in_order() -> None:
    rng = random.Random(3)
    names = [f"obj-{i:04d}" for i in range(500)] + ["a", "a-b", "a.b", "a/b", "a/b/c", "ab"]
    per_target: list[list[str]] = [[], [], []]
    for name in names:
        per_target[rng.randrange(3)].append(name)
    for page_size in (1, 2, 7, 100, 506, 1000):
        assert _paginate(per_target, page_size) == sorted(names)


def test_full_page_gets_a_token_even_when_nothing_follows() -> None:
    page, token = merge_pages([_entries(["a", "b"]), _entries(["c"])], 3)
    assert [e["n"] for e in page] == ["a", "b", "c"] and token == "c"
    page, token = merge_pages([[], []], 3)
    assert page == [] and token == ""


def test_directory_entries_from_several_targets_appear_once() -> None:
    first = [ListEntry("p/d/", flags=ENTRY_IS_DIR).to_msgpack(), ListEntry("p/x").to_msgpack()]
    second = [ListEntry("p/d/", flags=ENTRY_IS_DIR).to_msgpack(), ListEntry("p/y").to_msgpack()]
    page, token = merge_pages([first, second], 10)
    assert [e["n"] for e in page] == ["p/d/", "p/x", "p/y"] and token == ""
