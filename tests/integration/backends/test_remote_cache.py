"""Prefetch and evict, against every stand-in: by template, by list, a whole bucket (with and
without its metadata), and AIS's answers for ais buckets."""

import pytest
from clouds_it_support import Cloud

from pyaistore.sdk import Bucket, Client, ListObjectFlag
from pyaistore.sdk.errors import AISError, ErrBckNotFound

TEMPLATE_NAMES = [f"t/obj-{index:02d}" for index in range(6)]


def _cached(bucket: Bucket) -> set[str]:
    return {e.name for e in bucket.list_all_objects(props="name,cached", flags=[ListObjectFlag.CACHED])}


def test_prefetch_by_template_then_evict(cloud: Cloud, bucket: tuple[str, Bucket], client: Client) -> None:
    name, sdk_bucket = bucket
    for obj in TEMPLATE_NAMES:
        cloud.put(name, obj, obj.encode())
    job_id = sdk_bucket.objects(obj_template="t/obj-{00..05}").prefetch()
    status = client.job(job_id).wait(timeout=60)
    assert status.success
    assert _cached(sdk_bucket) == set(TEMPLATE_NAMES)
    assert all(cloud.fetches(name, obj) == 1 for obj in TEMPLATE_NAMES)
    # Cached objects are read locally, and a second prefetch fetches nothing.
    assert sdk_bucket.object("t/obj-03").get_reader().read_all() == b"t/obj-03"
    client.job(sdk_bucket.objects(obj_template="t/obj-{00..05}").prefetch()).wait(timeout=60)
    assert all(cloud.fetches(name, obj) == 1 for obj in TEMPLATE_NAMES)
    evicted = sdk_bucket.objects(obj_names=["t/obj-00", "t/obj-01"]).evict()
    assert client.job(evicted).wait(timeout=60).success
    assert _cached(sdk_bucket) == set(TEMPLATE_NAMES[2:])
    assert cloud.get(name, "t/obj-00") == b"t/obj-00"  # the backend keeps it
    client.job(sdk_bucket.objects(obj_template="t/obj-{02..03}").evict()).wait(timeout=60)
    assert _cached(sdk_bucket) == set(TEMPLATE_NAMES[4:])


def test_prefetch_whole_bucket_and_list_errors(
    cloud: Cloud, bucket: tuple[str, Bucket], client: Client
) -> None:
    if not cloud.listable:
        pytest.skip("an HTTP origin cannot be listed: prefetch names objects (list or template)")
    name, sdk_bucket = bucket
    for index in range(5):
        cloud.put(name, f"all/{index}", b"w")
    cloud.put(name, "other", b"w")
    assert client.job(sdk_bucket.objects(obj_template="all/").prefetch()).wait(timeout=60).success
    assert _cached(sdk_bucket) == {f"all/{index}" for index in range(5)}
    assert client.job(sdk_bucket.objects(obj_template="*").prefetch()).wait(timeout=60).success
    assert _cached(sdk_bucket) == {f"all/{index}" for index in range(5)} | {"other"}
    # A listed name the backend lacks is a job error; the others are fetched.
    result = client.job(sdk_bucket.objects(obj_names=["missing-one"]).prefetch()).wait(timeout=60)
    assert not result.success and "missing-one" in result.error


def test_bucket_evict_keeps_or_drops_the_bucket(
    cloud: Cloud, bucket: tuple[str, Bucket], client: Client
) -> None:
    name, sdk_bucket = bucket
    for obj in ("a", "b"):
        cloud.put(name, obj, b"v")
        sdk_bucket.object(obj).get_reader().read_all()
    assert _cached(sdk_bucket) == {"a", "b"}
    sdk_bucket.evict(keep_md=True)
    assert _cached(sdk_bucket) == set()
    props = sdk_bucket.head()
    assert props  # still known, with its properties
    sdk_bucket.object("a").get_reader().read_all()
    sdk_bucket.evict(keep_md=False)
    known = {b.name for b in client.cluster().list_buckets(provider=sdk_bucket.provider)}
    in_cluster = {
        b.name
        for b in client.cluster().list_buckets(provider="")
        if b.provider == sdk_bucket.provider.value and b.name == name
    }
    assert not in_cluster
    if cloud.provider in ("aws", "gcp", "azure"):
        assert name in known  # the cloud still lists it
    # Evicting a remote bucket the cluster does not know is quietly done.
    cloud.sdk_bucket(client, "never-used-" + name).evict()


def test_blob_download_fetches_one_object_on_its_owner(
    cloud: Cloud, bucket: tuple[str, Bucket], client: Client
) -> None:
    name, sdk_bucket = bucket
    data = bytes(range(256)) * 4096 + b"tail"  # 1 MiB and a bit
    cloud.put(name, "big/blob", data)
    job_id = sdk_bucket.object("big/blob").blob_download(chunk_size=1 << 20, num_workers=4)
    assert client.job(job_id).wait(timeout=60).success
    assert _cached(sdk_bucket) == {"big/blob"}
    assert cloud.fetches(name, "big/blob") == 1
    assert sdk_bucket.object("big/blob").get_reader().read_all() == data
    details = client.job(job_id).get_details()
    assert len(details) == 1  # the owner alone ran it
    ((snapshot,),) = details.values()
    assert (snapshot.stats["loc-objs"], snapshot.stats["loc-bytes"]) == (1, len(data))
    again = sdk_bucket.object("big/blob").blob_download()  # stored already: nothing fetched
    assert client.job(again).wait(timeout=60).success and cloud.fetches(name, "big/blob") == 1
    missing = client.job(sdk_bucket.object("no-such-blob").blob_download()).wait(timeout=60)
    assert not missing.success


def test_ais_buckets_refuse_prefetch_and_evict(client: Client) -> None:
    local = client.bucket("plain-ais").create(exist_ok=True)
    local.object("o").get_writer().put_content(b"x")
    with pytest.raises(AISError) as caught:
        local.make_request("POST", "prefetch-listrange", value={"objnames": ["o"]})
    assert caught.value.status_code == 400
    assert caught.value.message == "prefetch-listrange: expecting remote bucket (have ais://plain-ais)"
    with pytest.raises(AISError) as caught:
        local.make_request("DELETE", "evict-listrange", value={"objnames": ["o"]})
    assert caught.value.message == "evict-remote-bck: expecting remote bucket (have ais://plain-ais)"
    with pytest.raises(AISError) as caught:
        local.make_request("DELETE", "evict-remote-bck", params={"keep_bck_md": "true"})
    assert caught.value.status_code == 400
    with pytest.raises(ErrBckNotFound):
        client.bucket("no-such-ais").make_request("DELETE", "evict-remote-bck")
    with pytest.raises(AISError) as caught:
        local.object("o").blob_download()
    assert (caught.value.status_code, caught.value.message) == (
        400,
        "blob-download: expecting remote bucket (have ais://plain-ais)",
    )
