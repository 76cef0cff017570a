"""List objects across targets: page sizes, continuation tokens, stability under concurrent writes."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from aistore.sdk import Client
from aistore.sdk.bucket import Bucket
from official_sdk import unique_bucket_name
from raw_protocol import list_json, owner_url

NAMES = sorted(f"obj/{i:04d}" for i in range(250))


@pytest.fixture(scope="module")
def filled(ais_client: Client, endpoint: str) -> Iterator[Bucket]:
    """A bucket with 250 small objects spread over both targets (created once for this module)."""
    bucket = ais_client.bucket(unique_bucket_name("pages"))
    bucket.create()
    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda n: bucket.object(n).get_writer().put_content(n.encode()), NAMES))
        owners = {owner_url(endpoint, bucket.name, n) for n in NAMES}
        assert len(owners) == 2, "the objects must live on both targets"
        yield bucket
    finally:
        bucket.delete(missing_ok=True)


def sdk_pages(bucket: Bucket, page_size: int, prefix: str = "") -> list[list[str]]:
    """Every page of a listing, following continuation tokens with the official SDK."""
    pages, token, uuid = [], "", ""
    for _ in range(1000):
        page = bucket.list_objects(prefix=prefix, page_size=page_size, continuation_token=token, uuid=uuid)
        pages.append([e.name for e in page.entries])
        token, uuid = page.continuation_token, page.uuid
        if not token:
            return pages
        assert token == pages[-1][-1], "the token is the last name of a full page"
    raise AssertionError("the listing never ended")


@pytest.mark.parametrize("page_size", [1, 17, 100, 250, 1000])
def test_pages_cover_every_name_once_in_order(filled: Bucket, page_size: int) -> None:
    pages = sdk_pages(filled, page_size)
    assert all(len(p) <= page_size for p in pages)
    assert all(len(p) == page_size for p in pages[:-1])
    names = [n for p in pages for n in p]
    assert names == NAMES


def test_sdk_iterators(filled: Bucket) -> None:
    assert [e.name for e in filled.list_objects_iter(page_size=33)] == NAMES
    assert [e.name for e in filled.list_all_objects(page_size=64, prefix="obj/01")] == NAMES[100:200]


def test_json_pages(filled: Bucket, http: requests.Session, endpoint: str) -> None:
    names: list[str] = []
    token, uuid = "", ""
    for _ in range(100):
        page = list_json(http, endpoint, filled.name, pagesize=40, continuation_token=token, uuid=uuid)
        names += [e["name"] for e in page["entries"] or []]
        assert all(e["size"] == str(len(e["name"])) for e in page["entries"] or [])
        token, uuid = page["continuation_token"], page["uuid"]
        if not token:
            break
    assert names == NAMES


def test_start_after_then_tokens(filled: Bucket) -> None:
    first = filled.list_objects(page_size=30, start_after="obj/0199")
    names = [e.name for e in first.entries]
    assert names == NAMES[200:230]
    rest = filled.list_objects(page_size=100, continuation_token=first.continuation_token, uuid=first.uuid)
    assert names + [e.name for e in rest.entries] == NAMES[200:]


def test_listing_is_stable_under_concurrent_writes(filled: Bucket) -> None:
    """Objects that existed before the listing began appear exactly once, however many are added."""
    stop = threading.Event()
    started = threading.Event()
    written: list[str] = []

    def writer() -> None:
        i = 0
        while not stop.is_set():
            name = f"obj/{(i * 37) % 250:04d}-new-{i}"
            filled.object(name).get_writer().put_content(b"late")
            written.append(name)
            started.set()
            i += 1

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        assert started.wait(30), "the writer never wrote"
        pages = sdk_pages(filled, 9, prefix="obj/")
    finally:
        stop.set()
        thread.join(30)
    listed = [n for p in pages for n in p]
    assert len(listed) == len(set(listed)), "no name may appear twice"
    assert listed == sorted(listed)
    assert [n for n in listed if n in set(NAMES)] == NAMES
    assert set(listed) - set(NAMES) <= set(written)
    assert written, "objects were written while listing"
    for name in written:
        filled.object(name).delete()


def test_interleaved_listings_keep_their_own_pages(filled: Bucket) -> None:
    """Two listings paged in turn (the gateway keeps each one's leftovers) never mix."""
    listings = [("obj/01", 13), ("obj/", 29)]
    state = [{"token": "", "uuid": "", "names": []} for _ in listings]
    for _ in range(100):
        for (prefix, size), current in zip(listings, state, strict=True):
            if current["uuid"] and not current["token"]:
                continue
            page = filled.list_objects(
                prefix=prefix, page_size=size, continuation_token=current["token"], uuid=current["uuid"]
            )
            current["names"] += [e.name for e in page.entries]  # type: ignore[operator]
            current["token"], current["uuid"] = page.continuation_token, page.uuid
        if all(not s["token"] for s in state):
            break
    assert state[0]["names"] == [n for n in NAMES if n.startswith("obj/01")]
    assert state[1]["names"] == NAMES


def test_a_page_size_change_mid_listing(filled: Bucket) -> None:
    first = filled.list_objects(page_size=100)
    second = filled.list_objects(page_size=7, continuation_token=first.continuation_token, uuid=first.uuid)
    third = filled.list_objects(page_size=200, continuation_token=second.continuation_token, uuid=second.uuid)
    names = [e.name for page in (first, second, third) for e in page.entries]
    assert names == NAMES and not third.continuation_token
