"""Raw-protocol building blocks for the server tests: URLs, checksums, error bodies, owners, polls."""

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests
import xxhash
from aistore.sdk.types import Smap

SMAP_QUERY = "/v1/daemon?what=smap"


def object_url(endpoint: str, bucket: str, name: str) -> str:
    """The proxy URL of one object, the name quoted as the SDK quotes it."""
    return f"{endpoint}/v1/objects/{bucket}/{quote(name)}"


def bucket_url(endpoint: str, bucket: str) -> str:
    """The proxy URL of one bucket."""
    return f"{endpoint}/v1/buckets/{bucket}"


def xxhash2(data: bytes) -> str:
    """AIS's default checksum: XXH64, seed 0, 16 hex digits."""
    return xxhash.xxh64(data).hexdigest()


def checksum_headers(data: bytes) -> dict[str, str]:
    """End-to-end checksum headers for a PUT of `data`."""
    return {"Ais-Checksum-Type": "xxhash2", "Ais-Checksum-Value": xxhash2(data)}


def error_json(reply: requests.Response) -> dict[str, Any]:
    """The AIS error body: the JSON body, or the Hdr-Error header of a HEAD reply."""
    text = reply.headers["Hdr-Error"] if reply.request.method == "HEAD" else reply.text
    body = json.loads(text)
    assert isinstance(body, dict), text
    return body


def assert_client_error(reply: requests.Response, status: int | None = None) -> dict[str, Any]:
    """Assert a deterministic failure got a 4xx other than 429 (never 5xx); return its error body."""
    assert 400 <= reply.status_code < 500 and reply.status_code != 429, (reply.status_code, reply.text)
    if status is not None:
        assert reply.status_code == status, (reply.status_code, reply.text)
    body = error_json(reply)
    assert body["status"] == reply.status_code
    return body


def poll(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    """Wait until `predicate()` holds, at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def smap_json(endpoint: str) -> dict[str, Any]:
    """The cluster map as raw JSON."""
    reply = requests.get(endpoint + SMAP_QUERY, timeout=10)
    reply.raise_for_status()
    body = reply.json()
    assert isinstance(body, dict)
    return body


def owner_url(endpoint: str, bucket: str, name: str) -> str:
    """The owning target's URL by HRW, computed by the official SDK's Smap model (not our code)."""
    smap = Smap(**smap_json(endpoint))
    node = smap.get_target_for_object(f"ais/@#/{bucket}/{name}")
    return str(node.public_net.direct_url)


def list_json(session: requests.Session, endpoint: str, bucket: str, **lso: Any) -> dict[str, Any]:
    """One list-objects page in the JSON form (no Accept: msgpack)."""
    body = {"action": "list", "name": "", "value": lso}
    reply = session.get(bucket_url(endpoint, bucket), params={"provider": "ais"}, json=body, timeout=30)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("application/json")
    page = reply.json()
    assert isinstance(page, dict)
    return page
