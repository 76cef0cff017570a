"""Proxy -> target redirects: 301 for GET, 307 for the rest, always to the HRW owner."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from aistore.sdk.bucket import Bucket
from raw_protocol import object_url, owner_url, smap_json

from pyaistore.server.local_cluster import LocalCluster

NAMES = [f"spread/{i:03d}" for i in range(24)]


def origin(url: str) -> str:
    """scheme://host:port of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def owner_dir(cluster: LocalCluster, endpoint: str, bucket: str, name: str) -> Path:
    """The data directory (target-<i>) of the target HRW assigns `name` to."""
    owner = owner_url(endpoint, bucket, name)
    tmap = smap_json(endpoint)["tmap"]
    owner_id = next(tid for tid, node in tmap.items() if node["public_net"]["direct_url"] == owner)
    return next(
        d for d in cluster.data_dir.glob("target-*") if (d / "node_id").read_text().strip() == owner_id
    )


@pytest.mark.parametrize(
    ("method", "status"), [("GET", 301), ("PUT", 307), ("HEAD", 307), ("DELETE", 307), ("PATCH", 307)]
)
def test_proxy_redirects_to_hrw_owner(
    bucket: Bucket, http: requests.Session, endpoint: str, method: str, status: int
) -> None:
    owners = set()
    for name in NAMES:
        url = object_url(endpoint, bucket.name, name)
        reply = http.request(method, url, params={"provider": "ais"}, allow_redirects=False)
        assert reply.status_code == status, (name, reply.text)
        location = reply.headers["Location"]
        assert origin(location) == owner_url(endpoint, bucket.name, name)
        parts = urlsplit(location)
        assert parts.path == urlsplit(url).path
        query = parse_qs(parts.query)
        assert query["provider"] == ["ais"] and "pid" in query and "utm" in query
        owners.add(origin(location))
    assert len(owners) == 2, "24 names should land on both targets"


def test_put_lands_on_owner_disk(
    bucket: Bucket, cluster: LocalCluster, http: requests.Session, endpoint: str
) -> None:
    for name in NAMES[:8]:
        reply = http.put(object_url(endpoint, bucket.name, name), data=name.encode())
        assert reply.status_code == 200
        holders = [p for p in cluster.data_dir.glob(f"target-*/mp*/ais/@#/{bucket.name}/obj/{name}")]
        assert len(holders) == 1, holders
        assert holders[0].is_relative_to(owner_dir(cluster, endpoint, bucket.name, name))
        assert holders[0].read_bytes() == name.encode()


def test_sdk_direct_read_agrees_with_our_placement(bucket: Bucket) -> None:
    for name in NAMES[:8]:
        bucket.object(name).get_writer().put_content(name.encode() * 10)
    for name in NAMES[:8]:
        assert bucket.object(name).get_reader(direct=True).read_all() == name.encode() * 10


def test_target_redirects_requests_for_objects_it_does_not_own(
    bucket: Bucket, http: requests.Session, endpoint: str
) -> None:
    targets = [t["public_net"]["direct_url"] for t in smap_json(endpoint)["tmap"].values()]
    for name in NAMES[:6]:
        owner = owner_url(endpoint, bucket.name, name)
        stranger = next(t for t in targets if t != owner)
        url = stranger + f"/v1/objects/{bucket.name}/{name}"
        reply = http.put(url, params={"provider": "ais"}, data=b"payload", allow_redirects=False)
        assert reply.status_code == 307
        assert origin(reply.headers["Location"]) == owner
        assert http.put(url, params={"provider": "ais"}, data=b"payload").status_code == 200
        reply = http.get(url, params={"provider": "ais"}, allow_redirects=False)
        assert reply.status_code in (301, 307)
        assert origin(reply.headers["Location"]) == owner
        assert http.get(url, params={"provider": "ais"}).content == b"payload"
        reply = http.get(
            owner + f"/v1/objects/{bucket.name}/{name}", params={"provider": "ais"}, allow_redirects=False
        )
        assert reply.status_code == 200, "the owner serves clients directly, without a redirect marker"
