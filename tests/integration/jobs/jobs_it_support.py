"""Helpers for the jobs integration tests: fast parallel fills and reads, names, raw job queries."""

import concurrent.futures
import hashlib
import secrets
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import requests
import tenacity
from aistore.sdk import Client as OfficialClient
from aistore.sdk.retry_config import RetryConfig
from urllib3.util.retry import Retry

from pyaistore.wire import hrw
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Smap

WORKERS = 8
_local = threading.local()


def unique_name(tag: str = "b") -> str:
    """A bucket name no other test uses."""
    return f"job-{tag}-{secrets.token_hex(5)}"


def official_client(endpoint: str) -> OfficialClient:
    """The official SDK without retries (a test must see the first answer)."""
    retry = RetryConfig(
        http_retry=Retry(total=0, connect=0, read=0, redirect=None, status_forcelist=[]),
        network_retry=tenacity.Retrying(retry=tenacity.retry_never, reraise=True),
    )
    return OfficialClient(endpoint, retry_config=retry, timeout=(5, 60))


def content(name: str, size: int) -> bytes:
    """Deterministic bytes unique to the name."""
    seed = hashlib.sha256(name.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def _session() -> requests.Session:
    session: requests.Session | None = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def object_url(endpoint: str, bucket: str, name: str) -> str:
    """The proxy URL of an object."""
    return f"{endpoint}/v1/objects/{bucket}/{quote(name)}?provider=ais"


def _owner_url(smap: Smap, bucket: str, name: str) -> str:
    """The public URL of the target that owns the object (HRW, as the proxy computes it)."""
    node = hrw.choose(smap.targets.values(), BucketId(bucket).object_uname(name))
    assert node is not None
    return node.public_net.url


def _put(smap: Smap, bucket: str, name: str, data: bytes) -> None:
    url = object_url(_owner_url(smap, bucket, name), bucket, name)
    reply = _session().put(url, data=data, timeout=30)
    reply.raise_for_status()


def _get(endpoint: str, bucket: str, name: str) -> bytes:
    reply = _session().get(object_url(endpoint, bucket, name), timeout=30)
    reply.raise_for_status()
    return reply.content


def fill(endpoint: str, bucket: str, names: Iterable[str], size: int = 64) -> dict[str, bytes]:
    """PUT each name (content from `content`) in parallel, straight to its owner; returns name -> bytes."""
    smap = Smap.from_json(requests.get(f"{endpoint}/v1/daemon", params={"what": "smap"}, timeout=10).json())
    objects = {name: content(name, size) for name in names}
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda item: _put(smap, bucket, *item), objects.items()))
    return objects


def read_all(endpoint: str, bucket: str, names: Iterable[str]) -> dict[str, bytes]:
    """GET each name in parallel; returns name -> bytes."""
    listed = list(names)
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        return dict(zip(listed, pool.map(lambda name: _get(endpoint, bucket, name), listed), strict=True))


def job_query(endpoint: str, what: str, body: dict[str, Any]) -> requests.Response:
    """GET /v1/cluster?what=<what> with a JSON body, as the SDKs send job queries."""
    return requests.get(f"{endpoint}/v1/cluster", params={"what": what}, json=body, timeout=30)


def bucket_action(
    endpoint: str, method: str, bucket: str, action: str, value: Any, **params: str
) -> requests.Response:
    """A raw bucket action request."""
    body = {"action": action, "name": "", "value": value}
    return requests.request(
        method, f"{endpoint}/v1/buckets/{bucket}", params={"provider": "ais", **params}, json=body, timeout=30
    )
