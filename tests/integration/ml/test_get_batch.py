"""Get-batch against a real cluster: our SDK and the official one, every format, errors both ways."""

import io
import os
import zipfile
from collections.abc import Iterator

import aistore.sdk as official
import pytest
import requests
from aistore.sdk.errors import AISError as OfficialAISError
from ml_it_support import make_tar, read_tar, unique_name

from pyaistore.sdk import Bucket, Client
from pyaistore.sdk.enums import Colocation
from pyaistore.sdk.errors import AISError
from pyaistore.server.local_cluster import LocalCluster

SHARDS = 50
MEMBERS = 20


Shards = tuple[Bucket, dict[str, dict[str, bytes]]]


@pytest.fixture(scope="module")
def shards(cluster: LocalCluster) -> Iterator[Shards]:
    """50 tar shards of 20 members each (1,000 in all), spread over both targets by HRW."""
    client = Client(cluster.endpoint)
    bucket = client.bucket(unique_name("gb")).create()
    content: dict[str, dict[str, bytes]] = {}
    for shard in range(SHARDS):
        members = {f"s{shard}/{m:02d}.bin": os.urandom(200 + 37 * m) for m in range(MEMBERS)}
        name = f"shard-{shard:03d}.tar"
        bucket.object(name).get_writer().put_content(make_tar(members))
        content[name] = members
    yield bucket, content
    bucket.delete(missing_ok=True)


def _owners(cluster: LocalCluster, bucket: Bucket, names: list[str]) -> set[str]:
    smap = Client(cluster.endpoint).cluster().get_info()
    return {smap.get_target_for_object(bucket.object(name).uname).daemon_id for name in names}


def test_1000_members_of_50_shards_over_two_targets_byte_exact(cluster: LocalCluster, shards: Shards) -> None:
    bucket, content = shards
    assert len(_owners(cluster, bucket, list(content))) == 2
    batch = Client(cluster.endpoint).batch(bucket=bucket)
    expected = []
    for shard in sorted(content, reverse=True):  # request order differs from name order
        for member, data in content[shard].items():
            batch.add(shard, archpath=member)
            expected.append((shard, member, data))
    results = list(batch.get())
    assert len(results) == SHARDS * MEMBERS
    for (out, data), (shard, member, want) in zip(results, expected, strict=True):
        assert (out.obj_name, out.archpath, out.err_msg) == (shard, member, None)
        assert data == want


def test_missing_entries_continue_or_fail(cluster: LocalCluster, shards: Shards) -> None:
    bucket, content = shards
    client = Client(cluster.endpoint)
    shard = sorted(content)[0]
    member, data = next(iter(content[shard].items()))
    for streaming in (True, False):
        batch = client.batch(bucket=bucket, cont_on_err=True, streaming_get=streaming)
        batch.add("no-such-object").add(shard, archpath="no/such/member").add(shard, archpath=member)
        results = list(batch.get())
        assert [r[0].err_msg is not None for r in results] == [True, True, False]
        assert [r[1] for r in results] == [b"", b"", data]
    raw = client.batch(bucket=bucket, cont_on_err=True, streaming_get=True).add("gone").get(raw=True)
    assert [name for name, _ in read_tar(raw.read())] == [f"__404__/{bucket.name}/gone"]
    for streaming in (True, False):
        batch = client.batch(bucket=bucket, cont_on_err=False, streaming_get=streaming)
        batch.add(shard, archpath=member).add("no-such-object")
        with pytest.raises(AISError) as failure:
            list(batch.get())
        assert failure.value.status_code == 404


@pytest.mark.parametrize("fmt", [".tar", ".tgz", ".tar.gz", ".zip"])
def test_every_output_format_in_request_order(cluster: LocalCluster, shards: Shards, fmt: str) -> None:
    bucket, content = shards
    client = Client(cluster.endpoint)
    shard = sorted(content)[3]
    members = list(content[shard].items())[:5]
    batch = client.batch(bucket=bucket, output_format=fmt, only_obj_name=True)
    for member, _ in reversed(members):
        batch.add(shard, archpath=member)
    raw = batch.get(raw=True).read()
    if fmt == ".zip":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            found = [(info.filename, archive.read(info)) for info in archive.infolist()]
    else:
        found = read_tar(raw)
    assert found == [(f"{shard}/{member}", data) for member, data in reversed(members)]


def test_official_sdk_multipart_two_buckets_ranges_and_opaque(cluster: LocalCluster, shards: Shards) -> None:
    bucket, content = shards
    client = official.Client(cluster.endpoint)
    other = client.bucket(unique_name("gb2")).create()
    try:
        other.object("plain").get_writer().put_content(b"0123456789" * 10)
        shard = sorted(content)[1]
        member, data = next(iter(content[shard].items()))
        batch = client.batch(streaming_get=False, colocation=Colocation.TARGET_AWARE)
        batch.add(client.bucket(bucket.name).object(shard), archpath=member, opaque=b"id-1")
        batch.add("plain", bck=other.name, provider="ais", start=10, length=5)
        batch.add("plain", bck=other.name, provider="ais", start=95, length=-1)
        results = list(batch.get())
        assert [r[1] for r in results] == [data, b"01234", b"56789"]
        assert results[0][0].opaque == b"id-1" and results[0][0].bucket == bucket.name
        assert [r[0].size for r in results] == [len(data), 5, 5]
        with pytest.raises(OfficialAISError) as failure:
            list(client.batch(["x"], bucket=client.bucket("no-such-bucket-gb")).get())
        assert failure.value.status_code == 404 and "does not exist" in str(failure.value)
    finally:
        other.delete(missing_ok=True)


def test_job_is_listed_idles_and_stops(cluster: LocalCluster, shards: Shards) -> None:
    bucket, content = shards
    client = official.Client(cluster.endpoint)
    before = {s.id for s in client.job(job_kind="get-batch").get_details().list_snapshots()}
    names = sorted(content)[:3]
    assert len(list(client.batch(names, bucket=client.bucket(bucket.name)).get())) == 3
    snaps = client.job(job_kind="get-batch").get_details().list_snapshots()
    new = [s for s in snaps if s.id not in before or s.stats.objects]
    assert new and all(s.is_idle for s in new)
    job_id = new[-1].id
    assert client.job(job_id, "get-batch").wait(timeout=30).success
    client.job(job_id, "get-batch").abort()
    assert not client.job(job_id, "get-batch").wait(timeout=30).success


def test_bad_requests(cluster: LocalCluster, shards: Shards) -> None:
    bucket, _ = shards
    url = f"{cluster.endpoint}/v1/ml/moss/{bucket.name}"
    empty = requests.get(url, json={"in": []}, timeout=10)
    assert empty.status_code == 400 and "empty input" in empty.text
    coloc = requests.get(url + "?coloc=3", json={"in": [{"objname": "a"}]}, timeout=10)
    assert coloc.status_code == 400
    bad_range = requests.get(url, json={"in": [{"objname": "a", "start": 5}]}, timeout=10)
    assert bad_range.status_code == 416
