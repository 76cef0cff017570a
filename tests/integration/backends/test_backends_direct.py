"""Backends used directly (no cluster) against the stand-ins: the configurations the cluster tests
do not take, such as an Azure account and key instead of a connection string."""

import io

import pytest
from stand_ins_cluster_it_support import StandIns
from stand_ins_it_support import AZURITE_ACCOUNT, AZURITE_KEY

from pyaistore.backends.azure import AzureBackend
from pyaistore.backends.base import CloudBucket, Redactor, RemoteAccessDenied, RemoteObjectNotFound


def test_azure_account_and_key_with_an_endpoint(stand_ins: StandIns) -> None:
    if stand_ins.azurite is None:
        pytest.skip(stand_ins.azure_skip)
    cloud = stand_ins.cloud("azure")
    name = cloud.new_bucket()
    env = {
        "AZURE_STORAGE_ACCOUNT": AZURITE_ACCOUNT,
        "AZURE_STORAGE_KEY": AZURITE_KEY,
        "AIS_AZURE_URL": f"{stand_ins.azurite.url}/{AZURITE_ACCOUNT}",
    }
    backend = AzureBackend(Redactor(), env)
    bucket = CloudBucket(name, "azure")
    assert backend.head_bucket(bucket) is not None
    stored = backend.put_object(bucket, "dir/k", io.BytesIO(b"via key"), 7, {"owner": "me"})
    assert stored.size == 7 and stored.etag and stored.user_meta == {"owner": "me"}
    assert cloud.get(name, "dir/k") == b"via key"
    reader = backend.open_object(bucket, "dir/k")
    assert reader.read(100) == b"via key"
    page = backend.list_page(bucket, "", "", 10, recursive=False)
    assert [(e.name, e.is_dir) for e in page.entries] == [("dir/", True)]
    backend.delete_object(bucket, "dir/k")
    with pytest.raises(RemoteObjectNotFound):
        backend.head_object(bucket, "dir/k")


def test_azure_without_an_account_is_not_configured() -> None:
    with pytest.raises(RemoteAccessDenied) as caught:
        AzureBackend(Redactor(), {}).list_buckets()
    assert caught.value.status == 401
