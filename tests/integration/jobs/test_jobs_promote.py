"""promote: files under the promote root become objects, through both SDKs, on a two-target cluster.

The cluster's promote root is a temp dir (PYAISTORE_PROMOTE_ROOT); everything runs on one host,
so every target sees the same files, as on a share.
"""

import os
from pathlib import Path

import pytest
import requests
from jobs_it_support import official_client, unique_name

from pyaistore.sdk import Client
from pyaistore.sdk.bucket import Bucket
from pyaistore.sdk.errors import AISError
from pyaistore.server.local_cluster import LocalCluster

FILES = {
    "a.txt": b"top a",
    "b.bin": os.urandom(3000),
    "sub/c.txt": b"inner c",
    "sub/deep/d": os.urandom(1 << 20),
}
TOP = {name: data for name, data in FILES.items() if "/" not in name}


@pytest.fixture(scope="module")
def client(promote_cluster: LocalCluster) -> Client:
    """Our SDK on the module's cluster."""
    return Client(promote_cluster.endpoint)


@pytest.fixture()
def bucket(client: Client) -> Bucket:
    """A fresh bucket."""
    made = client.bucket(unique_name("prm"))
    made.create()
    return made


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    """A fresh directory under the root holding `files`."""
    top: Path = root / str(unique_name("src"))
    for name, data in files.items():
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_bytes(data)
    return top


def _promote(client: Client, bucket: Bucket, name: str, path: Path, **options: bool | str) -> None:
    """Promote and wait for the job; it must succeed."""
    job_id = bucket.object(name).promote(str(path), **options)  # type: ignore[arg-type]
    assert job_id  # promote runs as a job here
    assert client.job(job_id).wait(timeout=60).success


def _contents(bucket: Bucket) -> dict[str, bytes]:
    return {
        entry.name: bucket.object(entry.name).get_reader().read_all() for entry in bucket.list_all_objects()
    }


def test_a_directory_becomes_objects_under_a_prefix(
    promote_root: Path, client: Client, bucket: Bucket
) -> None:
    top = _tree(promote_root, FILES)
    _promote(client, bucket, "p/", top)
    assert _contents(bucket) == {f"p/{name}": data for name, data in TOP.items()}  # not recursive
    assert (top / "a.txt").exists()  # sources stay


def test_recursive_overwrite_and_delete_source(promote_root: Path, client: Client, bucket: Bucket) -> None:
    top = _tree(promote_root, FILES)
    _promote(client, bucket, "p/", top)
    (top / "a.txt").write_bytes(b"changed a")
    _promote(client, bucket, "p/", top, recursive=True)  # no overwrite: p/a.txt stays
    assert bucket.object("p/a.txt").get_reader().read_all() == b"top a"
    _promote(client, bucket, "p/", top, recursive=True, overwrite_dest=True, delete_source=True)
    assert _contents(bucket) == {f"p/{name}": data for name, data in {**FILES, "a.txt": b"changed a"}.items()}
    assert [p for p in top.rglob("*") if p.is_file()] == []  # every promoted file deleted


def test_a_file_becomes_the_named_object_or_keeps_its_name(
    promote_root: Path, client: Client, bucket: Bucket
) -> None:
    top = _tree(promote_root, {"one.txt": b"single"})
    _promote(client, bucket, "renamed", top / "one.txt")
    _promote(client, bucket, "", top / "one.txt")
    assert _contents(bucket) == {"renamed": b"single", "one.txt": b"single"}


def test_one_named_target_promotes_every_file_to_its_owner(
    promote_root: Path, client: Client, bucket: Bucket, promote_cluster: LocalCluster
) -> None:
    names = [f"f{i}" for i in range(12)]
    top = _tree(promote_root, {name: name.encode() * 10 for name in names})
    first = sorted(client.cluster().get_info().tmap)[0]
    _promote(client, bucket, "t/", top, target_id=first)
    assert _contents(bucket) == {f"t/{name}": name.encode() * 10 for name in names}
    stored = [
        {
            path.name
            for path in (promote_cluster.data_dir / f"target-{index}").rglob("f*")
            if path.parent.name == "t"
        }
        for index in range(2)
    ]
    assert stored[0] | stored[1] == set(names) and stored[0] and stored[1]  # each owner holds its own


def test_symbolic_links_are_not_promoted(
    promote_root: Path, client: Client, bucket: Bucket, tmp_path: Path
) -> None:
    outside = tmp_path / "secret"
    outside.write_bytes(b"not for the bucket")
    top = _tree(promote_root, {"real": b"real"})
    (top / "link").symlink_to(outside)
    _promote(client, bucket, "s/", top)
    assert _contents(bucket) == {"s/real": b"real"}


def test_the_official_sdk_promotes_too(promote_root: Path, promote_cluster: LocalCluster) -> None:
    name = unique_name("off")
    official = official_client(promote_cluster.endpoint).bucket(name)
    official.create()
    top = _tree(promote_root, TOP)
    job_id = official.object("o/").promote(str(top))
    if job_id:
        assert official_client(promote_cluster.endpoint).job(job_id=job_id).wait(timeout=60).success
    assert sorted(entry.name for entry in official.list_all_objects()) == [f"o/{n}" for n in sorted(TOP)]


def _post(endpoint: str, bucket: str, body: dict[str, object]) -> requests.Response:
    return requests.post(f"{endpoint}/v1/objects/{bucket}?provider=ais", json=body, timeout=30)


def _promote_body(source: str, **value: object) -> dict[str, object]:
    return {"action": "promote", "name": source, "value": {"src": source, "obj": "x/", **value}}


def test_bad_requests_are_refused_and_nothing_is_stored(
    promote_root: Path, bucket: Bucket, promote_cluster: LocalCluster
) -> None:
    endpoint, name = promote_cluster.endpoint, bucket.name
    top = _tree(promote_root, {"f": b"f"})
    refusals: dict[str, dict[str, object]] = {
        "outside the root": _promote_body(str(promote_root.parent)),
        "relative": _promote_body("relative/path"),
        "dot-dot": _promote_body(f"{top}/../{top.name}"),
        "missing": _promote_body(str(promote_root / "no-such-dir")),
        "name differs": {**_promote_body(str(top)), "name": str(top / "other")},
        "bad value": {"action": "promote", "name": "", "value": {"src": 5}},
    }
    for what, body in refusals.items():
        reply = _post(endpoint, name, body)
        assert reply.status_code == 400, (what, reply.status_code, reply.text)
        assert reply.json()["message"], what
    unknown_target = _post(endpoint, name, _promote_body(str(top), tid="tNOSUCH"))
    assert unknown_target.status_code == 404 and "tNOSUCH" in unknown_target.text
    missing_bucket = _post(endpoint, unique_name("none"), _promote_body(str(top)))
    assert missing_bucket.status_code == 404
    blob = _post(endpoint, name, {"action": "blob-download", "name": "o", "value": {}})
    assert blob.status_code == 400 and "expecting remote bucket" in blob.text  # an ais bucket
    unknown = _post(endpoint, name, {"action": "no-such-action"})
    assert unknown.status_code == 400
    assert list(bucket.list_all_objects()) == []
    with pytest.raises(AISError):
        bucket.object("x/").promote(str(promote_root.parent))
