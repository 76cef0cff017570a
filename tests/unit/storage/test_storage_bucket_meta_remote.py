"""Remote buckets in the bucket table: their props, backend buckets, attached clusters."""

from pyaistore.storage import bucket_meta
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.wire.bucket_id import BucketId, Namespace

S3 = BucketId("data", "aws")


def test_remote_props_take_the_backends_versioning_and_region() -> None:
    props = bucket_meta.remote_props(S3, 1, 2, versioning=False, region="eu-west-1")
    assert props["provider"] == "aws" and props["versioning"]["enabled"] is False
    assert props["extra"]["aws"]["cloud_region"] == "eu-west-1"
    assert props["extra"]["http"] == {"original_url": ""}


def test_backend_bucket_of_remote_backed_and_plain_buckets() -> None:
    assert bucket_meta.backend_bucket(S3, None) == S3
    plain = BucketId("local")
    props = bucket_meta.default_props(plain, 0, 1)
    assert bucket_meta.backend_bucket(plain, props) is None
    props = bucket_meta.apply_patch(props, {"backend_bck": {"name": "data", "provider": "s3"}})
    assert bucket_meta.backend_bucket(plain, props) == S3


def test_attached_clusters_travel_with_the_table_and_old_tables_still_load() -> None:
    table = BucketTable().with_remote_clusters({"team": {"url": "http://h:1", "uuid": "U9"}})
    again = BucketTable.from_json(table.to_json())
    assert again.remote_clusters == {"team": {"url": "http://h:1", "uuid": "U9"}}
    assert again.with_bucket(S3, {}).remote_clusters == again.remote_clusters
    old = BucketTable.from_json({"version": 3, "buckets": {}})
    assert old.remote_clusters == {} and "remote_ais" not in old.to_json()


def test_an_alias_resolves_to_its_clusters_uuid() -> None:
    table = BucketTable().with_remote_clusters({"team": {"url": "http://h:1", "uuid": "U9"}})
    aliased = BucketId("b", "ais", Namespace("team"))
    assert table.canonical(aliased) == BucketId("b", "ais", Namespace("U9"))
    assert table.canonical(BucketId("b", "ais", Namespace("U9"))) == BucketId("b", "ais", Namespace("U9"))
    assert table.remote_cluster("U9") == ("team", {"url": "http://h:1", "uuid": "U9"})
    assert table.remote_cluster("other") is None
