"""Requests that name an ETL fail as AIStore fails them for an unknown ETL, never with raw bytes.

For an ETL name nobody defined, AIS answers an inline-transform GET with 404 (`<etl> does not
exist - try starting new ETL ...`) and a copy with transform with a 4xx before any data moves.
"""

import secrets
from collections.abc import Iterator

import pytest
import requests
from aistore.sdk import Client
from aistore.sdk.bucket import Bucket
from aistore.sdk.errors import AISError
from aistore.sdk.etl import ETLConfig

from pyaistore.server.local_cluster import LocalCluster

CONTENT = b"plain bytes that no transform touched"


@pytest.fixture()
def bucket(cluster: LocalCluster) -> Iterator[Bucket]:
    created = Client(cluster.endpoint).bucket(f"compat-etl-{secrets.token_hex(4)}")
    created.create()
    yield created
    created.delete(missing_ok=True)


def test_get_with_unknown_etl_is_404_not_raw_bytes(bucket: Bucket) -> None:
    bucket.object("o").get_writer().put_content(CONTENT)
    with pytest.raises(AISError) as info:
        bucket.object("o").get_reader(etl=ETLConfig("no-such-etl")).read_all()
    assert info.value.status_code == 404
    assert "no-such-etl does not exist" in info.value.message
    assert bucket.object("o").get_reader().read_all() == CONTENT


def test_raw_get_with_etl_name_sends_no_object_bytes(cluster: LocalCluster, bucket: Bucket) -> None:
    bucket.object("o").get_writer().put_content(CONTENT)
    url = f"{cluster.endpoint}/v1/objects/{bucket.name}/o"
    reply = requests.get(url, params={"provider": "ais", "etl_name": "no-such-etl"}, timeout=10)
    assert reply.status_code == 404
    assert reply.json()["tcode"] == "ErrNotFound"
    assert CONTENT not in reply.content


def test_copy_with_unknown_etl_copies_nothing(bucket: Bucket) -> None:
    bucket.object("src").get_writer().put_content(CONTENT)
    with pytest.raises(AISError) as info:
        bucket.object("src").copy(bucket.object("dst"), etl=ETLConfig("no-such-etl"))
    assert info.value.status_code == 400
    with pytest.raises(AISError) as missing:
        bucket.object("dst").head()  # a HEAD error has no body: plain AISError, as with AIS
    assert missing.value.status_code == 404
