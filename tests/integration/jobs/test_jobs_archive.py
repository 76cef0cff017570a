"""Archive jobs: objects -> one .tar/.tgz/.tar.gz/.zip/.tar.lz4 shard, read back with Python's libraries."""

import io
import tarfile
import zipfile
from collections.abc import Callable

import lz4.frame
import pytest
from jobs_it_support import bucket_action, fill

from pyaistore.sdk import Client


def _download(client: Client, bucket: str, name: str) -> bytes:
    return client.bucket(bucket).object(name).get().read_all()


def _tar_members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]


def _members(name: str, data: bytes) -> dict[str, bytes]:
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {n: archive.read(n) for n in archive.namelist()}
    if name.endswith(".tar.lz4"):
        return _tar_members(lz4.frame.decompress(data))
    return _tar_members(data)


def test_archive_100_objects_and_read_each_back(
    client: Client, endpoint: str, make_bucket: Callable[[str], str]
) -> None:
    bucket = make_bucket("arch")
    objects = fill(endpoint, bucket, [f"in/obj-{i:03}.bin" for i in range(100)], size=3000)
    job_ids = client.bucket(bucket).objects(obj_template="in/obj-{000..099}.bin").archive("out/all.tar")
    for job_id in job_ids:
        assert client.job(job_id).wait(timeout=60)
    data = _download(client, bucket, "out/all.tar")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert tar.getnames() == sorted(objects)  # template order
    assert _tar_members(data) == objects


@pytest.mark.parametrize("extension", [".tgz", ".tar.gz", ".zip", ".tar.lz4"])
def test_every_format(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], extension: str
) -> None:
    src, dst = make_bucket("src"), make_bucket("dst")
    objects = fill(endpoint, src, ["a/one", "b/two", "three"], size=5000)
    job_ids = (
        client.bucket(src)
        .objects(obj_names=list(objects))
        .archive("shard" + extension, to_bck=client.bucket(dst), include_source_name=True)
    )
    for job_id in job_ids:
        assert client.job(job_id).wait(timeout=60)
    members = _members(extension, _download(client, dst, "shard" + extension))
    assert members == {f"{src}/{name}": data for name, data in objects.items()}


def test_missing_listed_member_is_reported_and_the_rest_archived(
    client: Client, endpoint: str, make_bucket: Callable[[str], str]
) -> None:
    bucket = make_bucket("arch")
    objects = fill(endpoint, bucket, ["x", "y"])
    job_ids = client.bucket(bucket).objects(obj_names=["x", "gone", "y"]).archive("s.tar")
    for job_id in job_ids:
        client.job(job_id).wait(timeout=60)
    snaps = [s for per in client.job(job_ids[0]).get_details().values() for s in per]
    assert any("gone" in s.err for s in snaps)
    assert _tar_members(_download(client, bucket, "s.tar")) == objects


@pytest.mark.parametrize("name", ["s.tar", "s.tgz", "s.zip", "s.tar.lz4"])
def test_append_to_an_existing_archive(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], name: str
) -> None:
    bucket = make_bucket("arch")
    objects = fill(endpoint, bucket, ["p/1", "p/2", "p/3"], size=700)
    group = client.bucket(bucket).objects
    for job_id in group(obj_names=["p/1"]).archive(name):
        client.job(job_id).wait(timeout=60)
    for job_id in group(obj_names=["p/2", "p/3"]).archive(name, allow_append=True):
        client.job(job_id).wait(timeout=60)
    assert _members(name, _download(client, bucket, name)) == objects


def test_archive_refusals(endpoint: str, make_bucket: Callable[[str], str]) -> None:
    bucket = make_bucket("arch")
    for value in (
        {"objnames": ["a"], "archname": "x.rar"},
        {"objnames": ["a"], "archname": "x.tar", "mime": "zip"},
        {"objnames": ["a"]},
    ):
        reply = bucket_action(endpoint, "PUT", bucket, "archive", value)
        assert reply.status_code == 400, (value, reply.text)
    to_missing = {"objnames": ["a"], "archname": "x.tar", "tobck": {"name": "job-none", "provider": "ais"}}
    assert bucket_action(endpoint, "PUT", bucket, "archive", to_missing).status_code == 404
